"""The RDF mapping on guides built by hand (the model is the contract with the parser)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib import Namespace
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from guidegraph.errors import InputError, UsageError
from guidegraph.formats import RDF_FORMATS, rdf_format
from guidegraph.ingest.model import (
    Contact, Deadline, Funding, Indicator, Node, Office, Outline, Quantity, Span, TextBlock,
)
from guidegraph.ingest.corpus import add_outline, outline_to_dataset
from guidegraph.iris import concepts_graph_iri, field_iri, graph_iri, guide_iri, jurisdiction_code, tag_iri
from guidegraph.rdf_io import new_dataset, parse_rdf, serialize_dataset, union_graph
from guidegraph.namespaces import GG

BASE = "https://example.org/kg/"
# a plain Namespace: pytest probes module globals, and rdflib's XSD warns on unknown names
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def provincial_guide() -> Outline:
    o = Outline(
        source="/data/jiangsu.txt", title="2025年度省前沿技术研发计划（卫生健康领域）项目指南", year=2025,
        jurisdiction={"name": "江苏省", "level": "provincial"}, issuers=["江苏省科学技术厅"],
        doc_number="苏科资发〔2025〕51号", issue_date="2025-02-20", sha256="ab" * 32, encoding="utf-8",
        media_type="text/plain",
    )
    o.deadlines = [
        Deadline("网上申报开始", "2025-03-10T09:00", kind="start", source=Span(3, 3, 10, 30)),
        Deadline("网上申报截止", "2025-03-27T17:30", source=Span(4, 4, 31, 50)),
        Deadline("纸质材料报送截止", "2025-04-03", source=Span(5, 5, 51, 60)),
    ]
    o.requirements = [TextBlock("申报单位须为江苏省内注册的法人单位。", "申报要求", "1", Span(6, 6, 61, 80))]
    o.materials = [TextBlock("项目申报书一式两份。", "申报材料", "1", Span(7, 7, 81, 90))]
    o.nodes = [
        Node("1", "field", "生物医药领域", number="一、", source=Span(10, 10, 100, 110)),
        Node(
            "1/2001", "direction", "靶向实体瘤的CAR-T细胞治疗", parent="1", number="2001", code="2001",
            tags=["青年科学家项目", "基础研究类"],
            research_content=[TextBlock("研究CAR-T细胞的制备工艺。", "研发内容", None, Span(12, 12, 120, 130))],
            indicators=[
                Indicator("完成不少于500例的临床研究", quantities=[Quantity(">=", 500.0, "例", text="不少于500例")],
                          source=Span(13, 13, 131, 150)),
                Indicator("获得医疗器械注册证2~3项", quantities=[Quantity("range", 2.0, "项", 3.0, "2~3项")],
                          source=Span(14, 14, 151, 170)),
            ],
            funding=[Funding("每个项目不超过500万元", 500.0, "万元", 5_000_000.0, "per_project", "<=", Span(15, 15, 171, 180))],
            source=Span(11, 15, 111, 180),
        ),
        Node("1/2002", "direction", "肿瘤早筛试剂盒研发", parent="1", number="2002", code="2002",
             indicators=[Indicator("研制试剂盒≥2个")], source=Span(16, 17, 181, 220)),
    ]
    o.offices = [
        Office("省科技厅资源配置与管理处", "responsible", id="responsible-1",
               contacts=[Contact("张三", ["025-57713921", "025-57713922"], ["zhang@example.cn"])],
               source=Span(20, 21, 200, 240), sources=[Span(20, 21, 200, 240), Span(30, 30, 300, 320)]),
        Office("省科技厅政务服务中心", "accepting", id="accepting-1", address="南京市北京东路39号", postcode="210008",
               source=Span(22, 22, 241, 260)),
    ]
    return o


def national_guide() -> Outline:
    o = Outline(source="nat.txt", title="国家重点研发计划2021年度项目申报指南", year=2021,
                jurisdiction={"name": "国家", "level": "national"}, sha256="cd" * 32)
    o.nodes = [
        Node("p1", "programme", "病原学与防疫技术体系研究重点专项", declared_direction_count=2,
             declared_project_count={"value": 1, "value_max": 2, "comparator": "range", "approximate": False,
                                     "text": "拟支持数为1~2项"},
             funding=[Funding("国拨经费概算3.5亿元", 3.5, "亿元", 350_000_000.0, "total")],
             young_scientist_rules=[TextBlock("青年科学家项目负责人年龄不超过35周岁。", "青年科学家项目")],
             period="2021-2025年", source=Span(1, 40)),
        Node("p1/1", "direction", "重要病原体致病机制", parent="p1", number="1.1", tags=["青年科学家项目"],
             notes=[TextBlock("拟支持1项。", "有关说明")], source=Span(41, 60)),
        Node("p1/1/a", "subdirection", "宿主免疫应答", parent="p1/1", number="（1）", source=Span(45, 50)),
        Node("f", "field", "生物医药", source=Span(70, 70)),
    ]
    return o


def named_graphs(ds: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


@pytest.fixture(scope="module")
def jiangsu() -> Outline:
    return provincial_guide()


@pytest.fixture(scope="module")
def graph(jiangsu) -> Graph:
    return named_graphs(outline_to_dataset(jiangsu, BASE))[graph_iri(jiangsu, BASE)]


# ---------------------------------------------------------------- IRIs


def test_guide_iri_is_built_from_jurisdiction_year_and_document_number(jiangsu):
    iri = guide_iri(jiangsu, BASE)
    assert iri.startswith(BASE + "guide/cn-js/2025/d")
    assert graph_iri(jiangsu, BASE) == iri + "/graph"
    renumbered = copy.deepcopy(jiangsu)
    renumbered.doc_number = "苏科资发〔2025〕52号"
    assert guide_iri(renumbered, BASE) != iri


@pytest.mark.parametrize(
    ("jurisdiction", "expected"),
    [
        ({"name": "国家", "level": "national"}, "cn"),
        ({"name": "山西省", "level": "provincial"}, "cn-sx"),
        ({"name": "陕西省", "level": "provincial"}, "cn-sn"),
        ({"name": "内蒙古自治区", "level": "provincial"}, "cn-nm"),
        ({"name": "北京市", "level": "provincial"}, "cn-bj"),
        ({"name": "江苏省"}, "cn-js"),
        ({"name": "广西壮族自治区"}, "cn-gx"),
        (None, "unknown"),
        ({"name": ""}, "unknown"),
    ],
)
def test_jurisdiction_codes_follow_iso_3166_2_cn(jurisdiction, expected):
    assert jurisdiction_code(jurisdiction) == expected


def test_cities_and_counties_are_named_by_their_gbt_2260_codes():
    jinan = jurisdiction_code({"name": "济南市", "level": "municipal"})
    assert jinan == "370100"
    assert jinan == jurisdiction_code({"name": " 济南市 ", "level": "municipal"})
    assert jurisdiction_code({"name": "山东省济南市", "level": "municipal"}) == "370100"
    assert jurisdiction_code({"name": "青岛市", "level": "municipal"}) == "370200"
    assert jurisdiction_code({"name": "济南市", "code": "cn-sd-jinan"}) == "cn-sd-jinan"
    # a city named like a province (吉林市) or starting with one's short name (海南藏族自治州, in 青海)
    # gets its own code, not the province's
    assert jurisdiction_code({"name": "吉林市", "level": "municipal"}) == "220200"
    assert jurisdiction_code({"name": "海南藏族自治州", "level": "municipal"}) == "632500"
    # a county; and a county name several provinces have is settled by the province named before it
    assert jurisdiction_code({"name": "山西省阳曲县", "level": "county"}) == "140122"
    assert jurisdiction_code({"name": "北京市朝阳区", "level": "county"}) == "110105"


def test_names_no_table_knows_get_a_stable_hashed_slug():
    unknown = jurisdiction_code({"name": "山东省某某新区", "level": "municipal"})
    assert unknown.startswith("cn-sd-") and len(unknown) == len("cn-sd-") + 8
    assert unknown == jurisdiction_code({"name": "山东省某某新区", "level": "municipal"})
    # 朝阳区 alone is ambiguous (Beijing, Changchun): no guess
    assert jurisdiction_code({"name": "朝阳区", "level": "county"}).startswith("cn-")


def test_special_programmes_are_recognised_by_name_or_introduction():
    from guidegraph.ingest.model import TextBlock as Block

    o = Outline(source="s.txt", title="指南", year=2021, jurisdiction={"name": "国家", "level": "national"})
    o.nodes = [
        Node("a", "programme", "社会民生专项"),
        Node("b", "programme", "生物安全关键技术研究",
             intro=[Block("国家重点研发计划启动实施“生物安全关键技术研究”重点专项。")]),
        Node("c", "programme", "创新发展计划", intro=[Block("支持企业创新。")]),
    ]
    g = union_graph(outline_to_dataset(o, BASE))
    guide = guide_iri(o, BASE)
    assert (URIRef(guide + "/node/a"), RDF.type, GG.SpecialProgramme) in g
    assert (URIRef(guide + "/node/b"), RDF.type, GG.SpecialProgramme) in g
    assert (URIRef(guide + "/node/c"), RDF.type, GG.Programme) in g
    assert (URIRef(guide + "/node/c"), RDF.type, GG.SpecialProgramme) not in g


def test_guide_without_year_or_number_still_gets_an_iri():
    titled = guide_iri(Outline(source="x.txt", title="某指南"), BASE)
    assert titled.startswith(BASE + "guide/unknown/undated/t")
    hashed = guide_iri(Outline(source="x.txt", sha256="ef" * 32), BASE)
    assert hashed == BASE + "guide/unknown/undated/sefefefef"


def test_reingest_yields_identical_graphs(jiangsu):
    first = union_graph(outline_to_dataset(jiangsu, BASE))
    second = union_graph(outline_to_dataset(copy.deepcopy(jiangsu), BASE))
    assert set(first) == set(second)  # same IRIs, not merely isomorphic
    assert not any(t for t in first if any(type(x).__name__ == "BNode" for x in t))


def test_base_iri_parameter_and_environment(jiangsu, monkeypatch):
    in_param = union_graph(outline_to_dataset(jiangsu, "https://data.example.com/g"))
    subjects = {str(s) for s in in_param.subjects()}
    assert all(s.startswith("https://data.example.com/g/") for s in subjects)
    monkeypatch.setenv("GUIDEGRAPH_BASE_IRI", "https://env.example.net/id")
    from_env = outline_to_dataset(jiangsu)
    assert set(named_graphs(from_env)) == {graph_iri(jiangsu, "https://env.example.net/id/"), concepts_graph_iri("https://env.example.net/id/")}
    assert all(str(s).startswith("https://env.example.net/id/") for s in union_graph(from_env).subjects())


def test_node_iris_use_node_ids_under_the_guide(graph, jiangsu):
    guide = guide_iri(jiangsu, BASE)
    node = URIRef(guide + "/node/1/2001")
    assert (node, RDF.type, GG.Direction) in graph
    assert (node, GG.parentNode, URIRef(guide + "/node/1")) in graph
    assert (URIRef(guide), GG.topNode, URIRef(guide + "/node/1")) in graph
    assert (node, GG.indicator, URIRef(guide + "/node/1/2001/indicator/2")) in graph
    assert (node, GG.code, Literal("2001")) in graph


# ---------------------------------------------------------------- graphs


def test_a_graph_for_the_guide_one_for_shared_concepts_and_an_empty_default_graph(jiangsu):
    ds = outline_to_dataset(jiangsu, BASE)
    assert set(named_graphs(ds)) == {graph_iri(jiangsu, BASE), concepts_graph_iri(BASE)}
    assert len(ds.default_graph) == 0


def test_two_guides_share_their_concepts_once_in_the_concepts_graph(jiangsu):
    ds = new_dataset()
    add_outline(ds, jiangsu, BASE)
    add_outline(ds, national_guide(), BASE)
    graphs = named_graphs(ds)
    guides = {graph_iri(jiangsu, BASE), graph_iri(national_guide(), BASE)}
    assert set(graphs) == guides | {concepts_graph_iri(BASE)}
    field = field_iri("生物医药", BASE)
    young = tag_iri("青年科学家项目", BASE)
    concepts = graphs[concepts_graph_iri(BASE)]
    assert (field, RDF.type, SKOS.Concept) in concepts
    assert (field, SKOS.prefLabel, Literal("生物医药", lang="zh")) in concepts
    assert (young, RDF.type, GG.Tag) in concepts
    for name in guides:  # each guide links to the concepts but does not repeat them
        assert any(graphs[name].subjects(None, field)) and (field, RDF.type, SKOS.Concept) not in graphs[name]
    # so no triple is in two graphs: the union default graph is a set without repeats
    quads = list(ds.quads((None, None, None, None)))
    assert len({(s, p, o) for s, p, o, _ in quads}) == len(quads)


def test_field_and_tag_concepts_are_shared_by_normalised_label():
    assert field_iri("生物医药领域", BASE) == field_iri("生物医药", BASE) == field_iri(" 生物 医药 ", BASE)
    assert field_iri("新材料", BASE) != field_iri("生物医药", BASE)
    assert tag_iri("青年科学家项目", BASE) == tag_iri("青年科学家项目 ", BASE)
    # full-width and half-width forms are the same label
    assert tag_iri("ＡＩ", BASE) == tag_iri("AI", BASE)


def test_fields_named_in_the_title_are_linked_to_the_guide(graph, jiangsu):
    guide = URIRef(guide_iri(jiangsu, BASE))
    assert (guide, GG.field, field_iri("卫生健康", BASE)) in graph


def test_jurisdiction_is_a_skos_concept_with_its_level(graph, jiangsu):
    j = URIRef(BASE + "jurisdiction/cn-js")
    assert (URIRef(guide_iri(jiangsu, BASE)), GG.jurisdiction, j) in graph
    concepts = named_graphs(outline_to_dataset(jiangsu, BASE))[concepts_graph_iri(BASE)]
    assert (j, RDF.type, GG.Jurisdiction) in concepts and (j, RDF.type, SKOS.Concept) in concepts
    assert (j, GG.jurisdictionLevel, GG.provincial) in concepts
    assert (j, SKOS.prefLabel, Literal("江苏省", lang="zh")) in concepts


# ---------------------------------------------------------------- content


def test_counts_match_the_outline(graph, jiangsu):
    def count(cls):
        return len(set(graph.subjects(RDF.type, cls)))

    assert count(GG.Direction) == sum(n.kind == "direction" for n in jiangsu.nodes) == 2
    assert count(GG.Indicator) == sum(len(n.indicators) for n in jiangsu.nodes) == 3
    assert count(GG.ResponsibleDepartment) + count(GG.AcceptingOffice) == len(jiangsu.offices)
    assert count(GG.ContactPoint) == 1
    assert count(GG.Deadline) == 2 and count(GG.ApplicationStart) == 1
    assert count(GG.Requirement) == 1 and count(GG.ApplicationMaterial) == 1


def test_literals_are_language_tagged_and_numbers_typed(graph, jiangsu):
    node = URIRef(guide_iri(jiangsu, BASE) + "/node/1/2001")
    assert (node, GG.title, Literal("靶向实体瘤的CAR-T细胞治疗", lang="zh")) in graph
    guide = URIRef(guide_iri(jiangsu, BASE))
    year = graph.value(guide, GG.year)
    assert year.datatype == XSD.gYear and str(year) == "2025"
    constraint = URIRef(str(node) + "/indicator/1/constraint/1")
    value = graph.value(constraint, GG.value)
    assert value.datatype == XSD.decimal and value.toPython() == Decimal("500")
    assert graph.value(constraint, GG.comparator) == GG.atLeast
    assert graph.value(constraint, GG.unit) == Literal("例", lang="zh")
    ranged = URIRef(str(node) + "/indicator/2/constraint/1")
    assert graph.value(ranged, GG.comparator) == GG.between
    assert graph.value(ranged, GG.maxValue).toPython() == Decimal("3")


def test_funding_is_resolved_to_yuan_in_cny(graph, jiangsu):
    funding = URIRef(guide_iri(jiangsu, BASE) + "/node/1/2001/funding/1")
    assert graph.value(funding, GG.yuan).toPython() == Decimal("5000000")
    assert graph.value(funding, GG.amount).toPython() == Decimal("500")
    assert str(graph.value(funding, GG.scale)) == "万元"
    assert graph.value(funding, GG.currency) == Literal("CNY")
    assert graph.value(funding, GG.fundingScope) == GG.perProject
    assert graph.value(funding, GG.comparator) == GG.atMost


def test_national_programme_mapping():
    o = national_guide()
    g = named_graphs(outline_to_dataset(o, BASE))[graph_iri(o, BASE)]
    guide = guide_iri(o, BASE)
    programme = URIRef(guide + "/node/p1")
    assert guide.startswith(BASE + "guide/cn/2021/")
    assert (programme, RDF.type, GG.SpecialProgramme) in g
    assert g.value(programme, GG.declaredDirectionCount) == Literal("2", datatype=XSD.integer)
    assert g.value(programme, GG.declaredProjectCount).toPython() == 1
    assert g.value(programme, GG.declaredProjectCountMax).toPython() == 2
    assert g.value(programme, GG.projectCountApproximate).toPython() is False
    total = URIRef(guide + "/node/p1/funding/1")
    assert g.value(total, GG.yuan).toPython() == Decimal("350000000")
    assert g.value(total, GG.fundingScope) == GG.totalBudget
    assert (programme, GG.eligibilityRule, URIRef(guide + "/node/p1/eligibility/1")) in g
    assert (URIRef(guide + "/node/p1/1/a"), RDF.type, GG.SubDirection) in g
    concepts = named_graphs(outline_to_dataset(o, BASE))[concepts_graph_iri(BASE)]
    assert (URIRef(BASE + "jurisdiction/cn"), GG.jurisdictionLevel, GG.national) in concepts


def test_times_carry_the_china_offset_and_periods_link_start_and_deadline(graph, jiangsu):
    guide = guide_iri(jiangsu, BASE)
    closing = URIRef(guide + "/date/2")
    stamp = graph.value(closing, GG.dateTime)
    assert stamp.datatype == XSD.dateTime and str(stamp) == "2025-03-27T17:30:00+08:00"
    assert graph.value(closing, GG.date) == Literal("2025-03-27", datatype=XSD.date)
    paper = URIRef(guide + "/date/3")
    assert graph.value(paper, GG.dateTime) is None
    assert graph.value(paper, GG.date) == Literal("2025-04-03", datatype=XSD.date)
    period = graph.value(URIRef(guide), GG.applicationPeriod)
    assert graph.value(period, GG.periodStart) == URIRef(guide + "/date/1")
    assert graph.value(period, GG.periodEnd) == closing  # the first deadline after the start
    assert graph.value(URIRef(guide), GG.issueDate) == Literal("2025-02-20", datatype=XSD.date)


def test_offices_contacts_and_issuers(graph, jiangsu):
    guide = URIRef(guide_iri(jiangsu, BASE))
    office = URIRef(str(guide) + "/office/responsible-1")
    assert (guide, GG.responsibleDepartment, office) in graph
    contact = graph.value(office, GG.contactPoint)
    assert graph.value(contact, GG.personName) == Literal("张三", lang="zh")
    assert set(graph.objects(contact, GG.telephone)) == {Literal("025-57713921"), Literal("025-57713922")}
    assert graph.value(contact, GG.email) == Literal("zhang@example.cn")
    accepting = URIRef(str(guide) + "/office/accepting-1")
    assert (guide, GG.acceptingOffice, accepting) in graph
    assert graph.value(accepting, GG.postcode) == Literal("210008")
    issuer = graph.value(guide, GG.issuingAuthority)
    assert graph.value(issuer, GG.name) == Literal("江苏省科学技术厅", lang="zh")


def test_every_resource_traces_back_to_the_source_text(graph, jiangsu):
    guide = guide_iri(jiangsu, BASE)
    source = URIRef(guide + "/source")
    assert graph.value(source, GG.sha256) == Literal("ab" * 32)
    assert graph.value(source, GG.fileName) == Literal("jiangsu.txt")
    untraced = []
    for s, cls in graph.subject_objects(RDF.type):
        if cls in (GG.SourceDocument, GG.SourceSpan, GG.Field, GG.Tag, GG.Jurisdiction, SKOS.Concept, SKOS.ConceptScheme):
            continue
        if (s, PROV.wasDerivedFrom, source) not in graph:
            untraced.append(s)
    assert not untraced
    indicator = URIRef(guide + "/node/1/2001/indicator/1")
    span = graph.value(indicator, GG.sourceSpan)
    assert graph.value(span, GG.startLine).toPython() == 13 and graph.value(span, GG.endLine).toPython() == 13
    assert graph.value(span, GG.startChar).toPython() == 131 and graph.value(span, GG.endChar).toPython() == 150
    assert graph.value(span, GG.sourceDocument) == source
    office_spans = set(graph.objects(URIRef(guide + "/office/responsible-1"), GG.sourceSpan))
    assert len(office_spans) == 2  # every place the office is mentioned


# Standard terms the data may use besides our own (everything else must be gg:).
STANDARD_TERMS = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.inScheme, SKOS.notation, SKOS.Concept,
                  SKOS.ConceptScheme, PROV.wasDerivedFrom}


def undeclared_terms(data: Graph) -> set[URIRef]:
    """Predicates and classes of ``data`` that neither our ontology nor STANDARD_TERMS declare."""
    from guidegraph.ontology import ontology_graph

    onto = ontology_graph()
    declared = {s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef)}
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    return {t for t in used if t not in declared and t not in STANDARD_TERMS}


def test_only_declared_terms_are_used(jiangsu):
    ds = new_dataset()
    add_outline(ds, jiangsu, BASE)
    add_outline(ds, national_guide(), BASE)
    assert undeclared_terms(union_graph(ds)) == set()
    # the check itself notices a stray term
    stray = Graph()
    stray.add((URIRef(BASE + "x"), URIRef("https://w3id.org/guidegraph/ontology#madeUp"), Literal(1)))
    assert undeclared_terms(stray) == {URIRef("https://w3id.org/guidegraph/ontology#madeUp")}


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_round_trip_every_format(fmt, jiangsu):
    ds = new_dataset()
    add_outline(ds, jiangsu, BASE)
    add_outline(ds, national_guide(), BASE)
    data = serialize_dataset(ds, fmt)
    assert isinstance(data, bytes) and data
    back = parse_rdf(data, fmt)
    if fmt.datasets:
        original, parsed = named_graphs(ds), named_graphs(back)
        assert set(parsed) == set(original)
        for name, g in original.items():
            assert isomorphic(g, parsed[name]), name
    else:
        assert isomorphic(union_graph(back), union_graph(ds))


def test_jsonld_is_compacted_with_the_published_context(jiangsu):
    data = json.loads(serialize_dataset(outline_to_dataset(jiangsu, BASE), rdf_format("jsonld")))
    assert data["@context"]["gg"] == "https://w3id.org/guidegraph/ontology#"
    text = json.dumps(data, ensure_ascii=False)
    assert '"gg:title"' in text and "https://w3id.org/guidegraph/ontology#title" not in text
    assert graph_iri(jiangsu, BASE) in text


def test_trig_and_nquads_name_the_graph_turtle_does_not(jiangsu):
    ds = outline_to_dataset(jiangsu, BASE)
    name = graph_iri(jiangsu, BASE)
    assert name.encode() in serialize_dataset(ds, rdf_format("nquads"))
    assert name.encode() in serialize_dataset(ds, rdf_format("trig"))
    assert name.encode() not in serialize_dataset(ds, rdf_format("turtle"))


def test_parse_rdf_reads_files_by_extension(tmp_path, jiangsu):
    ds = outline_to_dataset(jiangsu, BASE)
    path = tmp_path / "guide.trig"
    path.write_bytes(serialize_dataset(ds, rdf_format("trig")))
    back = parse_rdf(path)
    assert set(named_graphs(back)) == {graph_iri(jiangsu, BASE), concepts_graph_iri(BASE)}
    ttl = tmp_path / "guide.ttl"
    ttl.write_bytes(serialize_dataset(ds, rdf_format("turtle")))
    assert len(union_graph(parse_rdf(ttl))) == len(union_graph(ds))


def test_parse_rdf_errors_are_one_line_input_errors(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix gg: <https://w3id.org/guidegraph/ontology#> .\ngg:a gg:b", encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_rdf(bad)
    assert "bad.ttl" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(InputError):
        parse_rdf(tmp_path / "missing.nq")
    with pytest.raises(UsageError):
        parse_rdf(tmp_path / "guide.docx")
    with pytest.raises(InputError):
        parse_rdf(b"{not json", rdf_format("jsonld"))


# ---------------------------------------------------------------- the seed corpus, through the real parser


@pytest.fixture(scope="module")
def seed_outlines():
    from guidegraph.corpus import seed_paths
    from guidegraph.ingest.pipeline import outline_file

    return [outline_file(p) for p in seed_paths()]


@pytest.fixture(scope="module")
def seed_dataset(seed_outlines):
    ds = new_dataset()
    for outline in seed_outlines:
        add_outline(ds, outline, BASE)
    return ds


def test_seed_guides_get_one_graph_each_with_readable_iris(seed_outlines, seed_dataset):
    graphs = named_graphs(seed_dataset)
    assert set(graphs) == {graph_iri(o, BASE) for o in seed_outlines} | {concepts_graph_iri(BASE)} and len(graphs) == 6
    places = {guide_iri(o, BASE)[len(BASE + "guide/"):].rsplit("/", 1)[0] for o in seed_outlines}
    # 山西 2017 and 2024, 国家 2021, 济南 2019 (GB/T 2260 370100), 江苏 2025
    assert places == {"cn-sx/2017", "cn-sx/2024", "cn/2021", "370100/2019", "cn-js/2025"}


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_seed_round_trip(fmt, seed_outlines):
    # Two real guides (济南 2019 with its phone lists, 江苏 2025 with its notice): the
    # whole corpus takes minutes in the slower formats and adds no new kinds of terms.
    ds = new_dataset()
    for outline in seed_outlines:
        if outline.year in (2019, 2025):
            add_outline(ds, outline, BASE)
    back = parse_rdf(serialize_dataset(ds, fmt), fmt)
    if fmt.datasets:
        original, parsed = named_graphs(ds), named_graphs(back)
        assert set(parsed) == set(original)
        for name, g in original.items():
            assert set(parsed[name]) == set(g), name  # no blank nodes, so isomorphic means equal
    else:
        assert set(union_graph(back)) == set(union_graph(ds))


def test_seed_counts_equal_the_outline_json(seed_outlines, seed_dataset):
    graphs = named_graphs(seed_dataset)
    for outline in seed_outlines:
        data = outline.to_json()  # what `guidegraph outline --json` prints
        g = graphs[graph_iri(outline, BASE)]

        def count(cls):
            return len(set(g.subjects(RDF.type, cls)))

        nodes = data["nodes"]
        kinds = {k: sum(n["kind"] == k for n in nodes) for k in ("category", "programme", "field", "direction", "subdirection")}
        assert count(GG.Direction) == kinds["direction"], outline.source
        assert count(GG.SubDirection) == kinds["subdirection"], outline.source
        assert count(GG.FieldSection) == kinds["field"], outline.source
        assert count(GG.Category) == kinds["category"], outline.source
        assert count(GG.Programme) + count(GG.SpecialProgramme) == kinds["programme"], outline.source
        assert count(GG.Indicator) == sum(len(n["indicators"]) for n in nodes), outline.source
        assert count(GG.QuantitativeConstraint) == sum(len(i["quantities"]) for n in nodes for i in n["indicators"])
        assert count(GG.FundingAmount) == sum(len(n["funding"]) for n in nodes), outline.source
        assert count(GG.ResearchContent) == sum(len(n["research_content"]) for n in nodes), outline.source
        offices = sum(count(c) for c in (GG.AcceptingOffice, GG.ResponsibleDepartment, GG.ContactDesk)) + len(
            {o for o in g.subjects(RDF.type, GG.IssuingAuthority) if "/office/" in str(o)})
        assert offices == len(data["offices"]), outline.source
        assert count(GG.ContactPoint) == sum(len(o["contacts"]) for o in data["offices"]), outline.source
        assert count(GG.Deadline) + count(GG.ApplicationStart) == len(data["deadlines"]), outline.source
        assert count(GG.Requirement) == len(data["requirements"]), outline.source
        assert count(GG.EligibilityRule) == sum(len(n["young_scientist_rules"]) for n in nodes), outline.source
        phones = {p for o in data["offices"] for c in o["contacts"] for p in c["phones"]}
        assert {str(p) for p in g.objects(None, GG.telephone)} == phones, outline.source


def test_national_programmes_are_special_programmes(seed_outlines, seed_dataset):
    # 002: each of the twelve programmes is introduced as 启动实施“…”重点专项
    national = next(o for o in seed_outlines if o.year == 2021)
    g = named_graphs(seed_dataset)[graph_iri(national, BASE)]
    assert len(set(g.subjects(RDF.type, GG.SpecialProgramme))) == 12
    assert not set(g.subjects(RDF.type, GG.Programme))


def test_seed_graph_uses_only_declared_terms(seed_dataset):
    assert undeclared_terms(union_graph(seed_dataset)) == set()


def test_seed_fields_are_shared_between_shanxi_and_jinan(seed_outlines, seed_dataset):
    graphs = named_graphs(seed_dataset)
    # 000 line 44 （一）先进制造领域 (山西省) and 003 line 71 （二）先进制造 (济南市)
    shanxi = next(o for o in seed_outlines if o.year == 2017)
    jinan = next(o for o in seed_outlines if o.year == 2019)
    field = field_iri("先进制造", BASE)
    assert (field, RDF.type, GG.Field) in graphs[concepts_graph_iri(BASE)]
    for outline in (shanxi, jinan):
        assert any(graphs[graph_iri(outline, BASE)].subjects(GG.field, field)), outline.source


def test_seed_mapping_is_deterministic(seed_outlines, seed_dataset):
    again = new_dataset()
    for outline in seed_outlines:
        add_outline(again, copy.deepcopy(outline), BASE)
    assert set(union_graph(again)) == set(union_graph(seed_dataset))


def test_seed_spans_point_at_the_right_lines(seed_outlines, seed_dataset):
    from guidegraph.corpus import seed_paths

    jiangsu = next(o for o in seed_outlines if o.year == 2025)
    g = named_graphs(seed_dataset)[graph_iri(jiangsu, BASE)]
    path = next(p for p in seed_paths() if p.name == jiangsu.source)
    lines = path.read_text(encoding="utf-8").splitlines()
    for deadline in g.subjects(RDF.type, GG.Deadline):
        span = g.value(deadline, GG.sourceSpan)
        start, end = g.value(span, GG.startLine).toPython(), g.value(span, GG.endLine).toPython()
        text = "".join(lines[start - 1:end])
        assert "截止" in text, text


def test_corpus_nquads_holds_exactly_the_corpus_dataset():
    """The fast N-Quads writer (used to load a store) and the rdflib Dataset agree quad for quad."""
    import pyoxigraph as ox

    from guidegraph.ingest.corpus import corpus_dataset, corpus_nquads

    fast = set(ox.parse(corpus_nquads(), format=ox.RdfFormat.N_QUADS))
    via_rdflib = set(ox.parse(serialize_dataset(corpus_dataset(), rdf_format("nquads")), format=ox.RdfFormat.N_QUADS))
    assert len(fast) > 50_000
    assert len({q.graph_name for q in fast}) == 6  # five guides and the shared concepts
    assert fast == via_rdflib


def test_fast_ntriples_is_the_union_of_the_guides_without_repeats():
    import pyoxigraph as ox

    from guidegraph.corpus import seed_paths
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.ingest.corpus import corpus_dataset, serialize_outlines

    outlines = [outline_file(p) for p in seed_paths()]
    fast, count = serialize_outlines(outlines, "ntriples")
    triples = list(ox.parse(fast, format=ox.RdfFormat.N_TRIPLES))
    assert count == len(triples)
    assert len(triples) == len(set(triples))  # shared concepts written once
    via_rdflib = set(ox.parse(serialize_dataset(corpus_dataset(), rdf_format("ntriples")), format=ox.RdfFormat.N_TRIPLES))
    assert set(triples) == via_rdflib
    with pytest.raises(ValueError):
        serialize_outlines(outlines, "jsonld")


@pytest.mark.parametrize("fmt_name", ["nquads", "trig", "ntriples", "turtle"])
def test_fast_writer_matches_rdflib_in_every_format_it_takes(fmt_name):
    """pyoxigraph's output parses (by rdflib) to the same statements as rdflib's own serialisation."""
    from guidegraph.corpus import seed_paths
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.ingest.corpus import serialize_outlines

    fmt = rdf_format(fmt_name)
    outline = outline_file(next(p for p in seed_paths() if p.name.startswith("004")))
    fast, slow = Dataset(), Dataset()
    fast.parse(data=serialize_outlines([outline], fmt_name)[0], format=fmt.rdflib)
    slow.parse(data=serialize_dataset(outline_to_dataset(outline), fmt), format=fmt.rdflib)
    assert len(fast) > 3000
    assert set(fast.quads((None, None, None, None))) == set(slow.quads((None, None, None, None)))
