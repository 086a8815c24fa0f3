"""guidegraph diff: a seed guide against edited copies reports exactly the edits, in text, JSON,
an RDF change set and on the /diff page of a real server."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import PROV, RDF

from conftest import live_server, send
from guidegraph.diff import diff_files
from guidegraph.diff.changeset import changeset_dataset
from guidegraph.diff.facts import IndicatorFact, Lines, NodeFact, QuantityFact
from guidegraph.diff.compare import compare_indicators
from guidegraph.diff.match import match_nodes
from guidegraph.namespaces import GG
from variant_builders import build_docx

CORPUS = Path(__file__).parent.parent / "corpus"
JIANGSU = CORPUS / "004_757a5c273432423d.txt"  # guide codes, deadlines, phones
SHANXI = CORPUS / "000_fd770d55a5a5de42.txt"  # no codes, funding and project counts per field


def edited(source: Path, target: Path, edits: list[tuple[str, str]]) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old  # each edit hits exactly one place
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")
    return target


def section(path: Path, start: str, end: str) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index(start):text.index(end)]


NEW_DIRECTION = ("开发精神障碍新型无创脑机接口系统 1-2 项。\n",
                 "开发精神障碍新型无创脑机接口系统 1-2 项。\n\n2023 罕见病基因诊断与干预关键技术研发\n\n"
                 "研发内容：建立罕见病多中心登记队列，研发基因诊断新方法。\n\n考核指标：建立不少于800例的罕见病患者队列；形成2-3项基因诊断新技术。\n")


def jiangsu_edits() -> list[tuple[str, str]]:
    return [
        ("构建不少于5000例的脓毒症队列", "构建不少于6000例的脓毒症队列"),  # raised
        ("（不少于 6000 例）", "（不少于 4000 例）"),  # lowered, in another direction
        (section(JIANGSU, "2005 结直肠癌免疫治疗关键技术研发", "2006 缺血性心脏病治疗关键技术研发"), ""),  # removed
        NEW_DIRECTION,  # added
        ("截止时间为2025年3月27日17:30", "截止时间为2025年3月26日17:30"),
        ("025-83611856", "025-83611857"),
    ]


def kinds(diff) -> list[tuple]:
    """Every reported change as (kind, code of its direction, old value, new value)."""
    out = [(c.kind, None, c.old_value, c.new_value) for c in diff.guide_changes]
    for d in diff.nodes:
        out.append((d.kind, d.node.code or d.node.title, None, None))
        out += [(c.kind, d.node.code or d.node.title, c.old_value, c.new_value) for c in d.changes]
    return sorted(out, key=repr)


def test_a_seed_against_an_edited_copy_reports_exactly_the_edits(tmp_path):
    copy = edited(JIANGSU, tmp_path / "edited.txt", jiangsu_edits())
    diff = diff_files(JIANGSU, copy)
    assert kinds(diff) == sorted([
        ("DeadlineChanged", None, "2025-03-27T17:30:00+08:00", "2025-03-26T17:30:00+08:00"),
        ("OfficeChanged", None, "025-83611856", "025-83611857"),
        ("DirectionChanged", "2001", None, None),
        ("ThresholdRaised", "2001", ">=5000 例", ">=6000 例"),
        ("DirectionChanged", "2008", None, None),
        ("ThresholdLowered", "2008", ">=6000 例", ">=4000 例"),
        ("DirectionRemoved", "2005", None, None),
        ("DirectionAdded", "2023", None, None),
    ], key=repr)
    raised = next(c for d in diff.nodes for c in d.changes if c.kind == "ThresholdRaised")
    assert "脓毒症队列" in raised.detail  # the indicator's text goes with the number
    assert raised.old_lines.start == raised.new_lines.start == 124
    changed = {d.node.code: d for d in diff.nodes if d.status == "changed"}
    assert changed["2001"].matched_by == "code"
    deadline = diff.guide_changes[0]
    assert deadline.old_lines.start == 73 and deadline.new_lines.start == 73


def test_funding_counts_and_titles_of_a_guide_without_codes(tmp_path):
    """Shanxi 2017 prints no guide codes: directions pair by place, title and similarity."""
    copy = edited(SHANXI, tmp_path / "edited.txt", [
        ("该专项共支持研发项目14项左右。项目经费平均支持强度为30万元。", "该专项共支持研发项目16项左右。项目经费平均支持强度为40万元。"),
        ("粮食丰产技术研究与集成示范", "粮食丰产增效技术研究与集成示范"),
        (section(SHANXI, "    （八）农业信息化关键技术开发与集成示范", "工业方面"), ""),  # the last of its list
    ])
    diff = diff_files(SHANXI, copy)
    found = kinds(diff)
    assert found == sorted([
        ("SectionChanged", "资源环境", None, None),
        ("FundingChanged", "资源环境", "30万元 (300000 元, per_project)", "40万元 (400000 元, per_project)"),
        ("DeclaredCountChanged", "资源环境", "14", "16"),
        ("DirectionChanged", "粮食丰产增效技术研究与集成示范", None, None),
        ("TitleChanged", "粮食丰产增效技术研究与集成示范", "粮食丰产技术研究与集成示范", "粮食丰产增效技术研究与集成示范"),
        ("DirectionRemoved", "农业信息化关键技术开发与集成示范", None, None),
    ], key=repr), found
    retitled = next(d for d in diff.nodes if d.kind == "DirectionChanged")
    assert retitled.matched_by == "similarity" and 0.5 <= retitled.similarity < 1


def test_identical_guides_have_no_changes():
    diff = diff_files(JIANGSU, JIANGSU)
    assert diff.same and diff.summary() == {} and not diff.all_changes()


def _node(title: str, content: str = "", code: str = "", kind: str = "direction") -> NodeFact:
    return NodeFact(f"urn:x:{title}", kind, title, "", code, None, content, [], [], {}, Lines(1, 1))


def test_matching_rule_codes_first_then_similarity_above_the_threshold():
    olds = [_node("甲方向研究", code="1001"), _node("乙型肝炎早期诊断技术研究"), _node("完全无关的题目")]
    news = [_node("全新的名字", code="1001"), _node("乙型肝炎早期诊断关键技术研究"), _node("另一个毫不相干方向")]
    matched, removed, added = match_nodes(olds, news)
    rules = {(a.title, b.title): rule for a, b, rule, _ in matched}
    assert rules == {("甲方向研究", "全新的名字"): "code", ("乙型肝炎早期诊断技术研究", "乙型肝炎早期诊断关键技术研究"): "similarity"}
    assert [n.title for n in removed] == ["完全无关的题目"] and [n.title for n in added] == ["另一个毫不相干方向"]
    # different codes never pair, however alike the titles
    matched, removed, added = match_nodes([_node("同一题目", code="2001")], [_node("同一题目", code="2002")])
    assert not matched and len(removed) == len(added) == 1


def _indicator(text: str, *quantities: tuple) -> IndicatorFact:
    return IndicatorFact(f"urn:i:{text}", text, [QuantityFact(f"urn:q:{text}:{i}", c, v, m, u, t)
                                                 for i, (c, v, m, u, t) in enumerate(quantities)], Lines(5, 5))


def test_thresholds_at_the_level_of_quantities():
    old = _node("方向")
    new = _node("方向")
    old.indicators = [_indicator("完成不少于100例", (">=", 100, None, "例", "不少于100例")),
                      _indicator("形成2-3项标准", ("range", 2, 3, "项", "2-3项")),
                      _indicator("准确率不低于90%", (">=", 90, None, "%", "不低于90%"))]
    new.indicators = [_indicator("完成不少于200例", (">=", 200, None, "例", "不少于200例")),
                      _indicator("形成1-4项标准", ("range", 1, 4, "项", "1-4项")),
                      _indicator("准确率不低于80%，并通过第三方检测", (">=", 80, None, "%", "不低于80%"))]
    changes = [(c.kind, c.old_value, c.new_value) for c in compare_indicators(old, new)]
    assert changes == [
        ("ThresholdRaised", ">=100 例", ">=200 例"),
        ("ThresholdChanged", "2~3 项", "1~4 项"),  # widened: neither raised nor lowered
        ("ThresholdLowered", ">=90 %", ">=80 %"),
        ("IndicatorChanged", "准确率不低于90%", "准确率不低于80%，并通过第三方检测"),  # wording changed beyond the number
    ]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegraph.cli", "diff", *args], capture_output=True, text=True, timeout=300)


def test_cli_exit_codes_text_and_json(tmp_path):
    same = run_cli(str(JIANGSU), str(JIANGSU))
    assert same.returncode == 0 and "没有差异" in same.stdout
    copy = edited(JIANGSU, tmp_path / "edited.txt", jiangsu_edits())
    text = run_cli(str(JIANGSU), str(copy), "--lang", "en")
    assert text.returncode == 1, text.stderr
    assert "threshold raised >=5000 例 → >=6000 例" in text.stdout and "[L124 → L124]" in text.stdout
    assert "direction removed" in text.stdout and "2005 结直肠癌免疫治疗关键技术研发" in text.stdout
    as_json = run_cli(str(JIANGSU), str(copy), "--format", "json")
    doc = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and doc["same"] is False
    assert doc["summary"] == {"DeadlineChanged": 1, "DirectionAdded": 1, "DirectionChanged": 2, "DirectionRemoved": 1,
                              "OfficeChanged": 1, "ThresholdLowered": 1, "ThresholdRaised": 1}


def _write_html(lines: list[str], path: Path) -> None:
    import html

    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>指南</title></head><body><main>{paragraphs}</main></body></html>",
                    encoding="utf-8")


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_cli_another_format_of_the_same_text_has_no_changes(tmp_path, suffix):
    lines = [line for line in JIANGSU.read_text(encoding="utf-8").splitlines() if line.strip()]
    other = tmp_path / f"guide{suffix}"
    if suffix == ".docx":
        build_docx([("p", line) for line in lines], other)
    else:
        _write_html(lines, other)
    txt = tmp_path / "guide.txt"
    txt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli(str(other), str(txt))
    assert result.returncode == 0, result.stdout[-3000:]
    # and the format does not hide a real edit
    edited(txt, tmp_path / "edited.txt", [("025-83611856", "025-83611857")])
    changed = run_cli(str(other), str(tmp_path / "edited.txt"), "--format", "json")
    assert changed.returncode == 1 and json.loads(changed.stdout)["summary"] == {"OfficeChanged": 1}


def test_cli_bad_input_is_one_line_without_traceback(tmp_path):
    missing = run_cli(str(JIANGSU), str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(b"PK\x03\x04 this is no zip archive")
    bad = run_cli(str(garbage), str(JIANGSU))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    no_store = run_cli("https://example.org/id/guide/x", str(JIANGSU), "--data-dir", str(tmp_path / "none"))
    assert no_store.returncode == 2 and "no store" in no_store.stderr


def test_cli_reads_guides_by_iri_from_a_data_dir(tmp_path):
    from guidegraph import iris
    from guidegraph.ingest.corpus import corpus_nquads
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.store import open_store

    copy = edited(JIANGSU, tmp_path / "edited.txt", jiangsu_edits() + [("苏科资发〔2025〕51号", "苏科资发〔2025〕52号")])
    data_dir = tmp_path / "store"
    with open_store({"data_dir": str(data_dir)}) as store:
        store.bulk_load_nquads(corpus_nquads([JIANGSU, copy]))
    old, new = (iris.guide_iri(outline_file(path)) for path in (JIANGSU, copy))
    assert old != new
    result = run_cli(old, new, "--data-dir", str(data_dir), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["summary"] == diff_files(JIANGSU, copy).summary()
    unknown = run_cli(old, old + "-nothing", "--data-dir", str(data_dir))
    assert unknown.returncode == 2 and "holds no guide" in unknown.stderr


def test_the_change_set_is_a_named_graph_with_prov(tmp_path):
    copy = edited(JIANGSU, tmp_path / "edited.txt", jiangsu_edits())
    diff = diff_files(JIANGSU, copy)
    result = run_cli(str(JIANGSU), str(copy), "--format", "trig", "-o", str(tmp_path / "changes.trig"))
    assert result.returncode == 1 and result.stdout == ""
    ds = Dataset()
    ds.parse(tmp_path / "changes.trig", format="trig")
    graphs = [g for g in ds.graphs() if len(g)]
    assert len(graphs) == 1
    g = graphs[0]
    activity = g.value(predicate=RDF.type, object=PROV.Activity, any=False)
    assert (activity, PROV.used, URIRef(diff.old.iri)) in g and (activity, GG.newGuide, URIRef(diff.new.iri)) in g
    assert g.value(g.identifier, PROV.generatedAtTime) is not None
    assert (g.identifier, PROV.wasGeneratedBy, activity) in g
    changes = set(g.subjects(RDF.type, GG.Change))
    assert len(changes) == len(diff.nodes) + len(diff.all_changes())
    raised = next(iter(g.subjects(RDF.type, GG.ThresholdRaised)))
    assert g.value(raised, GG.oldValue) == Literal(">=5000 例") and g.value(raised, GG.newValue) == Literal(">=6000 例")
    assert g.value(raised, GG.oldResource) is not None and g.value(raised, GG.newResource) is not None
    assert (g.value(raised, GG.partOfChange), RDF.type, GG.DirectionChanged) in g
    # the same diff built in-process carries the same changes
    in_process = {s for s, _, _, _ in changeset_dataset(diff).quads((None, RDF.type, GG.Change, None))}
    assert len(in_process) == len(changes)


# ---------------------------------------------------------------- the page, on a real server


@pytest.fixture(scope="module")
def diff_server(tmp_path_factory):
    from guidegraph.ingest.corpus import corpus_nquads
    from guidegraph.server import create_app
    from guidegraph.server.app import close_app

    folder = tmp_path_factory.mktemp("diff")
    # another document number makes the edited copy another guide (guidegraph.iris)
    copy = edited(JIANGSU, folder / "edited.txt", jiangsu_edits() + [("苏科资发〔2025〕51号", "苏科资发〔2025〕52号")])
    app = create_app({"timeout": 30})
    app.extensions["guidegraph.store"].bulk_load_nquads(corpus_nquads([JIANGSU, copy]))
    server = live_server(app)
    server.copy = copy  # type: ignore[attr-defined]
    yield server
    server.stop()
    close_app(app)


def _guides(server) -> list[str]:
    home = json.loads(send("GET", server.url + "/.json").body)
    return sorted(g["iri"] for g in home["guides"])


def test_the_page_shows_the_same_diff_as_the_command(diff_server):
    from guidegraph.iris import normalise_label, short_hash

    old_key = "d" + short_hash(normalise_label("苏科资发〔2025〕51号"), 8)  # the seed's guide key (guidegraph.iris)
    guides = _guides(diff_server)
    old = next(iri for iri in guides if iri.endswith(old_key))
    new = next(iri for iri in guides if iri != old)
    files = diff_files(JIANGSU, diff_server.copy)
    query = urllib.parse.urlencode({"old": old, "new": new})
    twin = send("GET", f"{diff_server.url}/diff.json?{query}")
    assert twin.status == 200 and twin.media_type == "application/json"
    stored = json.loads(twin.body)
    assert stored["summary"] == files.summary() and stored["old"]["iri"] == old
    page = send("GET", f"{diff_server.url}/diff?{query}&lang=en", headers={"Accept": "text/html"})
    assert page.status == 200 and page.media_type == "text/html"
    html = page.text()
    assert "threshold raised" in html and "&gt;=5000 例" in html and "025-83611857" in html and "L124" in html
    negotiated = send("GET", f"{diff_server.url}/diff?{query}", headers={"Accept": "application/json"})
    assert json.loads(negotiated.body)["summary"] == stored["summary"]
    trig = send("GET", f"{diff_server.url}/diff.trig?{query}")
    ds = Dataset()
    ds.parse(data=trig.body.decode("utf-8"), format="trig")
    assert any((None, RDF.type, PROV.Activity) in g for g in ds.graphs())


def test_the_form_lists_the_guides_and_bad_requests_are_400(diff_server):
    guides = _guides(diff_server)
    form = send("GET", diff_server.url + "/diff", headers={"Accept": "text/html"})
    assert form.status == 200 and all(f'value="{iri}"' in form.text() for iri in guides)
    same = send("GET", f"{diff_server.url}/diff?{urllib.parse.urlencode({'old': guides[0], 'new': guides[0]})}&lang=en")
    assert same.status == 200 and "do not differ" in same.text()
    for args, parameter in ((({"old": guides[0]}), "new"), ({"old": guides[0], "new": "https://example.org/none"}, "new"),
                            ({"old": guides[0], "new": guides[1], "colour": "red"}, "colour")):
        query = urllib.parse.urlencode(args)
        page = send("GET", f"{diff_server.url}/diff?{query}", headers={"Accept": "text/html"})
        assert page.status == 400 and 'role="alert"' in page.text()
        api = send("GET", f"{diff_server.url}/diff.json?{query}")
        assert api.status == 400 and json.loads(api.body)["error"]["parameter"] == parameter
        assert send("GET", f"{diff_server.url}/diff.trig?{query}").status == 400
    assert send("GET", diff_server.url + "/diff.json").status == 400


def test_the_diff_operations_are_described_in_openapi(diff_server):
    import jsonschema
    from openapi_spec_validator import validate
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = json.loads(send("GET", diff_server.url + "/api/openapi.json").body)
    validate(document)
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(document, default_specification=DRAFT202012))

    def check(schema, value):
        rooted = json.loads(json.dumps(schema).replace('"#/components/', '"urn:openapi#/components/'))
        jsonschema.Draft202012Validator(rooted, registry=registry).validate(value)

    operation = document["paths"]["/diff.json"]["get"]
    assert {p["name"]: p["required"] for p in operation["parameters"]} == {"old": True, "new": True}
    assert "/diff.trig" in document["paths"]
    guides = _guides(diff_server)
    ok = send("GET", f"{diff_server.url}/diff.json?{urllib.parse.urlencode({'old': guides[0], 'new': guides[1]})}")
    check(operation["responses"]["200"]["content"]["application/json"]["schema"], json.loads(ok.body))
    bad = send("GET", f"{diff_server.url}/diff.json?old={urllib.parse.quote(guides[0])}")
    check(operation["responses"]["400"]["content"]["application/json"]["schema"], json.loads(bad.body))
    with pytest.raises(jsonschema.ValidationError):  # the check is not vacuous
        check(operation["responses"]["400"]["content"]["application/json"]["schema"], {"error": "a bare string"})


def test_office_rows_name_the_role_in_the_pages_language():
    """Two Shanxi guides (2017, 2024) differ in their desks; the role reads as words, not as a token."""
    from guidegraph.ingest.corpus import corpus_nquads
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.iris import guide_iri
    from guidegraph.server import create_app
    from guidegraph.server.app import close_app

    shanxi = sorted((p for p in CORPUS.glob("0*.txt") if outline_file(p).jurisdiction == {"name": "山西省", "level": "provincial"}),
                    key=lambda p: outline_file(p).year)
    assert len(shanxi) == 2
    old, new = (guide_iri(outline_file(p)) for p in shanxi)
    app = create_app({"timeout": 30})
    app.extensions["guidegraph.store"].bulk_load_nquads(corpus_nquads(shanxi))
    server = live_server(app)
    try:
        query = urllib.parse.urlencode({"old": old, "new": new})
        roles = {c["detail"] for c in json.loads(send("GET", f"{server.url}/diff.json?{query}").body)["guide_changes"]
                 if c["kind"].startswith("Office")}
        assert "accepting" in roles
        en = send("GET", f"{server.url}/diff?{query}&lang=en", headers={"Accept": "text/html"}).text()
        zh = send("GET", f"{server.url}/diff?{query}&lang=zh", headers={"Accept": "text/html"}).text()
        assert "<td>accepting office</td>" in en and "<td>受理单位</td>" in zh
        assert ">accepting<" not in en + zh
    finally:
        server.stop()
        close_app(app)
