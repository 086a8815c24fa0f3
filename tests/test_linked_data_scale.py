"""Linked data at 10^6 triples on a real server: dereferencing, dumps, catalogue, sitemaps.

The corpus is the seed guides' real outlines renumbered into 90 guides
(tests/synthetic_corpus.py), so every resource kind occurs as in real data.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from conftest import live_server, send
from guidegraph.server import create_app
from guidegraph.server.app import close_app
from guidegraph.store import open_store
from synthetic_corpus import synthetic_nquads
from test_linked_data import select

pytestmark = pytest.mark.slow

BASE = "http://scale.guidegraph.test/id/"
FORMATS = {"text/turtle": ".ttl", "application/n-triples": ".nt", "application/ld+json": ".jsonld",
           "application/rdf+xml": ".rdf", "application/n-quads": ".nq", "text/html": ""}
KINDS = ("GuideDocument", "SpecialProgramme", "Programme", "FieldSection", "Direction", "SubDirection", "Indicator",
         "QuantitativeConstraint", "AcceptingOffice", "ContactPoint", "Field", "Tag", "Jurisdiction", "FundingAmount",
         "Deadline", "SourceSpan", "SourceDocument", "ResearchContent")


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    nquads, guides = synthetic_nquads(1_000_000)
    nquads = nquads.replace(b"https://w3id.org/guidegraph/id/", BASE.encode())
    store = open_store({"data_dir": str(tmp_path_factory.mktemp("big") / "data")})
    store.bulk_load_nquads(nquads)
    app = create_app({"store_instance": store, "base_iri": BASE, "data_dir": str(store.path), "prepare_dumps": True})
    server = live_server(app)
    # dumps and the catalogue's measurements are made in the background from the start; wait for them
    app.extensions["guidegraph.preparing"].join(600)
    app.extensions["guidegraph.catalog"].measured(store, app.extensions["guidegraph.settings"])
    yield server, store, nquads, guides
    server.stop()
    close_app(app)
    store.close()


def test_the_store_holds_a_million_triples(big):
    _, store, _, guides = big
    assert store.triple_count() >= 1_000_000 and guides >= 90


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_dereferences_in_every_format_at_scale(big, kind):
    server, *_ = big
    rows = select(server, f"SELECT ?x WHERE {{ ?x a gg:{kind} }} ORDER BY DESC(?x) LIMIT 3")
    assert rows, kind
    for row in rows:
        iri = row["x"]
        path = "/id/" + iri[len(BASE):]
        for accept, suffix in FORMATS.items():
            seen = send("GET", server.url + path, headers={"Accept": accept})
            assert seen.status == 303 and "Accept" in seen.headers["vary"], (kind, accept)
            assert seen.headers["location"].endswith(suffix or iri.rsplit("/", 1)[-1])
            doc = send("GET", server.url + seen.headers["location"], headers={"Accept": accept})
            assert doc.status == 200 and doc.media_type == accept, (kind, accept, doc.status)
            assert 'rel="alternate"' in doc.headers["link"]
            if accept == "text/turtle":
                assert (URIRef(iri), None, None) in Graph().parse(data=doc.body, format="turtle")
    assert send("GET", server.url + "/id/guide/cn/1999/none", headers={"Accept": "text/turtle"}).status == 404


def test_dump_equals_what_was_loaded(big):
    server, store, nquads, _ = big
    index = json.loads(send("GET", server.url + "/dumps/index.json").body)
    dump = send("GET", server.url + "/dumps/dataset.nq.gz")
    assert int(dump.headers["content-length"]) == len(dump.body) == next(f["byte_size"] for f in index if f["name"] == "dataset.nq.gz")
    # the store's content, graph by graph through the Graph Store read (the store keeps literals by
    # value, so it is compared with itself, not with the lexical forms we loaded)
    loaded = set()
    for graph in store.named_graphs():
        for q in ox.parse(store.get_graph(graph, "nquads"), format=ox.RdfFormat.N_QUADS):
            loaded.add(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)))
    assert len(loaded) == store.triple_count() == len(set(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)))
    assert set(ox.parse(gzip.decompress(dump.body), format=ox.RdfFormat.N_QUADS)) == loaded
    per_graph = [f for f in index if f["format_name"] == "turtle" and f["graph"]]
    assert len(per_graph) == len(store.named_graphs())
    sample = per_graph[len(per_graph) // 2]
    body = send("GET", server.url + "/dumps/" + sample["name"]).body
    assert {q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)} == {
        q.triple for q in loaded if q.graph_name.value == sample["graph"]}


def test_catalog_counts_and_chunked_sitemaps_at_scale(big):
    from rdflib.namespace import VOID

    server, store, _, guides = big
    catalog = Graph().parse(data=send("GET", server.url + "/catalog.ttl").body, format="turtle")
    whole = URIRef(BASE + "dataset")
    assert int(catalog.value(whole, VOID.triples)) == store.triple_count()
    assert len(list(catalog.objects(whole, VOID.subset))) == len(store.named_graphs())
    index = ET.fromstring(send("GET", server.url + "/sitemap.xml").body)
    assert index.tag.endswith("sitemapindex")  # more than 50,000 pages
    locations = [el.text for el in index.iter() if el.tag.endswith("loc")]
    assert len(locations) >= 2
    first = ET.fromstring(send("GET", locations[0]).body)
    urls = [el.text for el in first.iter() if el.tag.endswith("loc")]
    assert 0 < len(urls) <= 50_000
    # every guide page is one link away from the catalogue page
    html = send("GET", server.url + "/catalog", headers={"Accept": "text/html"}).text()
    linked = set(re.findall(r'href="(/id/guide/[^"/]+/[^"/]+/[^"/]+)"', html))
    assert len(linked) == guides
    for path in sorted(linked)[:: max(1, len(linked) // 10)]:
        assert send("GET", server.url + path, headers={"Accept": "text/html"}).status == 303
