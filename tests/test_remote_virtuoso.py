"""The whole product on Virtuoso 7, over HTTP: guidegraph serving from a Virtuoso started here.

One guide goes in with Virtuoso's own bulk loader (``ld_dir``), another through
our Graph Store PUT; then pages, dumps, canned queries, search and validation
are read through our server and compared with the same data served from the
embedded store.
"""

from __future__ import annotations

import gzip
import json
import re
import urllib.parse

import pyoxigraph as ox
import pytest

from conftest import live_server, send
from guidegraph.ingest.corpus import corpus_nquads
from guidegraph.knowledge import nquads_with_links
from guidegraph.namespaces import GG
from guidegraph.queries import load_queries
from guidegraph.server import create_app
from guidegraph.server.app import close_app
from guidegraph.store import open_store
from test_validate_pages import Session, publish
from virtuoso_server import start_virtuoso, virtuoso_available

pytestmark = pytest.mark.slow

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
BULK_GUIDE = ROOT / "corpus" / "000_fd770d55a5a5de42.txt"
PUT_GUIDE = ROOT / "corpus" / "001_7de0716ab20d9af1.txt"
UPLOADED_GUIDE = ROOT / "corpus" / "004_757a5c273432423d.txt"
BASE = "http://guidegraph.test/id/"
TOKEN = "virtuoso-write-token"


def guide_graphs(path) -> dict[str, bytes]:
    """A guide's quads as N-Triples per graph (the guide's own graph and the concepts graph)."""
    graphs: dict[str, list[bytes]] = {}
    for quad in ox.parse(corpus_nquads([path], BASE), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(str(quad.triple).encode() + b" .\n")
    return {g: b"".join(lines) for g, lines in graphs.items()}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if not virtuoso_available():
        pytest.fail("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-product"), memory_mb=256)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served(virtuoso, tmp_path_factory):
    """Our server on Virtuoso and, for comparison, on the embedded store, with the same two guides."""
    bulk = tmp_path_factory.mktemp("load") / "guide.nq"
    bulk.write_bytes(corpus_nquads([BULK_GUIDE], BASE))
    virtuoso.bulk_load(bulk)
    remote_app = create_app(virtuoso.remote_config(base_iri=BASE, write_token=TOKEN, timeout=30))
    remote = live_server(remote_app)
    for graph, ntriples in guide_graphs(PUT_GUIDE).items():
        url = remote.url + "/graph-store?" + urllib.parse.urlencode({"graph": graph})
        method = "POST" if graph.endswith("/concepts") else "PUT"  # the concepts graph is shared by both guides
        r = send(method, url, ntriples, {"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"})
        assert r.status in (200, 201, 204), r.body[:300]
    store = open_store({})
    # The links graph: derived by our server on Virtuoso after the Graph Store writes, here at load.
    store.bulk_load_nquads(nquads_with_links(corpus_nquads([BULK_GUIDE, PUT_GUIDE], BASE), BASE))
    local_app = create_app({"store_instance": store, "base_iri": BASE})
    local = live_server(local_app)
    yield remote, local
    remote.stop()
    local.stop()
    close_app(remote_app)
    close_app(local_app)
    store.close()


def select(server, query: str) -> list[dict]:
    url = server.sparql + "?" + urllib.parse.urlencode({"query": f"PREFIX gg: <{GG}>\n{query}"})
    r = send("GET", url, headers={"Accept": "application/sparql-results+json"})
    assert r.status == 200, r.body[:300]
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(r.body)["results"]["bindings"]]


def test_both_guides_are_in_virtuoso_as_in_the_embedded_store(served):
    remote, local = served
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert select(remote, query) == select(local, query)
    assert len(select(remote, "SELECT ?guide WHERE { ?guide a gg:GuideDocument }")) == 2


def test_a_guide_page_renders_from_virtuoso(served):
    remote, local = served
    guide = select(remote, "SELECT ?x WHERE { ?x a gg:GuideDocument } ORDER BY ?x LIMIT 1")[0]["x"]
    path = "/id/" + guide[len(BASE):]
    see_other = send("GET", remote.url + path, headers={"Accept": "text/html"})
    assert see_other.status == 303 and see_other.headers["location"].startswith("/doc/")
    page = send("GET", remote.url + see_other.headers["location"])
    assert page.status == 200 and page.media_type == "text/html"
    twin = send("GET", local.url + see_other.headers["location"])
    title = select(local, f"SELECT ?t WHERE {{ <{guide}> gg:title ?t }}")[0]["t"]
    assert title in page.text() and title in twin.text()
    turtle = send("GET", remote.url + see_other.headers["location"] + ".ttl")
    assert turtle.status == 200
    here = set(ox.parse(turtle.body, format=ox.RdfFormat.TURTLE))
    there = set(ox.parse(send("GET", local.url + see_other.headers["location"] + ".ttl").body, format=ox.RdfFormat.TURTLE))
    node = ox.NamedNode(guide)
    assert {t for t in here if t.subject == node} == {t for t in there if t.subject == node}
    # Which incoming links fill the capped list is the engine's choice (no order); how many is ours.
    assert len({t for t in here if t.object == node}) == len({t for t in there if t.object == node}) > 0


