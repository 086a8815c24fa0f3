"""Linked data over HTTP on a real server: every IRI we mint dereferences, in every format.

The data is minted under a canonical base that is not the server's origin
(http://guidegraph.test/id/), so the tests also show the base mapped onto the
server's resource path.
"""

from __future__ import annotations

import gzip
import re
import hashlib
import json
import urllib.parse

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from conftest import live_server, send
from guidegraph.bundled_corpus import load_bundled_corpus
from guidegraph.namespaces import GG
from guidegraph.server import create_app
from guidegraph.server.app import close_app
from guidegraph.store import open_store

BASE = "http://guidegraph.test/id/"
RDF_ACCEPT = {
    "text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
    "application/rdf+xml": "xml", "application/n-quads": "nquads",
}
SUFFIXES = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
            ".rdf": "application/rdf+xml", ".nq": "application/n-quads", ".trig": "application/trig"}
KINDS = {
    "guide": "?x a gg:GuideDocument",
    "programme": "?x a gg:SpecialProgramme",
    "municipal programme": "?x a gg:Programme",
    "field section": "?x a gg:FieldSection",
    "direction": "?x a gg:Direction ; gg:indicator/gg:constraint ?c",
    "subdirection": "?x a gg:SubDirection",
    "indicator": "?x a gg:Indicator ; gg:constraint ?c",
    "office": "?x a gg:AcceptingOffice ; gg:contactPoint ?cp",
    "contact": "?x a gg:ContactPoint",
    "field concept": "?x a gg:Field",
    "tag concept": "?x a gg:Tag",
    "jurisdiction": "?x a gg:Jurisdiction",
    "funding": "?x a gg:FundingAmount",
    "deadline": "?x a gg:Deadline",
    "source span": "?x a gg:SourceSpan",
    "source document": "?x a gg:SourceDocument",
    "shared office (links graph)": "?x a gg:SharedOffice ; <http://www.w3.org/ns/org#subOrganizationOf> ?parent",
    "GB/T 13745 discipline (links graph)": '?x <http://www.w3.org/2004/02/skos/core#notation> "320"',
}


@pytest.fixture(scope="module")
def served():
    store = open_store({})
    load_bundled_corpus(store, BASE)
    app = create_app({"store_instance": store, "base_iri": BASE})
    server = live_server(app)
    yield server, store
    server.stop()
    close_app(app)
    store.close()


def select(server, query: str) -> list[dict]:
    url = server.url + "/sparql?" + urllib.parse.urlencode({"query": "PREFIX gg: <%s>\n%s" % (GG, query)})
    result = send("GET", url, headers={"Accept": "application/sparql-results+json"})
    assert result.status == 200, result.text()
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(result.body)["results"]["bindings"]]


def one_of_kind(server, pattern: str) -> str:
    rows = select(server, f"SELECT ?x WHERE {{ {pattern} }} ORDER BY ?x LIMIT 1")
    assert rows, pattern
    return rows[0]["x"]


def local(iri: str) -> str:
    assert iri.startswith(BASE), iri
    return "/id/" + iri[len(BASE):]


