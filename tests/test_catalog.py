"""The dataset description: statistics, VoID + DCAT (DCAT-AP 3.0.1 shapes), sitemap, robots.txt.

Statistics are checked against counts taken a second way (the store's own
counters, and the graphs parsed back into rdflib); the description is
validated with the DCAT-AP 3.0.1 SHACL shapes kept in tests/dcat-ap/.
"""

from __future__ import annotations

import random
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS, VOID

from guidegraph.catalog import (
    Distribution,
    Site,
    dataset_statistics,
    describe_dataset,
    robots_txt,
    sitemap_documents,
)
from guidegraph.catalog.vocab import SD, SPDX
from guidegraph.config import ONTOLOGY_NS
from guidegraph.errors import UsageError
from guidegraph.bundled_corpus import load_bundled_corpus as load_seed_corpus
from guidegraph.store import open_store

SH = Namespace("http://www.w3.org/ns/shacl#")
# Plain namespaces: pytest's collection probes module attributes, and rdflib's
# closed DCAT and XSD namespaces warn on every unknown name.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
GG = Namespace(ONTOLOGY_NS)
DCAT_AP = Path(__file__).parent / "dcat-ap"
BASE = "https://w3id.org/guidegraph/id/"
SITE = Site(
    base_url="http://127.0.0.1:8000/",
    base_iri=BASE,
    sparql_endpoint="http://127.0.0.1:8000/sparql",
    catalog_iri="http://127.0.0.1:8000/catalog#catalog",
    dataset_iri="http://127.0.0.1:8000/id/dataset",
    modified="2026-12-01T08:00:00Z",
)

# The validation set-ups the Interoperable Europe testbed runs for DCAT-AP
# 3.0.1 (github.com/ISAITB/validator-resources-dcat-ap, config.properties):
# "Full" and "Full (individual constraints)"; ranges.ttl is the range file of
# the individual-constraints design.
PROFILES = {
    "full": ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl"),
    "individual": ("dcat-ap-SHACL.ttl",),
    "individual+ranges": ("dcat-ap-SHACL.ttl", "ranges.ttl"),
}
# Property shapes the release names in sh:property but never defines (no
# sh:path anywhere in the file set); pySHACL refuses such shapes, so the test
# drops the dangling links. Listed so that a change in the shapes shows up.
DANGLING = {
    "full": set(),
    "individual": {
        "dcat:DataServiceShape/dc08f4dca4377fade57f89454e3fa06a8389d314",
        "dcat:DataServiceShape/eb3ac4e4fdde2e2588a9502c5956060a18c5c99f",
    },
    # ranges.ttl defines those two and names five others it does not define
    "individual+ranges": {
        "dcat:DatasetShape/4918ff7a6c1c4b0eea6403dca4b992b87ee1f4ab",
        "dcat:DatasetShape/95c69c99a1e3ade043911b51b942f206dea0e68d",
        "dcat:DistributionShape/653804840386e33525b3d39d205c174780be414b",
        "dcat:DistributionShape/a07d6e7a0a1790b89a1ce7ff602cbbd9ea835282",
        "dcat:RelationshipShape/b7aa98e1befa5130659568aa62e7f38575dc17c1",
    },
}


def load_shapes(profile: str) -> tuple[Graph, set[str]]:
    shapes = Graph()
    for name in PROFILES.get(profile, (profile,)):
        shapes.parse(DCAT_AP / name, format="turtle")
    dropped = set()
    for shape, prop in list(shapes.subject_objects(SH.property)):
        if (prop, SH.path, None) not in shapes:
            shapes.remove((shape, SH.property, prop))
            dropped.add(str(prop).split("#", 1)[1])
    return shapes, dropped


