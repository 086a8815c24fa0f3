"""Offices shared across guides (guidegraph.knowledge.offices): merged where the rule is sure, never elsewhere."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from guidegraph import iris
from guidegraph.ingest.corpus import corpus_nquads
from guidegraph.knowledge import offices
from guidegraph.knowledge.offices import Place, desk_key, read_office

BASE = "http://example.org/id/"
GG = "https://w3id.org/guidegraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"

SHANXI = Place(BASE + "jurisdiction/cn-sx", "cn-sx", "山西省", "provincial")
JINAN = Place(BASE + "jurisdiction/370100", "370100", "济南市", "municipal")
NATION = Place(BASE + "jurisdiction/cn", "cn", "中华人民共和国", "national")
PLACES = {p.code: p for p in (SHANXI, JINAN, NATION)}


def reading(name, place=SHANXI, issuer=None):
    return read_office(name, place, PLACES, issuer)


# ---------------------------------------------------------------- the rule, name by name


def test_prefix_spellings_of_one_desk_read_alike():
    keys = {reading(n).key for n in ("山西省科技厅社会发展处", "省科技厅社会发展处", "山西科学技术厅社会发展处", "科技厅社会发展处")}
    assert keys == {"科技厅/社会发展处"}
    assert reading("省科技厅社会发展处").place == SHANXI


def test_a_bare_desk_belongs_to_the_guides_only_issuer():
    found = reading("社会发展科技处", issuer=(SHANXI, "科技厅"))
    assert found.key == "科技厅/社会发展处" and found.place == SHANXI and not found.explicit_authority
    assert reading("社会发展科技处", issuer=None) is None


def test_redundant_keji_before_chu_is_dropped_only_under_a_science_authority():
    assert desk_key("社会发展科技处", "科技厅") == "社会发展处"
    assert desk_key("社会发展科技处", "卫生健康委") == "社会发展科技处"
    assert desk_key("科技处", "科技厅") == "科技处"  # nothing left to name the desk


@pytest.mark.parametrize("a, b", [
    ("山西省科技厅高新处", "山西省科技厅高新技术处"),  # an abbreviation is not proof
    ("省科技厅社会发展处", "省科技厅农业科技和社会发展处"),  # a combined desk is another desk
    ("省科技厅社会发展处", "省卫生健康委社会发展处"),  # another authority
    ("省科技厅国际合作处", "省科技厅科技合作处"),
])
def test_different_desks_stay_apart(a, b):
    assert reading(a).key != reading(b).key


def test_a_bare_level_word_must_match_the_guides_level():
    # 市科技局 in a provincial guide is some city's bureau, not the province's
    assert reading("市科技局高新处") is None
    assert reading("市科技局高新处", place=JINAN).place == JINAN


def test_an_authority_of_the_wrong_level_is_not_read():
    assert reading("科技局社会发展处") is None  # a 局 is not provincial
    assert reading("济南市科技厅高新处", place=JINAN) is None


def test_a_named_province_wins_over_the_guides_own_jurisdiction():
    found = reading("山东省科技厅高新处", place=JINAN)
    assert found.place.code == "cn-sd" and found.key == "科技厅/高新处"


def test_national_authorities_belong_to_the_nation_whatever_the_guide():
    assert reading("科学技术部", place=SHANXI).place.code == "cn"
    assert reading("中华人民共和国科学技术部").key == reading("科技部").key == "科技部/"
    assert reading("国家自然科学基金委员会").key == "自然科学基金委/"


def test_unknown_prefixes_and_unplaced_institutions_are_left_alone():
    assert reading("某某集团科技厅社会发展处") is None
    assert reading("科技计划项目受理服务中心") is None  # no jurisdiction printed
    assert reading("省科技计划项目受理服务中心").key == "/科技计划项目受理服务中心"


# ---------------------------------------------------------------- over RDF: hand-made guides


def guide_quads(key, place, level, offices_by_class, issuers=()):
    """N-Quads of a tiny guide: its jurisdiction and the named offices (class local name -> names)."""
    guide = f"<{BASE}guide/{place.code}/{key}>"
    graph = f"<{BASE}guide/{place.code}/{key}/graph>"
    concepts = f"<{BASE}graph/concepts>"
    j = f"<{place.iri}>"
    lines = [
        f"{guide} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{GG}GuideDocument> {graph} .",
        f"{guide} <{GG}jurisdiction> {j} {graph} .",
        f'{j} <{SKOS}notation> "{place.code}" {concepts} .',
        f'{j} <{SKOS}prefLabel> "{place.name}"@zh {concepts} .',
        f"{j} <{GG}jurisdictionLevel> <{GG}{level}> {concepts} .",
    ]
    n = 0
    for cls, names in offices_by_class.items():
        for name in names:
            n += 1
            office = f"<{BASE}guide/{place.code}/{key}/office/{n}>"
            lines += [
                f"{office} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{GG}{cls}> {graph} .",
                f"{office} <{GG}guide> {guide} {graph} .",
                f'{office} <{GG}name> "{name}"@zh {graph} .',
            ]
            if cls == "IssuingAuthority":
                lines.append(f"{guide} <{GG}issuingAuthority> {office} {graph} .")
    return "\n".join(lines) + "\n"


def store_of(*docs):
    store = ox.Store()
    store.bulk_load("".join(docs).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def shared_of(triples):
    return {t.subject.value: t.object.value for t in triples if t.predicate.value == GG + "sharedOffice"}


def test_three_spellings_in_three_guides_are_one_office_with_its_parent_and_jurisdiction():
    store = store_of(
        guide_quads("2017/a", SHANXI, "provincial", {"ContactDesk": ["山西省科技厅社会发展处"]}),
        guide_quads("2020/b", SHANXI, "provincial", {"ContactDesk": ["省科技厅社会发展处"]}),
        guide_quads("2024/c", SHANXI, "provincial", {"ResponsibleDepartment": ["社会发展科技处"],
                                                      "IssuingAuthority": ["山西省科学技术厅"]}),
    )
    triples = offices.link(store, BASE)
    shared = shared_of(triples)
    desks = {shared[f"{BASE}guide/cn-sx/{k}/office/1"] for k in ("2017/a", "2020/b", "2024/c")}
    assert len(desks) == 1
    desk = desks.pop()
    assert desk == iris.office_iri("cn-sx", "科技厅/社会发展处", BASE)
    out = {(t.predicate.value, t.object.value) for t in triples if t.subject.value == desk}
    authority = iris.office_iri("cn-sx", "科技厅/", BASE)
    assert (ORG + "subOrganizationOf", authority) in out
    assert (GG + "officeJurisdiction", SHANXI.iri) in out
    assert (SKOS + "prefLabel", "山西省科学技术厅社会发展处") in out
    assert {o for p, o in out if p == SKOS + "altLabel"} == {"山西省科技厅社会发展处", "省科技厅社会发展处", "社会发展科技处"}
    # the 2024 issuer is the shared parent itself
    assert shared[f"{BASE}guide/cn-sx/2024/c/office/2"] == authority
    assert ox.Triple(ox.NamedNode(authority), ox.NamedNode(SKOS + "prefLabel"), ox.Literal("山西省科学技术厅", language="zh")) in triples


def test_the_same_desk_name_in_two_jurisdictions_is_two_offices():
    jiangsu = Place(BASE + "jurisdiction/cn-js", "cn-js", "江苏省", "provincial")
    store = store_of(
        guide_quads("2017/a", SHANXI, "provincial", {"ContactDesk": ["省科技厅社会发展处"]}),
        guide_quads("2025/a", jiangsu, "provincial", {"ContactDesk": ["省科技厅社会发展处"]}),
    )
    shared = shared_of(offices.link(store, BASE))
    assert shared[f"{BASE}guide/cn-sx/2017/a/office/1"] != shared[f"{BASE}guide/cn-js/2025/a/office/1"]


def test_a_bare_desk_of_a_guide_with_several_issuers_is_not_linked():
    store = store_of(guide_quads("2025/a", SHANXI, "provincial", {
        "ContactDesk": ["社会发展科技处"], "IssuingAuthority": ["山西省科学技术厅", "山西省财政厅"]}))
    shared = shared_of(offices.link(store, BASE))
    assert f"{BASE}guide/cn-sx/2025/a/office/1" not in shared
    assert len(shared) == 2  # the two issuers are


# ---------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seed_links():
    store = store_of(corpus_nquads(None, BASE).decode("utf-8"))
    names = {r["o"].value: r["n"].value for r in store.query(
        f"SELECT ?o ?n WHERE {{ ?o <{GG}name> ?n }}", use_default_graph_as_union=True)}
    triples = offices.link(store, BASE)
    return names, shared_of(triples), triples


def shared_by_name(seed_links, name):
    names, shared, _ = seed_links
    return {shared.get(o) for o, n in names.items() if n == name}


def test_seed_desks_hang_under_their_authority(seed_links):
    _, _, triples = seed_links
    parents = {t.subject.value: t.object.value for t in triples if t.predicate.value == ORG + "subOrganizationOf"}
    (shanxi_social,) = shared_by_name(seed_links, "山西省科技厅社会发展处")
    assert parents[shanxi_social] == iris.office_iri("cn-sx", "科技厅/", BASE)
    (jinan_social,) = shared_by_name(seed_links, "社会发展科技处")
    assert parents[jinan_social] == iris.office_iri("370100", "科技局/", BASE)
    # the Jinan issuer printed as 济南市科学技术局 is that parent
    assert shared_by_name(seed_links, "济南市科学技术局") == {iris.office_iri("370100", "科技局/", BASE)}
    (jiangsu_desk,) = shared_by_name(seed_links, "省科技厅农业科技和社会发展处")
    assert parents[jiangsu_desk] == iris.office_iri("cn-js", "科技厅/", BASE)
    assert shared_by_name(seed_links, "江苏省科学技术厅") == {iris.office_iri("cn-js", "科技厅/", BASE)}


def test_seed_offices_that_only_look_alike_stay_apart(seed_links):
    social = shared_by_name(seed_links, "山西省科技厅社会发展处") | shared_by_name(seed_links, "社会发展科技处") \
        | shared_by_name(seed_links, "省科技厅农业科技和社会发展处")
    assert len(social) == 3  # Shanxi, Jinan and Jiangsu each keep their own
    rural = shared_by_name(seed_links, "山西省科技厅农村处") | shared_by_name(seed_links, "农村科技处")
    assert len(rural) == 2


def test_every_shared_seed_office_is_described(seed_links):
    _, shared, triples = seed_links
    described = {t.subject.value for t in triples if t.predicate.value == SKOS + "prefLabel"}
    placed = {t.subject.value for t in triples if t.predicate.value == GG + "officeJurisdiction"}
    assert set(shared.values()) <= described and set(shared.values()) <= placed
    assert len(shared) >= 20  # the seeds' offices and issuers, nearly all linked


def test_shared_offices_are_organisations_not_guide_office_records(seed_links):
    _, shared, triples = seed_links
    types = {}
    for t in triples:
        if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type":
            types.setdefault(t.subject.value, set()).add(t.object.value)
    for node in set(shared.values()):
        assert GG + "SharedOffice" in types[node]
        assert not any(t.startswith(GG) and t.endswith(("Office", "Department", "Desk", "Authority"))
                       and t != GG + "SharedOffice" for t in types[node])  # gg:Office shapes must not apply


def test_a_jurisdiction_known_only_from_an_office_name_is_described():
    store = store_of(guide_quads("2019/a", JINAN, "municipal", {"ContactDesk": ["山东省科技厅高新处"]}))
    triples = offices.link(store, BASE)
    (desk,) = shared_of(triples).values()
    jurisdiction = next(t.object.value for t in triples
                        if t.subject.value == desk and t.predicate.value == GG + "officeJurisdiction")
    assert jurisdiction == BASE + "jurisdiction/cn-sd"
    described = {(t.predicate.value, t.object.value) for t in triples if t.subject.value == jurisdiction}
    assert (SKOS + "prefLabel", "山东省") in described and (SKOS + "notation", "cn-sd") in described


def test_the_links_graph_does_not_change_what_validation_reports():
    """SHACL validation of a guide with all its links (every linker) finds exactly what it finds without them."""
    from rdflib import URIRef

    from guidegraph.corpus import seed_paths
    from guidegraph.ingest.corpus import outline_to_dataset
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.knowledge import derive_links
    from guidegraph.oxigraph_terms import BlankNodeMap, from_oxigraph
    from guidegraph.validation.validate import validate

    outline = outline_file(seed_paths()[4])  # Jiangsu 2025: issuers, desks and a title field
    plain = outline_to_dataset(outline, BASE)
    linked = outline_to_dataset(outline, BASE)
    store = ox.Store()
    store.bulk_load(corpus_nquads([seed_paths()[4]], BASE), format=ox.RdfFormat.N_QUADS)
    links = linked.graph(URIRef(iris.links_graph_iri(BASE)))
    blanks = BlankNodeMap()
    added = derive_links(store, BASE)
    assert any(t.predicate.value == GG + "sharedOffice" for t in added)
    for t in added:
        links.add(tuple(from_oxigraph(term, blanks) for term in (t.subject, t.predicate, t.object)))
    before, after = validate(plain).report, validate(linked).report
    assert after.counts() == before.counts()
    assert after.conforms == before.conforms


def test_provincial_level_municipalities_have_bureaus_and_say_shi():
    tianjin = Place(BASE + "jurisdiction/cn-tj", "cn-tj", "天津市", "provincial")
    assert reading("天津市科学技术局高新技术处", place=tianjin).key == "科技局/高新技术处"
    assert reading("市科技局高新技术处", place=tianjin).place == tianjin
    assert reading("省科技厅高新处", place=tianjin) is None


def test_a_unit_of_a_printed_authority_hangs_under_it():
    found = reading("科技部信息中心")
    assert found.key == "科技部/信息中心" and found.place.code == "cn"
    assert reading("信息中心") is None  # without its authority or a place: left alone


def test_a_seed_and_a_variant_of_one_province_share_their_authority_not_their_desks():
    from guidegraph.corpus import seed_paths

    variant = "tests/variants/jiangsu_2025_docx_agency_desks/guide.docx"
    store = store_of(corpus_nquads([seed_paths()[4], variant], BASE).decode("utf-8"))
    names = {r["o"].value: r["n"].value for r in store.query(
        f"SELECT ?o ?n WHERE {{ ?o <{GG}name> ?n }}", use_default_graph_as_union=True)}
    triples = offices.link(store, BASE)
    shared = shared_of(triples)
    by_name = {}
    for office, name in names.items():
        by_name.setdefault(name, set()).add(shared.get(office))
    authority = iris.office_iri("cn-js", "科技厅/", BASE)
    assert by_name["江苏省科学技术厅"] == {authority}  # issued both guides: one resource
    seed_desk, = by_name["省科技厅农业科技和社会发展处"]
    variant_desk, = by_name["江苏省科学技术厅高新技术处"]
    assert seed_desk != variant_desk
    parents = {t.subject.value: t.object.value for t in triples if t.predicate.value == ORG + "subOrganizationOf"}
    assert parents[seed_desk] == parents[variant_desk] == authority
