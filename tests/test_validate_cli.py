"""``guidegraph validate`` on the seeds, on mutated guides, and on bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from guidegraph.cli import main
from guidegraph.corpus import seed_paths
from guidegraph.validation import validate

SEEDS = {p.name[:3]: p for p in seed_paths()}
JIANGSU = SEEDS["004"]


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _findings(path: Path) -> Counter:
    report = validate(path).report
    return Counter((f.shape, f.start_line) for f in report.findings)


def _mutate(tmp_path: Path, name: str, edit) -> Path:
    lines = JIANGSU.read_text(encoding="utf-8").split("\n")
    edit(lines)
    out = tmp_path / name
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def jiangsu_baseline() -> Counter:
    return _findings(JIANGSU)


def _line_index(lines: list[str], prefix: str, after: int = 0) -> int:
    return next(i for i, line in enumerate(lines) if i >= after and line.startswith(prefix))


def test_removing_a_directions_indicators_is_reported_at_its_heading(tmp_path, jiangsu_baseline):
    def drop_indicators(lines):
        heading = _line_index(lines, "2003 ")
        start = _line_index(lines, "考核指标", heading)
        end = _line_index(lines, "2004 ", heading)
        for i in range(start, end):  # the statement and its wrapped lines, blanked so line numbers stay put
            lines[i] = ""

    mutated = _findings(_mutate(tmp_path, "no-indicators.txt", drop_indicators))
    assert mutated - jiangsu_baseline == Counter({("DirectionIndicator", 136): 1})
    assert jiangsu_baseline - mutated == Counter()


def test_removing_an_offices_phone_is_reported_at_the_office(tmp_path, jiangsu_baseline):
    def drop_phone(lines):
        person = _line_index(lines, "联系人：省卫生健康委科教处")
        lines[_line_index(lines, "联系电话：", person)] = ""

    mutated = _findings(_mutate(tmp_path, "no-phone.txt", drop_phone))
    assert mutated - jiangsu_baseline == Counter({("OfficeReachable", 85): 1})
    assert jiangsu_baseline - mutated == Counter()


def test_a_duplicated_guide_code_in_the_text_is_reported_at_the_second_use(tmp_path, jiangsu_baseline):
    def duplicate_code(lines):
        i = _line_index(lines, "2004 ")
        lines[i] = "2003" + lines[i][4:]

    mutated = _findings(_mutate(tmp_path, "dup-code.txt", duplicate_code))
    assert mutated - jiangsu_baseline == Counter({("DirectionCodeUnique", 144): 1})
    assert jiangsu_baseline - mutated == Counter()


def test_a_duplicated_guide_code_in_an_rdf_draft_is_reported_once_at_the_second_use(tmp_path, jiangsu_baseline):
    # An officer may also validate an RDF draft directly.
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.ingest.corpus import outline_to_dataset
    from guidegraph.rdf_io import union_graph
    from guidegraph.namespaces import GG
    from rdflib import Literal

    graph = union_graph(outline_to_dataset(outline_file(JIANGSU)))
    second = next(s for s in graph.subjects(GG.code, Literal("2004")))
    graph.set((second, GG.code, Literal("2003")))
    path = tmp_path / "dup-code.ttl"
    graph.serialize(path, format="turtle")
    mutated = _findings(path)
    assert mutated - jiangsu_baseline == Counter({("DirectionCodeUnique", 144): 1})
    assert jiangsu_baseline - mutated == Counter()
    finding = next(f for f in validate(path, lang="en").report.findings if f.shape == "DirectionCodeUnique")
    assert finding.message == "Guide code 2003 is used twice: it already appears at line 136"
    assert (finding.number, finding.title) == ("2004", "胃癌围手术期综合治疗关键技术研发")


def test_jiangsu_seed_report_text(capsys):
    code, out, err = run_cli(capsys, str(JIANGSU))
    assert code == 1  # 1001 has neither 研发内容 nor 考核指标
    # what to fix leads, grouped by problem; each line names the direction by code and title and its section
    assert out.index("== 违规 2（须修改）") < out.index("-- 研究方向缺少“考核指标” (DirectionIndicator, 1)")
    assert "〔一、国家医学中心建设支撑项目〕" in out
    assert "[违规] L110-112 1001 国家医学中心建设支撑项目: 研究方向缺少“考核指标”" in out
    assert "「1001 国家医学中心建设支撑项目" in out
    assert out.rstrip().endswith("合计：违规 2，警告 0，提示 0（不符合）")


def test_english_report(capsys):
    code, out, _ = run_cli(capsys, str(JIANGSU), "--lang", "en")
    assert "[Violation] L110-112 1001 国家医学中心建设支撑项目: The direction has no indicator (考核指标)" in out
    assert "Total: 2 violation(s), 0 warning(s), 0 info (does not conform)" in out


def test_national_seed_count_mismatch(capsys):
    code, out, _ = run_cli(capsys, str(SEEDS["002"]), "--format", "json")
    data = json.loads(out)
    mismatches = [f for f in data["findings"] if f["shape"] == "DeclaredDirectionCount"]
    # 常见多发病防治研究 announces 拟启动 22 个方向 and publishes 17; 基础科研条件与重大科学仪器设备研发
    # announces 39 projects plus young-scientist ones, and publishes 39 + 3 young-scientist directions.
    assert [(f["title"], f["message"]) for f in mismatches] == [("常见多发病防治研究", "宣布的方向数为 22，实际发布 17 个方向")]
    assert code == 1


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_seed_validates_with_located_findings(capsys, seed):
    code, out, err = run_cli(capsys, str(SEEDS[seed]), "--format", "json")
    data = json.loads(out)
    assert code == (0 if data["conforms"] else 1)
    assert set(data["counts"]) == {"Violation", "Warning", "Info"}
    for f in data["findings"]:
        assert f["message"] and f["severity"] in ("Violation", "Warning", "Info")
        if f["severity"] == "Violation" and f["shape"].startswith("Direction"):
            assert f["start_line"] and f["excerpt"], f


def test_turtle_is_a_standard_validation_report(capsys):
    code, out, _ = run_cli(capsys, str(JIANGSU), "--format", "turtle")
    g = Graph().parse(data=out, format="turtle")
    report = next(g.subjects(RDF.type, SH.ValidationReport))
    assert str(g.value(report, SH.conforms)) == "false"
    results = list(g.objects(report, SH.result))
    assert len(results) == 2  # 1001 lacks 研发内容 and 考核指标
    langs = {m.language for r in results for m in g.objects(r, SH.resultMessage)}
    assert langs == {"zh", "en"}


def test_csv_has_a_row_per_finding(capsys):
    code, out, _ = run_cli(capsys, str(JIANGSU), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2
    assert {r["start_line"] for r in rows if r["shape"] == "DirectionIndicator"} == {"110"}


def test_rdf_input_gives_the_same_findings(tmp_path, capsys):
    ttl = tmp_path / "004.ttl"
    assert main(["ingest", str(JIANGSU), "-o", str(ttl), "--no-progress"]) == 0
    capsys.readouterr()
    from_text = Counter((f.shape, f.start_line) for f in validate(JIANGSU).report.findings)
    from_rdf = Counter((f.shape, f.start_line) for f in validate(ttl).report.findings)
    assert from_rdf == from_text


def test_completed_guide_exits_0_and_strict_fails_on_warnings(tmp_path, capsys):
    """004 with 研发内容 and 考核指标 written for 1001 conforms; an indicator without a number is a warning."""

    def complete_1001(lines):
        i = _line_index(lines, "1001 ")
        lines[i + 1] = "研发内容：围绕疑难危重疾病诊治开展关键技术攻关。"
        lines.insert(i + 2, "考核指标：形成一批新技术并推广应用。")

    path = _mutate(tmp_path, "complete.txt", complete_1001)
    code, out, _ = run_cli(capsys, str(path))
    assert code == 0, out
    assert "合计：违规 0，警告 1，提示 0（符合）" in out
    assert "考核指标不可量化" in out
    code, _, _ = run_cli(capsys, str(path), "--strict")
    assert code == 1


def test_missing_file_exits_2_with_one_line(capsys, tmp_path):
    code, out, err = run_cli(capsys, str(tmp_path / "nope.txt"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no such file" in err


def test_broken_rdf_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "guidegraph.cli", "validate", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "not valid turtle" in proc.stderr


def test_empty_guide_exits_2(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    code, out, err = run_cli(capsys, str(empty))
    assert code == 2 and "is empty" in err and err.count("\n") == 1


def test_directory_is_a_usage_error(tmp_path, capsys):
    code, _, err = run_cli(capsys, str(tmp_path))
    assert code == 2 and "is a directory" in err


DRAFT = """2026年度某某重点研发计划项目申报指南（征求意见稿）
一、支持方向
1.智能传感器关键技术
研究内容：研究高灵敏度传感芯片。
考核指标：灵敏度不低于95%，申请发明专利不少于3项。
联系方式：高新技术处，联系人：王工，联系电话：0351-4046601
"""


def _draft(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_a_draft_naming_no_issuer_or_jurisdiction_gets_warnings_not_violations(capsys, tmp_path):
    code, out, _ = run_cli(capsys, str(_draft(tmp_path)), "--format", "json")
    data = json.loads(out)
    shapes = {(f["severity"], f["shape"]) for f in data["findings"] if f["severity"] != "Info"}
    assert shapes == {("Warning", "GuideIssuer"), ("Warning", "GuideJurisdiction")}
    assert code == 0 and data["conforms"]
    issuer = next(f for f in data["findings"] if f["shape"] == "GuideIssuer")
    assert "--issuer" in issuer["messages"]["zh"] and "--issuer" in issuer["messages"]["en"]


def test_the_officer_supplies_issuer_and_jurisdiction(capsys, tmp_path):
    code, out, _ = run_cli(capsys, str(_draft(tmp_path)), "--format", "json",
                           "--issuer", "某某省科学技术厅", "--jurisdiction", "山西省")
    data = json.loads(out)
    assert [f for f in data["findings"] if f["severity"] != "Info"] == []
    assert code == 0
    # the supplied issuer is no text of the guide, so it is not asked for source lines
    result = validate(_draft(tmp_path), issuer="某某省科学技术厅", jurisdiction="山西省")
    assert not [f for f in result.report.findings if f.shape == "IssuerTracedToSpan"]
    assert "/guide/cn-sx/2026/" in result.report.guides[0]["iri"]  # 山西省 as the guide's jurisdiction


def test_the_text_wins_over_a_supplied_issuer(tmp_path):
    from guidegraph.ingest.pipeline import outline_file

    outline = outline_file(SEEDS["004"])
    result = validate(outline, issuer="别的机关")
    assert not [f for f in result.report.findings if f.shape == "GuideIssuer"]
    assert outline.issuers == ["江苏省科学技术厅", "江苏省财政厅", "江苏省卫生健康委员会"]


def test_supplying_an_issuer_for_rdf_is_a_usage_error(capsys, tmp_path):
    ttl = tmp_path / "g.ttl"
    assert main(["ingest", str(JIANGSU), "-o", str(ttl), "--no-progress"]) == 0
    capsys.readouterr()
    code, out, err = run_cli(capsys, str(ttl), "--issuer", "某厅")
    assert code == 2 and out == "" and "not for RDF" in err