def test_the_dataset_dump_holds_exactly_what_the_embedded_store_holds(served):
    remote, local = served
    dumps = [json.loads(send("GET", s.url + "/dumps/index.json").body) for s in served]
    assert {f["name"] for f in dumps[0]} == {f["name"] for f in dumps[1]}
    remote_nq = send("GET", remote.url + "/dumps/dataset.nq.gz")
    assert remote_nq.status == 200
    quads = set(ox.parse(gzip.decompress(remote_nq.body), format=ox.RdfFormat.N_QUADS))
    expected = set(ox.parse(gzip.decompress(send("GET", local.url + "/dumps/dataset.nq.gz").body), format=ox.RdfFormat.N_QUADS))
    assert quads == expected
    assert any("中" in q.object.value for q in quads if isinstance(q.object, ox.Literal))


# Canned queries whose answer differs on Virtuoso because of Virtuoso itself.
VIRTUOSO_DEVIATIONS = {
    "offices_and_phones": "Virtuoso 7.2.5 writes GROUP_CONCAT's non-ASCII separator (、) as '?'",
}


# Queries with a required parameter: its name and where to find a value in the data.
REQUIRED_ARGUMENTS = {
    "programme_directions": ("programme", "VALUES ?k { gg:Programme gg:SpecialProgramme } ?p a ?k ; gg:title ?t . ?d gg:parentNode+ ?p ; a gg:Direction"),
    "topic_search": ("topic", "?d a gg:Direction ; gg:title ?t"),
}


def canned_cases():
    for query in load_queries():
        marks = ()
        if query.slug in VIRTUOSO_DEVIATIONS:
            marks = (pytest.mark.xfail(reason=VIRTUOSO_DEVIATIONS[query.slug], strict=True),)
        yield pytest.param(query.slug, marks=marks, id=query.slug)


@pytest.mark.parametrize("name", list(canned_cases()))
def test_each_canned_query_answers_as_on_the_embedded_store(served, name):
    remote, local = served
    args = ""
    if name in REQUIRED_ARGUMENTS:  # text the two guides hold, read from the embedded store
        param, pattern = REQUIRED_ARGUMENTS[name]
        found = select(local, f"SELECT ?t WHERE {{ {pattern} }} ORDER BY ?t LIMIT 1")[0]["t"]
        args = "?" + urllib.parse.urlencode({param: found[:4]})
    a = send("GET", f"{remote.url}/api/queries/{name}{args}")
    b = send("GET", f"{local.url}/api/queries/{name}{args}")
    assert a.status == b.status == 200, (a.body[:300], b.body[:300])

    def term(t):
        # GROUP_CONCAT gives a simple literal (SPARQL 1.1 §18.5.1.7), "" over no values: Oxigraph
        # keeps a shared language tag and leaves the empty one unbound. Both read alike here.
        if t is None or (t.get("type") == "literal" and t.get("value") == "" and "datatype" not in t):
            return None
        return {k: v for k, v in t.items() if k != "lang"}

    def rows(r):
        return sorted(json.dumps([term(t) for t in row], sort_keys=True, ensure_ascii=False) for row in json.loads(r.body)["rows"])
    assert rows(a) == rows(b)


def test_search_is_built_from_virtuoso(served):
    remote, local = served
    label = select(local, "SELECT ?t WHERE { ?d a gg:Direction ; gg:title ?t } ORDER BY ?t LIMIT 1")[0]["t"]
    found = [json.loads(send("GET", f"{s.url}/api/search?" + urllib.parse.urlencode({"q": label})).body) for s in served]
    assert found[0]["total"] > 0
    assert [h["iri"] for h in found[0]["hits"]] == [h["iri"] for h in found[1]["hits"]]


def test_a_validated_upload_is_published_into_virtuoso(served):
    remote, _ = served
    report = send("POST", remote.url + "/api/validate?name=004.txt", UPLOADED_GUIDE.read_bytes(), {"Content-Type": "text/plain"})
    assert report.status == 200, report.body[:300]
    assert json.loads(report.body)["guides"]
    session = Session(remote.url)
    location, _ = session.upload_and_follow("004.txt", UPLOADED_GUIDE.read_bytes())
    done = publish(session, location, csrf=session.csrf, token=TOKEN)
    assert done.status == 200, done.body[:300]
    graph = re.search(r"<code>(\S+/graph)</code>", done.text()).group(1)
    assert graph.startswith(BASE)
    rows = select(remote, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert int(rows[0]["n"]) > 100
    see_other = send("GET", remote.url + "/id/" + graph[len(BASE):-len("/graph")], headers={"Accept": "text/html"})
    assert see_other.status == 303
    assert send("GET", remote.url + see_other.headers["location"]).status == 200