def parse(body: bytes, fmt: str) -> Graph:
    graph = Graph()
    if fmt == "nquads":
        for quad in ox.parse(body, format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.subject, ox.NamedNode):
                graph.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), URIRef("urn:x")))
        return graph
    return graph.parse(data=body, format=fmt)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_dereferences_in_every_format(served, kind):
    server, _ = served
    iri = one_of_kind(server, KINDS[kind])
    path = local(iri)
    for accept, fmt in RDF_ACCEPT.items():
        seen = send("GET", server.url + path, headers={"Accept": accept})
        assert seen.status == 303, (kind, accept, seen.status)
        assert "Accept" in seen.headers["vary"]
        location = seen.headers["location"]
        assert location.startswith("/doc/") and location.endswith(next(s for s, m in SUFFIXES.items() if m == accept))
        doc = send("GET", server.url + location)
        assert doc.status == 200 and doc.media_type == accept, (kind, accept)
        graph = parse(doc.body, fmt)
        assert (URIRef(iri), None, None) in graph, (kind, accept)
        links = doc.headers["link"]
        for suffix, media in SUFFIXES.items():
            assert f'{location.rsplit(".", 1)[0]}{suffix}>; rel="alternate"; type="{media}"' in links
    page = send("GET", server.url + path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status == 303 and "." not in page.headers["location"].rsplit("/", 1)[-1]
    html = send("GET", server.url + page.headers["location"], headers={"Accept": "text/html"})
    assert html.status == 200 and html.media_type == "text/html"
    assert iri in html.text() and 'lang="zh"' in html.text()
    assert html.headers["content-location"].endswith(".html") and "Accept" in html.headers["vary"]


def test_negotiated_document_answers_by_accept_and_names_its_format(served):
    server, _ = served
    path = local(one_of_kind(server, KINDS["direction"])).replace("/id/", "/doc/", 1)
    turtle = send("GET", server.url + path, headers={"Accept": "text/turtle;q=0.9, application/ld+json;q=0.5"})
    assert turtle.media_type == "text/turtle" and turtle.headers["content-location"] == path + ".ttl"
    refused = send("GET", server.url + path, headers={"Accept": "image/png"})
    assert refused.status == 406 and "text/turtle" in refused.text() and "text/html" in refused.text()


def test_validators_let_clients_revalidate(served):
    server, _ = served
    path = local(one_of_kind(server, KINDS["indicator"])).replace("/id/", "/doc/", 1) + ".ttl"
    first = send("GET", server.url + path)
    assert first.headers.get("etag") and first.headers.get("last-modified")
    again = send("GET", server.url + path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""


@pytest.mark.parametrize("path, accept", [
    ("/id/guide/cn/1999/nothing", "text/html"), ("/id/guide/cn/1999/nothing", "text/turtle"),
    ("/doc/guide/cn/1999/nothing.ttl", "*/*"), ("/doc/guide/cn/1999/nothing", "text/html"),
    ("/id/field/%3Cscript%3E", "application/ld+json"), ("/doc/" + "x/" * 300, "text/turtle"),
])
def test_iris_the_store_does_not_hold_are_404_never_500(served, path, accept):
    server, _ = served
    result = send("GET", server.url + path, headers={"Accept": accept})
    assert result.status == 404, (path, result.status, result.body[:200])
    if accept == "text/html" or path.endswith("nothing"):
        assert "<script>" not in result.text()


def test_direction_page_shows_indicators_quantities_breadcrumbs_and_source_lines(served):
    server, _ = served
    rows = select(server, """SELECT ?d ?code WHERE { ?d a gg:Direction ; gg:code ?code ; gg:indicator/gg:constraint ?c .
        ?c gg:value ?v } ORDER BY ?d LIMIT 1""")
    direction = rows[0]["d"]
    constraint = select(server, f"""SELECT ?v ?unit ?line WHERE {{ <{direction}> gg:indicator ?i . ?i gg:constraint ?c .
        ?c gg:value ?v ; gg:unit ?unit . <{direction}> gg:sourceSpan/gg:startLine ?line }} LIMIT 1""")[0]
    html = send("GET", server.url + local(direction).replace("/id/", "/doc/", 1) + ".html").text()
    assert "考核指标" in html and f">{constraint['unit']}<" in html
    number = constraint["v"].rstrip("0").rstrip(".") if "." in constraint["v"] else constraint["v"]
    assert number in html
    assert 'class="crumbs"' in html and 'aria-current="page"' in html
    assert f'<li value="{constraint["line"]}">' in html  # the source lines, numbered as in the file


def test_guide_page_caps_incoming_links_and_links_to_the_rest(served):
    server, _ = served
    national = one_of_kind(server, "?x a gg:GuideDocument ; gg:jurisdiction/gg:jurisdictionLevel gg:national")
    html = send("GET", server.url + local(national).replace("/id/", "/doc/", 1) + ".html").text()
    assert "/sparql?query=" in html  # the national guide has thousands of gg:guide links
    turtle = send("GET", server.url + local(national).replace("/id/", "/doc/", 1) + ".ttl")
    incoming = [q for q in ox.parse(turtle.body, format=ox.RdfFormat.TURTLE) if q.object == ox.NamedNode(national)]
    assert 0 < len(incoming) <= 200


def test_hostile_literals_are_escaped_in_pages(tmp_path):
    from guidegraph.ingest.corpus import outline_quads
    from guidegraph.ingest.pipeline import outline_text

    text = ('关于发布<script>alert(1)</script>科技计划申报指南的通知\n一、支持方向\n'
            '1."><img src=x onerror=alert(2)>方向\n研究内容：javascript:alert(3)\n考核指标：不少于10例。\n')
    outline = outline_text(text, "hostile.txt")
    store = open_store({})
    store.bulk_load_nquads(ox.serialize(outline_quads([outline], BASE), format=ox.RdfFormat.N_QUADS))
    app = create_app({"store_instance": store, "base_iri": BASE})
    try:
        client = app.test_client()
        rows = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x a <%s> }" % GG.Direction},
                          headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
        for row in rows + [{"x": {"value": one}} for one in [_guide(client)]]:
            page = client.get(local(row["x"]["value"]).replace("/id/", "/doc/", 1) + ".html").get_data(as_text=True)
            assert "<script>alert" not in page and "<img src=x" not in page
            assert 'href="javascript:' not in page
            assert "&lt;" in page or "&#34;" in page or "javascript:alert(3)" in page
        assert "script-src 'self'" in client.get("/ontology").headers["Content-Security-Policy"]
    finally:
        close_app(app)
        store.close()


def _guide(client) -> str:
    rows = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x a <%s> }" % GG.GuideDocument},
                      headers={"Accept": "application/sparql-results+json"}).get_json()["results"]["bindings"]
    return rows[0]["x"]["value"]


