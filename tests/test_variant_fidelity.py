"""The variant corpus and its scorer: expectations are well-formed, and the scorer can tell good from bad.

The parser's scores are not asserted here (benchmarks/fidelity.py prints them);
these tests make sure the measure itself is sound.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from guidegraph.ingest.readers import read_source

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VARIANTS = HERE / "variants"
sys.path.insert(0, str(HERE))
import variant_builders  # noqa: E402


def _load_scorer():
    spec = importlib.util.spec_from_file_location("fidelity", ROOT / "benchmarks" / "fidelity.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fidelity"] = module
    spec.loader.exec_module(module)
    return module


fidelity = _load_scorer()

KINDS = {"category", "programme", "field", "direction", "subdirection"}
COMPARATORS = {">=", ">", "<=", "<", "=", "range"}
SEVERITIES = {"Violation", "Warning", "Info"}
ROLES = {"accepting", "responsible", "contact"}
COMMITTED = sorted(p.parent.name for p in VARIANTS.glob("*/expected.json") if p.parent.name != "seeds_expected")
SEEDS = sorted(p.parent.name for p in (VARIANTS / "seeds_expected").glob("*/expected.json"))


def _case_folder(name: str, tmp_path: Path) -> Path:
    if name == variant_builders.LONG_NAME:
        return variant_builders.write_generated(tmp_path)[name]
    return VARIANTS / name


def _printed(value: float, text: str) -> bool:
    """The value is written in the statement, as is or in 万 (10万次 -> 100000)."""
    text = fidelity.norm_text(text)
    for scaled in (value, value / 10_000, value / 100_000_000):
        written = f"{scaled:g}" if scaled != int(scaled) else str(int(scaled))
        if written in text:
            return True
    return False


def check_expected(expected: dict) -> None:
    assert isinstance(expected.get("nodes"), list)
    for node in expected["nodes"]:
        assert node["kind"] in KINDS, node
        assert isinstance(node["title"], str) and node["title"].strip(), node
        assert node.get("number") is None or isinstance(node["number"], str)
        assert node.get("code") is None or isinstance(node["code"], str)
        assert isinstance(node.get("tags", []), list)
        for ind in node.get("indicators", []):
            assert ind["text"].strip()
            for q in ind.get("quantities", []):
                assert q["comparator"] in COMPARATORS and isinstance(q["value"], float)
                assert _printed(q["value"], ind["text"]), (q, ind["text"])
                assert (q["comparator"] == "range") == ("value_max" in q), q
                if "value_max" in q:
                    assert q["value"] <= q["value_max"]
        for f in node.get("funding", []):
            assert f["yuan"] > 0 and f["scope"] in ("per_project", "total", "part", "unspecified")
        for key in ("declared_direction_count", "declared_project_count"):
            assert node.get(key) is None or fidelity.count_value(node[key]) is not None
    for key in ("declared_direction_count", "declared_project_count"):
        assert expected.get(key) is None or fidelity.count_value(expected[key]) > 0
    for office in expected.get("offices", []):
        assert office["name"].strip() and office["role"] in ROLES
        for contact in office["contacts"]:
            assert contact["person"] is None or contact["person"].strip()
            assert all(sum(ch.isdigit() for ch in p) >= 7 for p in contact["phones"])
    for d in expected.get("deadlines", []):
        assert d["datetime"].endswith("+08:00") and len(d["datetime"]) == 25
    if "jurisdiction" in expected and expected["jurisdiction"]:
        assert expected["jurisdiction"]["level"] in ("national", "provincial", "municipal", "county")


def check_findings(findings: list, lines: list[str]) -> None:
    assert isinstance(findings, list)
    for f in fidelity.resolve_lines(findings, lines):
        assert f["severity"] in SEVERITIES and f["shape"] and f["why"].strip(), f
        if f.get("anchor"):
            assert f["line"] >= 1, f"anchor {f['anchor']!r} is on no line of the document"
        if f.get("line") is not None:
            assert 1 <= f["line"] <= len(lines)


@pytest.mark.parametrize("name", COMMITTED + [variant_builders.LONG_NAME])
def test_variant_expectations_are_well_formed(name, tmp_path):
    folder = _case_folder(name, tmp_path)
    document = fidelity.variant_document(folder)
    assert document is not None, f"{name}: no guide.txt/.docx/.pdf/.html"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    check_expected(expected)
    lines = read_source(document).lines()
    check_findings(json.loads((folder / "findings.json").read_text(encoding="utf-8")), lines)
    check_read_from(expected, lines)


def check_read_from(expected: dict, lines: list[str]) -> None:
    """Titles, indicator statements, office names and phones are all in the text: read from it, not invented."""
    text = fidelity.norm_text("".join(lines))
    digits = fidelity.norm_phone("".join(lines))
    for node in expected["nodes"]:
        assert fidelity.norm_text(node["title"]) in text, node["title"]
        for ind in node.get("indicators", []):
            assert fidelity.norm_text(ind["text"]) in text, ind["text"]
    for office in expected.get("offices", []):
        assert fidelity.norm_text(office["name"]) in text, office["name"]
        for contact in office["contacts"]:
            assert contact["person"] is None or fidelity.norm_text(contact["person"]) in text, contact["person"]
            for phone in contact["phones"]:
                # 66608805/07 prints the second number's shared prefix once
                assert fidelity.norm_phone(phone)[-7:] in digits or fidelity.norm_phone(phone)[-7:-2] in digits, phone


@pytest.mark.parametrize("name", SEEDS)
def test_seed_expectations_are_well_formed(name):
    folder = VARIANTS / "seeds_expected" / name
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    check_expected(expected)
    lines = read_source(ROOT / expected["source"]).lines()
    check_findings(json.loads((folder / "findings.json").read_text(encoding="utf-8")), lines)
    check_read_from(expected, lines)


@pytest.mark.parametrize("source", sorted(VARIANTS.glob("*/source.json")), ids=lambda p: p.parent.name)
def test_committed_binary_is_built_from_its_source(source, tmp_path):
    spec = json.loads(source.read_text(encoding="utf-8"))
    committed = source.parent / f"guide.{spec['format']}"
    assert committed.exists() and committed.stat().st_size < 200_000
    copy = tmp_path / source.parent.name
    copy.mkdir()
    (copy / "source.json").write_bytes(source.read_bytes())
    rebuilt = variant_builders.build_variant(copy)
    assert read_source(rebuilt).text == read_source(committed).text


def test_long_guide_is_deterministic_and_long():
    first = variant_builders.long_guide()
    second = variant_builders.long_guide()
    assert first == second
    text, expected, findings = first
    directions = [n for n in expected["nodes"] if n["kind"] == "direction"]
    assert len(directions) >= 1000 and expected["declared_direction_count"] == len(directions)
    assert len({d["title"] for d in directions}) == len(directions)
    lines = text.split("\n")
    for d in directions[:: len(directions) // 20]:
        assert any(line.startswith(f"{d['number']} {d['title']}") for line in lines)
    assert findings == []


# ---------------------------------------------------------------- the scorer on a hand-made pair

def _node(kind, number, title, indicators=(), code=None, parent=None):
    return {"id": title, "parent": parent, "kind": kind, "number": number, "code": code, "title": title, "tags": [],
            "indicators": list(indicators), "funding": [], "declared_direction_count": None,
            "declared_project_count": None}


EXPECTED = {
    "nodes": [
        _node("field", "一、", "智能制造"),
        _node("direction", "1.", "工业机器人减速器", [{"text": "寿命不低于10000小时",
              "quantities": [{"comparator": ">=", "value": 10000.0, "unit": "小时"}]}]),
        _node("direction", "2.", "数控系统", [{"text": "定位精度≤0.01mm",
              "quantities": [{"comparator": "<=", "value": 0.01, "unit": "mm"}]}], code="1002"),
    ],
    "offices": [{"name": "省科技厅高新处", "role": "contact", "contacts": [{"person": "王明", "phones": ["0571-1234567"]}]}],
}


def _score(parsed: dict, expected: dict = EXPECTED) -> "fidelity.Score":
    score = fidelity.Score("pair")
    fidelity.score_nodes(score, expected, parsed, complete_dirs=True)
    fidelity.score_offices(score, expected, parsed)
    return score


def _parsed(nodes=None, offices=None) -> dict:
    import copy

    return {"nodes": copy.deepcopy(EXPECTED["nodes"] if nodes is None else nodes),
            "offices": copy.deepcopy(EXPECTED["offices"] if offices is None else offices)}


def test_a_perfect_outline_scores_one():
    r = _score(_parsed()).ratios
    for metric in ("dir_recall", "dir_precision", "kind", "ind_recall", "qty_recall", "office_recall", "phone_recall"):
        assert r[metric].value == 1.0, metric


def test_dropping_a_direction_lowers_recall_not_precision():
    parsed = _parsed()
    parsed["nodes"].pop(1)
    r = _score(parsed).ratios
    assert r["dir_recall"].value == 0.5 and r["dir_precision"].value == 1.0
    assert r["qty_recall"].value == 0.5


def test_an_extra_direction_lowers_precision_not_recall():
    parsed = _parsed()
    parsed["nodes"].append(_node("direction", "1.", "申报单位须为独立法人"))
    r = _score(parsed).ratios
    assert r["dir_recall"].value == 1.0 and r["dir_precision"].value == pytest.approx(2 / 3)


def test_matching_is_kind_insensitive_but_kind_is_scored():
    parsed = _parsed()
    parsed["nodes"][1]["kind"] = "programme"
    r = _score(parsed).ratios
    assert r["dir_recall"].value == 1.0  # found, with the wrong kind
    assert r["kind"].value == pytest.approx(2 / 3)
    assert r["dir_precision"].value == 1.0  # the one parsed direction is right


def test_a_code_matches_whatever_the_title():
    parsed = _parsed()
    parsed["nodes"][2]["title"] = "数控系统（共性关键技术类）"
    assert _score(parsed).ratios["dir_recall"].value == 1.0
    parsed["nodes"][2]["code"] = None
    assert _score(parsed).ratios["dir_recall"].value == 0.5


def test_a_wrong_quantity_or_phone_is_missed():
    parsed = _parsed()
    parsed["nodes"][1]["indicators"][0]["quantities"][0]["value"] = 1000.0
    parsed["offices"][0]["contacts"][0]["phones"] = ["0571-7654321"]
    r = _score(parsed).ratios
    assert r["qty_recall"].value == 0.5 and r["phone_recall"].value == 0.0 and r["office_recall"].value == 1.0


def test_findings_match_by_shape_severity_and_line():
    expected = [{"shape": "DirectionIndicator", "severity": "Violation", "line": 12, "why": "no 考核指标"}]
    right = {"shape": "DirectionIndicator", "severity": "Violation", "start_line": 10, "end_line": 14}
    elsewhere = dict(right, start_line=20, end_line=22)
    warning = dict(right, severity="Warning")
    score = fidelity.Score("f")
    fidelity.score_findings(score, expected, [right, elsewhere, warning], complete=True)
    assert score.ratios["defect_recall"].value == 1.0
    assert score.false_alarms == 2
    score = fidelity.Score("f")
    fidelity.score_findings(score, expected, [elsewhere], complete=True)
    assert score.ratios["defect_recall"].value == 0.0 and score.false_alarms == 1
    score = fidelity.Score("f")
    fidelity.score_findings(score, expected, [elsewhere], complete=False)
    assert score.false_alarms is None  # a partial expectation counts no false alarms


def test_guide_level_count_is_read_from_the_outline_or_a_root_node():
    score = fidelity.Score("g")
    fidelity.score_guide_counts(score, {"declared_direction_count": 5},
                                {"nodes": [dict(_node("programme", None, "指南"), declared_direction_count=5)]})
    fidelity.score_guide_counts(score, {"declared_direction_count": 5}, {"declared_direction_count": 4, "nodes": []})
    assert (score.ratios["declared_recall"].hit, score.ratios["declared_recall"].total) == (1, 2)


def test_an_office_matches_with_a_prefix_but_not_without_its_desk():
    expected = {"offices": [{"name": "广东省科学技术厅对外合作处", "role": "contact",
                             "contacts": [{"person": None, "phones": ["020-83163925"]}]}]}
    signature = {"offices": [{"name": "广东省科学技术厅", "contacts": [{"person": None, "phones": ["020-83163925"]}]}]}
    short = {"offices": [{"name": "省科学技术厅对外合作处", "contacts": []}]}
    for parsed, found in ((signature, 0.0), (short, 1.0)):
        score = fidelity.Score("o")
        fidelity.score_offices(score, expected, parsed)
        assert score.ratios["office_recall"].value == found


def test_an_unreadable_document_is_an_error_row_not_a_crash(tmp_path):
    bad = tmp_path / "guide.txt"
    bad.write_bytes(b"\xff\xfe\x00\xd8 not a guide \x81\x00")
    score = fidelity.score_case(fidelity.Case("bad", bad, {"nodes": []}, []))
    assert score.error
    assert fidelity.table_row(score)[2] == "ERROR"


def test_numbers_compare_by_their_core():
    assert fidelity.norm_number("（1）") == fidelity.norm_number("1.") == fidelity.norm_number("方向1") == "1"
    assert fidelity.norm_number("专题一") == fidelity.norm_number("一、") == "一"
    assert fidelity.norm_number("I.") == "i" and fidelity.norm_number("2.1") == "21"
    parsed = _parsed()
    parsed["nodes"][1]["number"] = None  # a number the parser did not keep: the title still matches
    assert _score(parsed).ratios["dir_recall"].value == 1.0
    parsed["nodes"][1]["number"] = "3."  # a different number is a different direction
    assert _score(parsed).ratios["dir_recall"].value == 0.5


def test_a_finding_about_a_coded_direction_must_name_the_code():
    expected = [{"shape": "DirectionCodeUnique", "severity": "Violation", "line": 11, "code": "2504", "why": "twice"}]
    unnamed = {"shape": "DirectionCodeUnique", "severity": "Violation", "start_line": 11, "title": "茶叶品质快速检测"}
    named = dict(unnamed, excerpt="2504 茶叶品质快速检测与智能加工")
    for found, recalled in ((unnamed, 0.0), (named, 1.0)):
        score = fidelity.Score("c")
        fidelity.score_findings(score, expected, [found], complete=True)
        assert score.ratios["defect_recall"].value == recalled