def validate(data: Graph, profile: str) -> list[tuple[str, str, str, str]]:
    """Top-level results as (severity, focus, path, message), all severities."""
    shapes, dropped = load_shapes(profile)
    assert dropped == DANGLING.get(profile, set()), dropped
    # ranges.ttl wants rdfs:Resource for endpoint URLs, which every IRI is
    # under RDFS semantics; the other set-ups run without inference.
    inference = "rdfs" if profile == "individual+ranges" else None
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference=inference, allow_warnings=False)
    nested = set(report.objects(None, SH.detail))
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if result in nested:
            continue
        results.append(
            (
                str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                str(report.value(result, SH.focusNode)),
                str(report.value(result, SH.resultPath)),
                str(report.value(result, SH.resultMessage)),
            )
        )
    return sorted(results)


# -- fixtures -------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_store():
    store = open_store({})
    load_seed_corpus(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def seed_stats(seed_store):
    return dataset_statistics(seed_store)


def distributions_for(stats) -> list[Distribution]:
    dists = [
        Distribution(SITE.base_url + "dumps/guidegraph.nq.gz", "application/n-quads", "gzip", 812_345, "0" * 63 + "1", None, "The whole dataset as N-Quads", "nquads"),
        Distribution(SITE.base_url + "dumps/guidegraph.nt.gz", "application/n-triples", "gzip", 802_000, "ab" * 32, None, "The whole dataset as N-Triples", "ntriples"),
        Distribution(SITE.base_url + "dumps/guidegraph.trig.gz", "application/trig", "gzip", 500_000, "cd" * 32, None, "The whole dataset as TriG", "trig"),
    ]
    for n, graph in enumerate(stats.graphs):
        for fmt, media, suffix in (("turtle", "text/turtle", "ttl"), ("jsonld", "application/ld+json", "jsonld")):
            dists.append(Distribution(f"{SITE.base_url}dumps/graph-{n}.{suffix}", media, None, 1000 + n, f"{n:064x}", graph.graph, f"Graph {n} as {fmt}", fmt))
    return dists


@pytest.fixture(scope="module")
def seed_description(seed_stats):
    return describe_dataset(seed_stats, distributions_for(seed_stats), SITE)


def one(graph: Graph, s, p):
    values = list(graph.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


# -- statistics -------------------------------------------------------------------
def parsed_graphs(store) -> dict[str, Graph]:
    graphs = {}
    for iri in store.named_graphs():
        g = Graph()
        g.parse(data=store.get_graph(iri, "ntriples"), format="nt")
        graphs[iri] = g
    return graphs


def test_statistics_equal_counts_measured_in_the_store(seed_store, seed_stats):
    graphs = parsed_graphs(seed_store)
    assert {g.graph for g in seed_stats.graphs} == set(seed_store.named_graphs()) == set(graphs)
    assert seed_stats.triples == seed_store.triple_count() == sum(len(g) for g in graphs.values())
    all_subjects, all_objects, all_entities = set(), set(), set()
    all_instances: dict[str, set] = {}
    all_properties: Counter = Counter()
    for gs in seed_stats.graphs:
        parsed = graphs[gs.graph]
        assert gs.triples == seed_store.triple_count(gs.graph) == len(parsed)
        assert gs.entities == len({s for s in parsed.subjects() if isinstance(s, URIRef)})
        assert gs.properties == dict(Counter(str(p) for p in parsed.predicates()))
        instances: dict[str, set] = {}
        for s, c in parsed.subject_objects(RDF.type):
            instances.setdefault(str(c), set()).add(s)
            all_instances.setdefault(str(c), set()).add(s)
        assert gs.classes == {c: len(members) for c, members in instances.items()}
        all_subjects |= set(parsed.subjects())
        all_objects |= set(parsed.objects())
        all_entities |= {s for s in parsed.subjects() if isinstance(s, URIRef)}
        all_properties.update(str(p) for p in parsed.predicates())
    # The seed graphs hold no blank nodes, so terms compare across graphs.
    assert seed_stats.distinct_subjects == len(all_subjects)
    assert seed_stats.distinct_objects == len(all_objects)
    assert seed_stats.entities == len(all_entities)
    assert seed_stats.properties == dict(all_properties)
    assert seed_stats.classes == {c: len(m) for c, m in all_instances.items()}


def test_statistics_read_each_guide(seed_store, seed_stats):
    graphs = parsed_graphs(seed_store)
    for gs in seed_stats.graphs:
        parsed = graphs[gs.graph]
        guides = set(parsed.subjects(RDF.type, GG.GuideDocument))
        if gs.guide is None:  # the shared-concepts and the derived links graphs hold no guide
            assert not guides and gs.graph.endswith(("/graph/concepts", "/graph/links"))
            continue
        assert {URIRef(gs.guide)} == guides
        guide = URIRef(gs.guide)
        assert gs.title == str(one(parsed, guide, GG.title))
        assert gs.year == int(str(one(parsed, guide, GG.year)))
        assert gs.jurisdiction == str(one(parsed, guide, GG.jurisdiction))
        # the jurisdiction's label is in the shared-concepts graph
        labels = {str(o) for g in graphs.values() for o in g.objects(URIRef(gs.jurisdiction), SKOS.prefLabel)}
        assert gs.jurisdiction_label in labels
        issued = list(parsed.objects(guide, GG.issueDate))
        assert gs.issued == (str(issued[0]) if issued else None)
        assert gs.example_resources[0] == gs.guide
        assert all((URIRef(x), None, None) in parsed for x in gs.example_resources)


def small_store(nquads: str):
    store = open_store({})
    store.bulk_load_nquads(nquads.encode("utf-8"))
    return store


E = "http://example.org/"
RDF_TYPE = str(RDF.type)
VARIANT_NQUADS = f"""
<{E}guide> <{RDF_TYPE}> <{GG.GuideDocument}> <{E}g1> .
<{E}guide> <{GG.title}> "A guide"@en <{E}g1> .
<{E}guide> <{GG.title}> "一份指南"@zh <{E}g1> .
<{E}guide> <{GG.year}> "2023"^^<{XSD.gYear}> <{E}g1> .
<{E}guide> <{GG.jurisdiction}> <{E}place> <{E}g1> .
<{E}d1> <{RDF_TYPE}> <{GG.Direction}> <{E}g1> .
<{E}d1> <{GG.funding}> _:f <{E}g1> .
_:f <{GG.amount}> "5" <{E}g1> .
<{E}d1> <{GG.title}> "shared" <{E}g1> .
<{E}d1> <{GG.title}> "shared" <{E}shared> .
<{E}place> <{SKOS.prefLabel}> "Place"@en <{E}shared> .
<{E}place> <{SKOS.prefLabel}> "某地"@zh <{E}shared> .
<{E}place> <{RDF_TYPE}> <{SKOS.Concept}> <{E}shared> .
<{E}other> <{RDF_TYPE}> <{SKOS.Concept}> <{E}shared> .
<{E}scheme> <{RDF_TYPE}> <{SKOS.ConceptScheme}> <{E}shared> .
"""


def variant_stats():
    store = small_store(VARIANT_NQUADS)
    try:
        return dataset_statistics(store)
    finally:
        store.close()


def test_statistics_rules_on_small_variants():
    e = E
    stats = variant_stats()
    by_graph = {g.graph: g for g in stats.graphs}
    g1, shared = by_graph[f"{e}g1"], by_graph[f"{e}shared"]
    # a triple held by two graphs counts in each, as the quads of a dump do
    assert stats.triples == 15 and g1.triples == 9 and shared.triples == 6
    assert stats.properties[str(GG.title)] == 4
    # the blank node is a distinct subject but not an entity
    assert g1.entities == 2 and stats.entities == 5
    assert stats.distinct_subjects == 6
    assert g1.title == "一份指南"  # Chinese before English
    assert g1.jurisdiction == f"{e}place" and g1.jurisdiction_label == "某地"  # label from the other graph
    assert g1.year == 2023 and g1.issued is None
    assert g1.example_resources == (f"{e}guide", f"{e}d1")
    assert shared.guide is None and shared.title is None and shared.year is None
    # no guide and no outline classes: examples of the most numerous classes first
    assert shared.example_resources == (f"{e}other", f"{e}scheme")
    assert shared.classes == {str(SKOS.Concept): 2, str(SKOS.ConceptScheme): 1}


# -- the description against DCAT-AP 3.0.1 ------------------------------------------
def test_description_of_a_store_with_a_shared_graph_satisfies_dcat_ap():
    """A graph without a guide (shared concepts) still gets a complete dataset."""
    stats = variant_stats()
    dists = [
        Distribution(f"{SITE.base_url}dumps/{n}.ttl", "text/turtle", None, 10, f"{n:064x}", g.graph, f"graph {n}", "turtle")
        for n, g in enumerate(stats.graphs)
    ]
    dists.append(Distribution(f"{SITE.base_url}dumps/all.nq", "application/n-quads", None, 99, "9" * 64, None, "all", "nquads"))
    d = describe_dataset(stats, dists, SITE)
    for profile in PROFILES:
        assert validate(d, profile) == [], profile
    shared = next(d.subjects(DCTERMS.identifier, Literal(E + "shared")))
    assert (shared, VOID.rootResource, None) not in d
    assert any(E + "shared" in str(t) for t in d.objects(shared, DCTERMS.title))
    period = one(d, shared, DCTERMS.temporal)  # the whole dataset's years
    assert str(one(d, period, DCAT.startDate)) == "2023-01-01"


def test_profile_from_a_file(tmp_path, seed_stats):
    from guidegraph.catalog import load_profile

    text = load_profile().graph.serialize(format="turtle").replace("guidegraph developers", "数据发布者 Data Office")
    path = tmp_path / "profile.ttl"
    path.write_text(text, encoding="utf-8")
    d = describe_dataset(seed_stats, distributions_for(seed_stats), SITE, load_profile(path))
    publisher = one(d, URIRef(SITE.dataset_iri), DCTERMS.publisher)
    assert Literal("数据发布者 Data Office", lang="en") in set(d.objects(publisher, Namespace("http://xmlns.com/foaf/0.1/").name))
    path.write_text("@prefix : <urn:x#> . :a :b :c .", encoding="utf-8")
    with pytest.raises(UsageError, match="does not describe"):
        load_profile(path)
    path.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot read"):
        load_profile(path)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_description_satisfies_dcat_ap(seed_description, profile):
    assert validate(seed_description, profile) == []


def test_shapes_are_the_release_files():
    import hashlib

    rows = (DCAT_AP / "PROVENANCE.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == len(list(DCAT_AP.glob("*.ttl")))
    for row in rows:
        _repo, _commit, _path, blob, name = row.split("\t")
        data = (DCAT_AP / name).read_bytes()
        assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == blob, name


def without(graph: Graph, subject, predicate) -> Graph:
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    assert (subject, predicate, None) in broken
    broken.remove((subject, predicate, None))
    return broken


@pytest.mark.parametrize(
    "part, predicate, severity",
    [
        ("dataset", DCTERMS.title, "Violation"),  # mandatory
        ("dataset", DCTERMS.description, "Violation"),  # mandatory
        ("distribution", DCAT.accessURL, "Violation"),  # mandatory
        ("service", DCAT.endpointURL, "Violation"),  # mandatory
        ("catalog", DCTERMS.publisher, "Violation"),  # mandatory
        ("dataset", DCAT.theme, "Warning"),  # recommended
        ("distribution", DCTERMS.format, "Warning"),  # recommended
        ("service", DCAT.endpointDescription, "Warning"),  # recommended
    ],
)
def test_shapes_catch_a_broken_description(seed_description, part, predicate, severity):
    node = {
        "dataset": URIRef(SITE.dataset_iri),
        "catalog": URIRef(SITE.catalog_iri),
        "service": next(seed_description.subjects(RDF.type, DCAT.DataService)),
        "distribution": sorted(seed_description.subjects(RDF.type, DCAT.Distribution))[0],
    }[part]
    results = validate(without(seed_description, node, predicate), "full")
    assert (severity, str(node), str(predicate)) in {r[:3] for r in results}


def test_controlled_vocabularies_profile(seed_description):
    """mdr-vocabularies.shape.ttl: every term comes from its EU list, with two known exceptions.

    - dcterms:publisher must be in the EU corporate-body list (Warning): our
      publisher is not an EU body, so it cannot be;
    - spdx:algorithm must match '^https://spdx.org/rdf/terms', while the SPDX
      namespace (and DCAT-AP 3.0.1's own spdx: prefix) is http://spdx.org/rdf/terms#.
    """
    results = validate(seed_description, "mdr-vocabularies.shape.ttl")
    assert results, "the shapes ran"
    kinds = {(severity, path) for severity, _focus, path, _message in results}
    assert kinds == {("Warning", str(DCTERMS.publisher)), ("Violation", str(SPDX.algorithm))}


# -- VoID and DCAT content ---------------------------------------------------------------
def integer(graph, s, p) -> int:
    value = one(graph, s, p)
    assert value.datatype == XSD.integer
    return int(value)


def test_void_figures_equal_the_statistics(seed_description, seed_stats):
    d, whole = seed_description, URIRef(SITE.dataset_iri)
    assert integer(d, whole, VOID.triples) == seed_stats.triples
    assert integer(d, whole, VOID.entities) == seed_stats.entities
    assert integer(d, whole, VOID.classes) == len(seed_stats.classes)
    assert integer(d, whole, VOID.properties) == len(seed_stats.properties)
    assert integer(d, whole, VOID.distinctSubjects) == seed_stats.distinct_subjects
    assert integer(d, whole, VOID.distinctObjects) == seed_stats.distinct_objects
    classes = {str(one(d, part, VOID["class"])): integer(d, part, VOID.entities) for part in d.objects(whole, VOID.classPartition)}
    assert classes == seed_stats.classes
    properties = {str(one(d, part, VOID.property)): integer(d, part, VOID.triples) for part in d.objects(whole, VOID.propertyPartition)}
    assert properties == seed_stats.properties
    named = {str(one(d, n, SD.name)): one(d, n, SD.graph) for n in d.objects(whole, SD.namedGraph)}
    assert set(named) == {g.graph for g in seed_stats.graphs}
    for gs in seed_stats.graphs:
        subset = named[gs.graph]
        assert (whole, VOID.subset, subset) in d and (URIRef(SITE.catalog_iri), DCAT.dataset, subset) in d
        assert integer(d, subset, VOID.triples) == gs.triples
        assert integer(d, subset, VOID.entities) == gs.entities
        assert integer(d, subset, VOID.classes) == len(gs.classes)
        assert integer(d, subset, VOID.properties) == len(gs.properties)
        assert {str(x) for x in d.objects(subset, VOID.exampleResource)} == set(gs.example_resources)
        if gs.guide is None:  # the shared-concepts graph: no guide, no year, no jurisdiction
            assert (subset, VOID.rootResource, None) not in d
            continue
        assert str(one(d, subset, VOID.rootResource)) == gs.guide
        assert (subset, DCTERMS.coverage, URIRef(gs.jurisdiction)) in d
        period = one(d, subset, DCTERMS.temporal)
        assert str(one(d, period, DCAT.startDate)) == f"{gs.year}-01-01" and str(one(d, period, DCAT.endDate)) == f"{gs.year}-12-31"
        assert all(gs.title in str(t) for t in d.objects(subset, DCTERMS.title))
    vocabularies = {str(v) for v in d.objects(whole, VOID.vocabulary)}
    assert ONTOLOGY_NS in vocabularies and str(SKOS) in vocabularies
    assert str(one(d, whole, VOID.uriSpace)) == BASE
    assert one(d, whole, VOID.sparqlEndpoint) == URIRef(SITE.sparql_endpoint)
    years = [g.year for g in seed_stats.graphs if g.year is not None]
    period = one(d, whole, DCTERMS.temporal)
    assert str(one(d, period, DCAT.startDate)) == f"{min(years)}-01-01" and str(one(d, period, DCAT.endDate)) == f"{max(years)}-12-31"


def test_distributions_are_described_in_full(seed_description, seed_stats):
    d = seed_description
    dists = distributions_for(seed_stats)
    subsets = {str(one(d, n, SD.name)): one(d, n, SD.graph) for n in d.objects(URIRef(SITE.dataset_iri), SD.namedGraph)}
    by_url = {str(one(d, node, DCAT.downloadURL)): node for node in d.subjects(RDF.type, DCAT.Distribution)}
    assert set(by_url) == {x.url for x in dists}
    for dist in dists:
        node = by_url[dist.url]
        owner = URIRef(SITE.dataset_iri) if dist.graph is None else subsets[dist.graph]
        assert (owner, DCAT.distribution, node) in d and (owner, VOID.dataDump, URIRef(dist.url)) in d
        assert one(d, node, DCAT.accessURL) == URIRef(dist.url)
        assert one(d, node, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/" + dist.media_type)
        size = one(d, node, DCAT.byteSize)
        assert int(size) == dist.byte_size and size.datatype == XSD.nonNegativeInteger
        checksum = one(d, node, SPDX.checksum)
        assert one(d, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(one(d, checksum, SPDX.checksumValue)) == dist.sha256
        assert str(one(d, node, DCTERMS.format)).startswith("http://publications.europa.eu/resource/authority/file-type/")
        compress = list(d.objects(node, DCAT.compressFormat))
        assert compress == ([URIRef("https://www.iana.org/assignments/media-types/application/gzip")] if dist.compression else [])


def test_service_catalog_and_agents(seed_description):
    d = seed_description
    service = one(d, URIRef(SITE.catalog_iri), DCAT.service)
    assert one(d, service, DCAT.endpointURL) == URIRef(SITE.sparql_endpoint)
    assert (service, DCAT.servesDataset, URIRef(SITE.dataset_iri)) in d
    publisher = one(d, URIRef(SITE.dataset_iri), DCTERMS.publisher)
    assert list(d.objects(publisher, Namespace("http://xmlns.com/foaf/0.1/").name))
    contact = one(d, URIRef(SITE.dataset_iri), DCAT.contactPoint)
    assert str(one(d, contact, Namespace("http://www.w3.org/2006/vcard/ns#").hasEmail)).startswith("mailto:")
    licence = one(d, URIRef(SITE.dataset_iri), DCTERMS.license)
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in d
    titles = {t.language for t in d.objects(URIRef(SITE.catalog_iri), DCTERMS.title)}
    assert titles == {"zh", "en"}
    themes = set(d.objects(URIRef(SITE.dataset_iri), DCAT.theme))
    assert themes and all(str(t).startswith("http://publications.europa.eu/resource/authority/data-theme/") for t in themes)
    assert (URIRef(SITE.dataset_iri), DCTERMS.spatial, URIRef("http://publications.europa.eu/resource/authority/country/CHN")) in d
    assert str(one(d, URIRef(SITE.catalog_iri), DCTERMS.modified)) == SITE.modified


def test_a_dump_of_a_graph_without_statistics_gets_its_own_dataset(seed_stats):
    ontology = Distribution(SITE.base_url + "dumps/ontology.ttl", "text/turtle", None, 9000, "e" * 64, "https://w3id.org/guidegraph/ontology", "The guidegraph ontology", "turtle")
    d = describe_dataset(seed_stats, distributions_for(seed_stats) + [ontology], SITE)
    node = next(d.subjects(DCAT.downloadURL, URIRef(ontology.url)))
    owner = next(d.subjects(DCAT.distribution, node))
    assert owner != URIRef(SITE.dataset_iri) and (owner, DCTERMS.isPartOf, URIRef(SITE.dataset_iri)) in d
    assert validate(d, "full") == []


@pytest.mark.parametrize(
    "change, message",
    [
        ({"format_name": "csv"}, "no EU file type"),
        ({"sha256": "xyz"}, "SHA-256"),
        ({"compression": "zip"}, "compression"),
        ({"byte_size": -1}, "negative"),
        ({"url": "dumps/x.nt"}, "absolute"),
        ({"url": "http://127.0.0.1:8000/dumps/a b.nt"}, "absolute"),
    ],
)
def test_bad_distributions_are_refused_clearly(seed_stats, change, message):
    fields = dict(url=SITE.base_url + "dumps/x.nt", media_type="application/n-triples", compression=None, byte_size=1, sha256="f" * 64, graph=None, title="x", format_name="ntriples")
    fields.update(change)
    with pytest.raises(UsageError, match=message):
        describe_dataset(seed_stats, [Distribution(**fields)], SITE)


def test_titles_are_tagged_with_their_language(seed_stats):
    dists = [
        Distribution(SITE.base_url + "dumps/a.nq", "application/n-quads", None, 1, "1" * 64, None, "全部数据（N-Quads）", "nquads"),
        Distribution(SITE.base_url + "dumps/b.nq", "application/n-quads", None, 1, "2" * 64, None, "All data (N-Quads)", "nquads"),
    ]
    d = describe_dataset(seed_stats, dists, SITE)
    titles = {str(one(d, n, DCAT.downloadURL)): one(d, n, DCTERMS.title) for n in d.subjects(RDF.type, DCAT.Distribution)}
    assert titles[dists[0].url].language == "zh" and titles[dists[1].url].language == "en"


def test_bad_dates_are_refused_clearly(seed_stats):
    from dataclasses import replace

    with pytest.raises(UsageError, match="ISO 8601"):
        describe_dataset(seed_stats, [], replace(SITE, modified="yesterday"))


# -- sitemap and robots.txt -----------------------------------------------------------------
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(document: bytes, tag: str) -> list[str]:
    root = ET.fromstring(document)
    assert root.tag == SM + tag
    entries = list(root)
    assert all(e.tag == SM + ("url" if tag == "urlset" else "sitemap") and [c.tag for c in e] == [SM + "loc"] for e in entries)
    return [e.find(SM + "loc").text for e in entries]


def test_sitemap_fits_in_one_file_up_to_the_chunk_size():
    urls = [f"{SITE.base_url}id/guide/{n}" for n in range(5)]
    docs = sitemap_documents(urls, SITE.base_url, chunk=5)
    assert list(docs) == ["sitemap.xml"]
    assert locations(docs["sitemap.xml"], "urlset") == urls


def test_sitemap_is_chunked_past_the_chunk_size():
    urls = [f"{SITE.base_url}id/node/{n}" for n in range(11)]
    docs = sitemap_documents(urls, SITE.base_url, chunk=4)
    assert sorted(docs) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert locations(docs["sitemap.xml"], "sitemapindex") == [SITE.base_url + f"sitemap-{n}.xml" for n in (1, 2, 3)]
    parts = [locations(docs[f"sitemap-{n}.xml"], "urlset") for n in (1, 2, 3)]
    assert [len(p) for p in parts] == [4, 4, 3]
    assert sum(parts, []) == urls


def test_sitemap_escapes_and_encodes_urls():
    urls = [SITE.base_url + "search?a=1&b='2'", SITE.base_url + "id/jurisdiction/济南", SITE.base_url + 'q"x<y>']
    doc = sitemap_documents(urls, SITE.base_url)["sitemap.xml"]
    assert b"&amp;" in doc and b"&apos;" in doc and b"<y>" not in doc
    assert locations(doc, "urlset") == [SITE.base_url + "search?a=1&b='2'", SITE.base_url + "id/jurisdiction/%E6%B5%8E%E5%8D%97", SITE.base_url + "q%22x%3Cy%3E"]
    doc.decode("ascii")  # every URL is percent-encoded to ASCII


def test_sitemap_refuses_foreign_and_bad_input():
    with pytest.raises(UsageError, match="not under the site"):
        sitemap_documents(["http://elsewhere.example/page"], SITE.base_url)
    with pytest.raises(UsageError, match="chunk"):
        sitemap_documents([], SITE.base_url, chunk=50_001)
    with pytest.raises(UsageError, match="2048"):
        sitemap_documents([SITE.base_url + "x" * 2100], SITE.base_url)
    # no pages: the site's root, since a urlset needs one URL
    assert locations(sitemap_documents([], SITE.base_url)["sitemap.xml"], "urlset") == [SITE.base_url]


def test_sitemap_drops_repeated_urls():
    urls = [SITE.base_url + "a", SITE.base_url + "b", SITE.base_url + "a"]
    assert locations(sitemap_documents(urls, SITE.base_url)["sitemap.xml"], "urlset") == urls[:2]


@pytest.mark.parametrize("base, prefix", [("http://127.0.0.1:8000/", "/"), ("https://data.example.org/gg/", "/gg/")])
def test_robots_txt(base, prefix):
    lines = robots_txt(base).splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Disallow: {prefix}sparql" in lines and f"Allow: {prefix}" in lines
    assert f"Sitemap: {base}sitemap.xml" in lines


# -- a million triples -------------------------------------------------------------------------
def synthetic_corpus(target: int, seed: int = 11) -> tuple[str, dict]:
    """Guide-shaped N-Quads of about ``target`` quads, with the figures counted while writing."""
    rng = random.Random(seed)
    rdf_type = str(RDF.type)
    lines: list[str] = []
    expect = {"graphs": {}, "entities": 0, "directions": 0}
    guide = 0
    while len(lines) < target:
        g = f"<{BASE}guide/syn/{guide}/graph>"
        doc = f"<{BASE}guide/syn/{guide}>"
        start = len(lines)
        lines += [
            f"{doc} <{rdf_type}> <{GG.GuideDocument}> {g} .",
            f'{doc} <{GG.title}> "合成指南 {guide}" {g} .',
            f'{doc} <{GG.year}> "{2015 + guide % 10}"^^<{XSD.gYear}> {g} .',
        ]
        for n in range(400):
            node = f"<{BASE}guide/syn/{guide}/node/{n}>"
            lines += [
                f"{node} <{rdf_type}> <{GG.Direction}> {g} .",
                f'{node} <{GG.title}> "方向 {n} {rng.randint(0, 10**6)}" {g} .',
                f"{node} <{GG.guide}> {doc} {g} .",
            ]
            for k in range(2):
                lines += [f"{node} <{GG.indicator}> _:i{guide}x{n}x{k} {g} .", f'_:i{guide}x{n}x{k} <{GG.text}> "指标 {k}" {g} .']
        expect["graphs"][g[1:-1]] = len(lines) - start
        expect["entities"] += 401
        expect["directions"] += 400
        guide += 1
    return "\n".join(lines) + "\n", expect


@pytest.mark.slow
def test_statistics_at_a_million_triples():
    nquads, expect = synthetic_corpus(1_000_000)
    store = small_store(nquads)
    try:
        started = time.perf_counter()
        stats = dataset_statistics(store)
        elapsed = time.perf_counter() - started
        total = store.triple_count()
    finally:
        store.close()
    print(f"\ndataset_statistics over {total} quads in {len(stats.graphs)} graphs: {elapsed:.2f} s")
    assert stats.triples == total == sum(expect["graphs"].values()) >= 1_000_000
    assert {g.graph: g.triples for g in stats.graphs} == expect["graphs"]
    assert stats.entities == expect["entities"]
    assert stats.classes[str(GG.Direction)] == expect["directions"]
    assert stats.distinct_subjects == expect["entities"] + 2 * expect["directions"]
    assert all(g.guide and g.year for g in stats.graphs)
