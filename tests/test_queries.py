"""The competency queries: header parsing, safe parameter binding, and real answers on the seed graph.

Expected answers were checked by reading the seed text (corpus/*.txt); line
numbers in comments refer to those files.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph
import pytest
from rdflib.plugins.sparql import prepareQuery

from guidegraph.corpus import seed_paths
from guidegraph.errors import UsageError
from guidegraph.formats import rdf_format
from guidegraph.ingest.corpus import corpus_dataset
from guidegraph.rdf_io import serialize_dataset, union_graph
from guidegraph.queries import CannedQuery, QueryParameter, get_query, load_queries, parse_query

QUESTIONS = 11


@pytest.fixture(scope="module")
def seed_dataset():
    """The seed guides as served: their graphs plus the links graph of guidegraph.knowledge."""
    from rdflib import URIRef

    from guidegraph import iris
    from guidegraph.knowledge import derive_links
    from guidegraph.oxigraph_terms import BlankNodeMap, from_oxigraph

    dataset = corpus_dataset()
    store = pyoxigraph.Store()
    store.load(serialize_dataset(dataset, rdf_format("nquads")), format=pyoxigraph.RdfFormat.N_QUADS)
    links = dataset.graph(URIRef(iris.links_graph_iri()))
    blanks = BlankNodeMap()
    for triple in derive_links(store):
        links.add(tuple(from_oxigraph(term, blanks) for term in (triple.subject, triple.predicate, triple.object)))
    return dataset


@pytest.fixture(scope="module")
def seed_graph(seed_dataset):
    return union_graph(seed_dataset)


@pytest.fixture(scope="module")
def seed_store(seed_dataset):
    """The same data in Oxigraph, a spec-strict engine, with the default graph as the union."""
    store = pyoxigraph.Store()
    store.load(serialize_dataset(seed_dataset, rdf_format("nquads")), format=pyoxigraph.RdfFormat.N_QUADS)
    return store


def run(graph, query: CannedQuery, **params) -> list[dict[str, object]]:
    result = graph.query(query.bind(params))
    return [{str(k): (v.toPython() if v is not None else None) for k, v in row.asdict().items()} for row in result]


def squeeze(text: str) -> str:
    """Text without whitespace: PDF extraction puts spaces between digits and CJK at random."""
    return re.sub(r"\s+", "", text)


def seed_lines(index: int) -> list[str]:
    return seed_paths()[index].read_text(encoding="utf-8").splitlines()


# ---------------------------------------------------------------- the library


def test_one_query_per_competency_question_with_headers():
    queries = load_queries()
    assert len(queries) == QUESTIONS
    assert len({q.slug for q in queries}) == QUESTIONS
    for q in queries:
        assert q.title and q.description, q.name
        prepareQuery(q.text)  # parses as SPARQL 1.1
        for p in q.parameters:
            prepareQuery(q.bind({p.name: p.default}))


def test_parameters_are_parsed_from_the_header():
    q = get_query("clinical_case_thresholds")
    assert [(p.name, p.type, p.default) for p in q.parameters] == [("min_cases", "integer", "500"), ("unit", "string", "例")]
    assert q.parameters[0].description.startswith("smallest")
    assert get_query("08_topic_search") is not None and get_query("topic_search").parameters[0].name == "topic"


def test_bad_headers_are_reported():
    with pytest.raises(ValueError, match="title"):
        parse_query("x", "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(ValueError, match="VALUES"):
        parse_query("x", "# title: t\n# param: topic string a -- b\nSELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(ValueError, match="param"):
        parse_query("x", "# title: t\n# param: topic colour a\nSELECT * WHERE { ?s ?p ?o }")


def test_string_values_are_escaped_not_pasted():
    q = get_query("topic_search")
    hostile = 'x" } } DROP ALL ; SELECT * { "\n\\'
    text = q.bind(topic=hostile)
    prepareQuery(text)
    assert "DROP ALL" in text  # still there, but inside a literal
    assert text.count('VALUES ?topic { "x\\" } } DROP ALL ; SELECT * { \\"\\n\\\\" }') == 3


def test_typed_parameters_reject_bad_values():
    q = get_query("clinical_case_thresholds")
    with pytest.raises(UsageError):
        q.bind(min_cases="500 } ")
    with pytest.raises(UsageError):
        q.bind(colour="red")
    assert "VALUES ?minCases { " in q.bind(min_cases="+20") and '"20"' not in q.bind(min_cases=20).split("VALUES ?unitText")[0].replace('"20"^^', "")
    iri = QueryParameter("thing", "iri", "https://example.org/a")
    assert iri.term("https://example.org/b") == "<https://example.org/b>"
    for bad in ("https://example.org/a> <x", "not an iri", "https://example.org/{a}"):
        with pytest.raises(UsageError):
            iri.term(bad)
    number = QueryParameter("n", "decimal", "1.5")
    assert number.term("2.50") == '"2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    with pytest.raises(UsageError):
        number.term("NaN")


def test_query_files_ship_as_package_data():
    from importlib.resources import files

    names = sorted(p.name for p in files("guidegraph.queries").iterdir() if p.name.endswith(".rq"))
    assert names == [q.name + ".rq" for q in load_queries()]


# ---------------------------------------------------------------- answers on the seed graph


def test_every_query_answers_on_the_seed_graph_and_oxigraph_agrees(seed_graph, seed_store):
    for q in load_queries():
        rows = list(seed_graph.query(q.text))
        assert rows, f"{q.name} has no answer on the seed graph"
        ox_rows = list(seed_store.query(q.text, use_default_graph_as_union=True))
        assert len(ox_rows) == len(rows), q.name


def test_q1_directions_of_the_pathogen_programme(seed_graph):
    rows = run(seed_graph, get_query("programme_directions"))
    # 002 line 34: the programme launches 20 directions, published as 1.1 ... 5.x
    assert len(rows) == 20
    numbers = [r["number"] for r in rows]
    assert numbers[:3] == ["1.1", "1.2", "1.3"]  # guide order
    first = rows[0]
    assert first["title"] == "新冠病毒等呼吸道病毒感染和传播特性研究"
    assert set(first["tags"].split("、")) == {"青年科学家项目", "基础研究类"}
    other = run(seed_graph, get_query("programme_directions"), programme="常见多发病防治研究")
    assert len(other) == 17 and {r["programmeTitle"] for r in other} == {"常见多发病防治研究"}


def test_q2_young_scientist_directions(seed_graph):
    rows = run(seed_graph, get_query("tagged_directions"))
    lines = seed_lines(2)
    one_line_headings = sum(bool(re.match(r"^\s*\d+\.\d+ .*（青年科", line)) for line in lines)
    assert len(rows) >= one_line_headings == 20
    for r in rows:
        assert r["year"] is not None and str(r["year"]).startswith("2021")
    # every answer's heading in the text carries the tag (possibly wrapped over lines), or the *
    # that the guide's legend (标*的方向, line 7214) gives that meaning
    assert any("标*的方向" in line for line in lines)
    spans = {str(d): s for d, s in seed_graph.query(
        "PREFIX gg: <https://w3id.org/guidegraph/ontology#> SELECT ?d ?l WHERE { ?d gg:sourceSpan/gg:startLine ?l }")}
    for r in rows:
        start = int(spans[r["direction"]]) - 1
        heading = "".join(line.strip() for line in lines[start:start + 4])
        head = heading.split("研究内容")[0]
        assert "青年科学家项目" in head or head.endswith("*"), r["title"]


def test_q3_clinical_cases(seed_graph):
    rows = run(seed_graph, get_query("clinical_case_thresholds"), min_cases=1000)
    assert rows and all(r["required"] >= 1000 for r in rows)
    # 002 line 691: 建立 1000 例以上合并细胞因子风暴的重症患者 ...
    assert any(r["required"] == Decimal("1000") and "1000例以上合并细胞因子风暴" in squeeze(r["indicatorText"]) for r in rows)
    # 002: 30万例以上 resolved to 300000
    assert any(r["required"] == Decimal("300000") and "30万例以上" in squeeze(r["indicatorText"]) for r in rows)
    assert all(r["comparator"] in ("atLeast", "moreThan", "exactly", "between") for r in rows)
    lower = run(seed_graph, get_query("clinical_case_thresholds"), min_cases=500)
    assert len(lower) > len(rows)
    # 002 lines 3634/3673: 完成不少于 500例的临床队列研究
    assert any(r["required"] == Decimal("500") and "不少于500例" in squeeze(r["indicatorText"]) for r in lower)


def test_q4_device_registration(seed_graph):
    rows = run(seed_graph, get_query("device_registration"))
    assert all("医疗器械注册证" in r["indicatorText"] for r in rows)
    guides = {r["guide"].split("/guide/")[1].rsplit("/", 1)[0] for r in rows}
    # 001 (山西 2024) lines 249-496 and 002 (national 2021) line 3472
    assert guides == {"cn-sx/2024", "cn/2021"}
    titles = {r["title"] for r in rows}
    assert "腹主动脉瘤精准诊断监测体系的研发和推广应用" in titles
    assert "超高分辨率放疗三维辐射剂量测量设备的研发及应用" in titles


def test_q5_offices_with_phones(seed_graph):
    rows = run(seed_graph, get_query("offices_and_phones"))
    by_name = {r["name"]: r for r in rows}
    # 003 line 247: 农村科技处，联系电话：66608819/53
    rural = by_name["农村科技处"]
    assert rural["role"] == "责任部门"
    assert set(rural["phones"].split("、")) == {"66608819", "66608853"}
    assert {r["role"] for r in rows} == {"受理单位", "责任部门"}
    assert len({r["guide"] for r in rows}) >= 2


def test_q6_declared_direction_counts(seed_graph):
    rows = run(seed_graph, get_query("direction_count_mismatch"))
    by_title = {r["title"]: r for r in rows}
    # 002 line 4580: 常见多发病防治研究 拟启动 22 个方向, but publishes 1.1-1.3, 2.1-2.5, 3.1-3.6, 4.1-4.3
    assert by_title["常见多发病防治研究"]["declared"] == 22
    assert by_title["常见多发病防治研究"]["published"] == 17
    # 002 line 34: 病原学与防疫技术体系研究 拟启动 20 个方向 and publishes 20
    assert "病原学与防疫技术体系研究" not in by_title


def test_q7_national_funding(seed_graph):
    rows = run(seed_graph, get_query("national_funding_per_programme"))
    by_title = {r["title"]: r for r in rows}
    assert len(rows) == 12  # 002 holds twelve special programmes, each with a budget
    # 002 line 1619: 生物安全关键技术研究 拟安排国拨经费概算 1.75亿元
    assert by_title["生物安全关键技术研究"]["largestYuan"] == Decimal("175000000")
    assert by_title["生物安全关键技术研究"]["sumYuan"] == Decimal("175000000")
    # 002 lines 7980-7984: 5.39亿元, 此外 4800万元 for young scientists
    assert by_title["基础科研条件与重大科学仪器设备研发"]["sumYuan"] == Decimal("587000000")
    assert all(r["sumYuan"] >= r["largestYuan"] > 0 for r in rows)


def test_q8_topic_search(seed_graph):
    rows = run(seed_graph, get_query("topic_search"))
    years = {str(r["year"])[:4] for r in rows}
    assert {"2017", "2024", "2025"} <= years  # 000 line 147, 001 line 194, 004 lines 152/196
    titles = {r["title"] for r in rows}
    assert "恶性肿瘤靶向CAR-T细胞治疗技术" in titles
    assert "靶向肝癌新型CAR-T细胞疗法的临床前研究" in titles
    lower = run(seed_graph, get_query("topic_search"), topic="car-t")
    assert {r["direction"] for r in lower} == {r["direction"] for r in rows}
    assert run(seed_graph, get_query("topic_search"), topic="不存在的主题xyz") == []


def test_q9_deadlines(seed_graph):
    rows = run(seed_graph, get_query("deadlines"))
    whens = [r["when"] for r in rows]
    assert whens == sorted(whens)
    # 004: 2025年3月27日17:30 is the first deadline
    first = rows[0]
    assert first["when"].isoformat() == "2025-03-27T17:30:00+08:00"
    assert "网上填报" in first["label"]


def test_q10_fields_in_several_jurisdictions(seed_graph):
    rows = run(seed_graph, get_query("fields_across_jurisdictions"))
    labels = {r["label"] for r in rows}
    # 000 lines 44/48 （一）先进制造领域 （二）新材料领域 (山西省); 003 lines 71/77 （二）先进制造 （三）新材料 (济南市)
    assert {"先进制造", "新材料"} <= labels
    for r in rows:
        assert r["jurisdictions"] >= 2
        if r["label"] in ("先进制造", "新材料"):
            assert set(r["where"].split("、")) == {"山西省", "济南市"}
    assert run(seed_graph, get_query("fields_across_jurisdictions"), min_jurisdictions=9) == []


# ------------------------------------------- shapes written for the engine, same answers

# The straightforward forms of two library queries, whose shipped texts are shaped so that
# Oxigraph evaluates them from the bound end (seconds against milliseconds at 10^6 triples).
PLAIN_FORMS = {
    "direction_count_mismatch": """PREFIX gg: <https://w3id.org/guidegraph/ontology#>