# ---------------------------------------------------------------- dumps


def store_quads(store) -> set[ox.Quad]:
    quads = set()
    for graph in store.named_graphs():
        for triple in ox.parse(store.get_graph(graph, "ntriples"), format=ox.RdfFormat.N_TRIPLES):
            quads.add(ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(graph)))
    return quads


def test_dumps_parse_and_equal_the_store_graph_by_graph(served):
    server, store = served
    listing = send("GET", server.url + "/dumps/")
    assert listing.status == 200 and "dataset.nq.gz" in listing.text()
    index = json.loads(send("GET", server.url + "/dumps/index.json").body)
    names = {f["name"] for f in index}
    expected = store_quads(store)
    nq = send("GET", server.url + "/dumps/dataset.nq.gz")
    assert nq.media_type == "application/gzip" and int(nq.headers["content-length"]) == len(nq.body)
    assert set(ox.parse(gzip.decompress(nq.body), format=ox.RdfFormat.N_QUADS)) == expected
    trig = gzip.decompress(send("GET", server.url + "/dumps/dataset.trig.gz").body)
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == expected
    nt = gzip.decompress(send("GET", server.url + "/dumps/dataset.nt.gz").body)
    assert {q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)} == {q.triple for q in expected}
    for graph in store.named_graphs():
        entry = next(f for f in index if f["graph"] == graph and f["format_name"] == "turtle")
        body = send("GET", server.url + "/dumps/" + entry["name"]).body
        assert {q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)} == {q.triple for q in expected if q.graph_name.value == graph}
        jsonld = next(f for f in index if f["graph"] == graph and f["format_name"] == "jsonld")
        parsed = Graph().parse(data=send("GET", server.url + "/dumps/" + jsonld["name"]).body, format="json-ld")
        assert len(parsed) == sum(1 for q in expected if q.graph_name.value == graph)
    sums = send("GET", server.url + "/dumps/SHA256SUMS").text().splitlines()
    assert len(sums) == len(names) and "ontology.ttl" in names and "concepts.ttl" in names
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(send("GET", server.url + "/dumps/" + name).body).hexdigest() == digest, name


def test_dump_files_revalidate_and_follow_writes(served):
    server, store = served
    first = send("GET", server.url + "/dumps/concepts.ttl")
    assert send("GET", server.url + "/dumps/concepts.ttl", headers={"If-None-Match": first.headers["etag"]}).status == 304
    assert send("GET", server.url + "/dumps/nothing.ttl").status == 404
    assert send("GET", server.url + "/dumps/../base-iri.txt").status == 404


def test_default_graph_returns_no_triple_twice(served):
    server, _ = served
    total = select(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    distinct = select(server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")[0]["n"]
    assert int(total) == int(distinct) > 50_000


def test_dump_command_writes_the_served_files(served, tmp_path):
    from guidegraph.cli import main

    server, store = served
    data = tmp_path / "data"
    with open_store({"data_dir": str(data)}) as own:
        load_bundled_corpus(own, BASE)
    out = tmp_path / "dumps"
    assert main(["dump", "-o", str(out), "--data-dir", str(data), "--base-iri", BASE]) == 0
    served_index = {f["name"]: f["sha256"] for f in json.loads(send("GET", server.url + "/dumps/index.json").body)}
    written = {line.split("  ")[1]: line.split("  ")[0] for line in (out / "SHA256SUMS").read_text().splitlines()}
    assert written == served_index  # same store content, byte-identical files
    assert oct((out / "dataset.nq.gz").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------- dataset description and crawling


def test_catalog_counts_equal_counts_measured_in_the_store(served):
    from rdflib.namespace import DCAT, VOID

    server, store = served
    catalog = Graph().parse(data=send("GET", server.url + "/catalog", headers={"Accept": "text/turtle"}).body, format="turtle")
    void = Graph().parse(data=send("GET", server.url + "/.well-known/void").body, format="turtle")
    from rdflib.compare import isomorphic

    assert isomorphic(catalog, void)  # one description at both addresses
    whole = URIRef(BASE + "dataset")
    assert int(catalog.value(whole, VOID.triples)) == store.triple_count()
    distinct_subjects = select(server, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert int(catalog.value(whole, VOID.distinctSubjects)) == int(distinct_subjects)
    # each distribution's size and checksum are those of the file served
    index = {f["name"]: f for f in json.loads(send("GET", server.url + "/dumps/index.json").body)}
    urls = {str(u) for u in catalog.objects(None, DCAT.downloadURL)}
    assert {server.url + "/dumps/" + name for name in index} <= urls
    for dist in catalog.subjects(DCAT.downloadURL, None):
        name = str(catalog.value(dist, DCAT.downloadURL)).rsplit("/", 1)[-1]
        assert int(catalog.value(dist, DCAT.byteSize)) == index[name]["byte_size"]
    sd = send("GET", server.url + "/sparql", headers={"Accept": "text/turtle"}).text()
    assert "/.well-known/void" in sd


def test_sitemap_and_robots_point_at_the_pages(served):
    server, _ = served
    sitemap = send("GET", server.url + "/sitemap.xml")
    assert sitemap.status == 200 and sitemap.media_type == "application/xml"
    guide = one_of_kind(server, KINDS["guide"])
    assert (server.url + "/doc/" + guide[len(BASE):]).encode() in sitemap.body
    robots = send("GET", server.url + "/robots.txt").text()
    assert f"Sitemap: {server.url}/sitemap.xml" in robots


def crawl(server, start: str, follow) -> set[str]:
    """Breadth-first over the HTML pages linked from ``start``, on this server only, 8 at a time;
    ``follow(path)`` says which links a crawler of the outline takes. Returns the IRIs of the pages seen."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    seen_paths, seen_iris = {start}, set()
    frontier = [start]
    with ThreadPoolExecutor(8) as pool:
        while frontier:
            pages = list(pool.map(lambda p: (p, send("GET", server.url + p, headers={"Accept": "text/html"})), frontier))
            frontier = []
            for path, page in pages:
                if page.status == 303:
                    page = send("GET", server.url + page.headers["location"], headers={"Accept": "text/html"})
                assert page.status == 200, (path, page.status)
                if path.startswith("/id/"):
                    seen_iris.add(BASE + urllib.parse.unquote(path[len("/id/"):]))
                for href in re.findall(r'href="(/id/[^"#?]+)"', page.text()):
                    if href not in seen_paths and follow(href):
                        seen_paths.add(href)
                        frontier.append(href)
    return seen_iris


@pytest.mark.parametrize("start", ["/catalog", "/"])
def test_a_crawler_from_the_catalog_or_home_reaches_every_guide_programme_and_direction(served, start):
    server, _ = served
    # the outline: guides and their nodes (programmes, fields, directions, sub-directions)
    outline = re.compile(r"^/id/guide/[^/]+/[^/]+/[^/]+(/node/.*)?$")
    seen = crawl(server, start, lambda href: bool(outline.match(href)))
    wanted = select(server, """SELECT ?x WHERE { VALUES ?t { gg:GuideDocument gg:Programme gg:SpecialProgramme
        gg:Direction } ?x a ?t }""")
    missing = {row["x"] for row in wanted} - seen
    assert not missing, sorted(missing)[:10]
    assert len(wanted) > 400  # 5 guides, their programmes and directions


@pytest.mark.parametrize("page_cache", [True, False])
def test_pages_follow_every_write_with_the_page_cache_on_or_off(page_cache):
    store = open_store({})
    app = create_app({"store_instance": store, "base_iri": BASE, "write_token": "t", "page_cache": page_cache})
    try:
        client = app.test_client()
        target = "/graph-store?" + urllib.parse.urlencode({"graph": BASE + "g/graph"})
        for label in ("第一版", "第二版"):
            body = f'<{BASE}thing> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@zh .'.encode()
            put = client.put(target, data=body, headers={"Content-Type": "application/n-triples", "Authorization": "Bearer t"})
            assert put.status_code in (201, 204)
            for _ in range(2):  # the second read may come from the cache: it must be as current
                page = client.get("/doc/thing.html").get_data(as_text=True)
                assert label in page
                turtle = client.get("/doc/thing.ttl").get_data(as_text=True)
                assert label in turtle
        assert (app.extensions["guidegraph.pages"].used > 0) is page_cache
    finally:
        close_app(app)
        store.close()