SELECT ?guide ?programme ?title ?declared (COUNT(DISTINCT ?direction) AS ?published)
WHERE {
  ?programme gg:declaredDirectionCount ?declared ; gg:title ?title ; gg:guide ?guide .
  OPTIONAL { ?direction gg:parentNode+ ?programme ; a gg:Direction . }
}
GROUP BY ?guide ?programme ?title ?declared
HAVING (COUNT(DISTINCT ?direction) != ?declared)
ORDER BY ?guide ?programme""",
    "directions_in_discipline": """PREFIX gg: <https://w3id.org/guidegraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?jurisdiction ?year ?guide ?direction ?title ?fieldLabel ?disciplineLabel
WHERE {
  VALUES ?discipline { "医药科学" }
  ?target skos:inScheme ?scheme ; skos:prefLabel|skos:notation ?name .
  FILTER(STRENDS(STR(?scheme), "/scheme/gbt13745") && STR(?name) = ?discipline)
  ?aligned skos:broader* ?target ; skos:prefLabel ?disciplineLabel .
  ?field skos:closeMatch|skos:broadMatch ?aligned .
  ?field skos:prefLabel ?fieldLabel .
  { ?guide gg:field ?field . ?direction gg:guide ?guide }
  UNION
  { ?section gg:field ?field . ?direction gg:parentNode+ ?section }
  ?direction a gg:Direction ; gg:title ?title ; gg:guide ?guide .
  OPTIONAL { ?guide gg:year ?year }
  OPTIONAL { ?guide gg:jurisdiction/skos:prefLabel ?jurisdiction }
}
ORDER BY ?jurisdiction ?year ?guide ?direction""",
}

# What the seeds lack: a programme with no direction, one whose count matches only with a
# direction two levels down, a node that is not a direction, a guide reached as a parent node,
# a section as the holder, a direction below that section listed with two guides.
EDGE_CASES = """
@prefix gg: <https://w3id.org/guidegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix e: <http://example.org/edge/> .
e:p1 gg:declaredDirectionCount 2 ; gg:title "two, both found" ; gg:guide e:g1 .
e:d1 a gg:Direction ; gg:parentNode e:p1 .
e:mid gg:parentNode e:p1 .
e:d2 a gg:Direction ; gg:parentNode e:mid .
e:p2 gg:declaredDirectionCount 3 ; gg:title "three, one found" ; gg:guide e:g1 .
e:d3 a gg:Direction ; gg:parentNode e:p2 .
e:n1 gg:parentNode e:p2 .
e:p3 gg:declaredDirectionCount 1 ; gg:title "one, none found" ; gg:guide e:g2 .
e:disc skos:inScheme <http://example.org/scheme/gbt13745> ; skos:prefLabel "医药科学" .
e:sub skos:broader e:disc ; skos:prefLabel "临床医学" .
e:f1 skos:closeMatch e:sub ; skos:prefLabel "field one" .
e:f2 skos:broadMatch e:disc ; skos:prefLabel "field two" .
e:g1 gg:field e:f1 ; gg:year 2024 ; gg:jurisdiction e:j1 .
e:j1 skos:prefLabel "somewhere" .
e:g3 gg:year 2025 .
e:d1 gg:title "d1" ; gg:guide e:g1 .
e:d2 gg:title "d2" ; gg:guide e:g1 .
e:d3 gg:title "d3" ; gg:guide e:g1 .
e:s1 gg:field e:f2 ; gg:parentNode e:g2 .
e:d4 a gg:Direction ; gg:title "d4" ; gg:parentNode e:s1 ; gg:guide e:g2 , e:g3 .
e:g4 gg:field e:f2 .
e:d5 a gg:Direction ; gg:title "d5" ; gg:parentNode e:g4 ; gg:guide e:g4 .
e:d6 a gg:Direction ; gg:title "d6, no field" ; gg:guide e:g3 .
"""


def _edge_store(extra: str = "") -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load((EDGE_CASES + extra).encode(), format=pyoxigraph.RdfFormat.TURTLE,
               to_graph=pyoxigraph.NamedNode("http://example.org/g"))
    return store


def _rows(store, text: str) -> list[tuple]:
    # an unbound value as "", which no term's N-Triples form is
    return [tuple("" if t is None else str(t) for t in row) for row in store.query(text, use_default_graph_as_union=True)]


@pytest.mark.parametrize("name", sorted(PLAIN_FORMS))
def test_a_query_shaped_for_the_engine_answers_as_its_plain_form(name, seed_store):
    edges = _edge_store()
    shipped = get_query(name).text
    sort_keys = {"direction_count_mismatch": 2, "directions_in_discipline": 4}[name]  # its ORDER BY's columns
    for store in (seed_store, edges):
        plain, ours = _rows(store, PLAIN_FORMS[name]), _rows(store, shipped)
        assert plain, name
        # the same rows, in the same order as far as ORDER BY decides it (ties are the engine's)
        assert sorted(ours) == sorted(plain), name
        assert [r[:sort_keys] for r in ours] == [r[:sort_keys] for r in plain], name
    if name == "direction_count_mismatch":
        assert {r[2]: r[4] for r in _rows(edges, shipped)} == {'"three, one found"': '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
                                                               '"one, none found"': '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'}
    else:
        found = {(r[3].rsplit("/", 1)[-1][:-1], r[2].rsplit("/", 1)[-1][:-1]) for r in _rows(edges, shipped)}
        assert found == {("d1", "g1"), ("d2", "g1"), ("d3", "g1"), ("d4", "g2"), ("d4", "g3"), ("d5", "g4")}


def test_a_direction_of_two_guides_is_listed_with_both_where_the_union_named_one():
    """The one case where the shipped directions_in_discipline differs from its plain UNION form
    (its comment says so): a direction of two guides, found through the one with the field.
    guidegraph's data has none (each node has the guide it was read from)."""
    store = _edge_store('e:d7 a gg:Direction ; gg:title "d7" ; gg:guide e:g1 , e:g3 .\n')

    def guides_of_d7(text):
        return {r[2] for r in _rows(store, text) if r[3] == "<http://example.org/edge/d7>"}

    assert guides_of_d7(PLAIN_FORMS["directions_in_discipline"]) == {"<http://example.org/edge/g1>"}
    assert guides_of_d7(get_query("directions_in_discipline").text) == {"<http://example.org/edge/g1>",
                                                                           "<http://example.org/edge/g3>"}
