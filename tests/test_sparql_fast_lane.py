"""The fast lane (server/sparql_fast_lane.py) gives the response Flask's view gives, header for header."""

from __future__ import annotations

import urllib.parse

import pytest

from conftest import live_server, load_protocol_graphs, send
from guidegraph.server import create_app
from guidegraph.server.app import close_app

# Per response, not per representation.
DYNAMIC = {"date", "server-timing", "cache-status", "etag", "last-modified"}


@pytest.fixture(scope="module")
def servers():
    """The same data behind two servers, the lane on and off (no caches, so each request runs)."""
    made = []
    for lane in (True, False):
        app = create_app({"timeout": 10, "fast_lane": lane, "result_cache_bytes": 0, "warm_cache": False})
        load_protocol_graphs(app.extensions["guidegraph.store"])
        made.append((app, live_server(app)))
    yield [server for _, server in made]
    for app, server in made:
        server.stop()
        close_app(app)


CASES = [
    ("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o LIMIT 5", {"Accept": "application/sparql-results+json"}),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 3", {"Accept": "application/sparql-results+xml"}),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", {"Accept": "text/csv", "Accept-Encoding": "gzip"}),
    ("ASK { ?s ?p ?o }", {}),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"Accept": "text/turtle"}),
    ("DESCRIBE <http://kasei.us/2009/09/sparql/data/data1.rdf>", {"Accept": "application/n-triples"}),
    ("SELECT * WHERE { ?s ?p }", {}),  # a syntax error: Flask's error page
    ("SELECT ?s WHERE { ?s ?p ?o }", {"Accept": "image/png"}),  # 406
    ("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }", {}),  # refused
]


@pytest.mark.parametrize("query,headers", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_the_lane_answers_exactly_as_flask_does(servers, query, headers):
    lane, flask = servers
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    # twice: the first request of a kind teaches the lane its headers, the second is the lane's own
    for _ in range(2):
        a, b = send("GET", lane.url + path, headers=headers), send("GET", flask.url + path, headers=headers)
        assert a.status == b.status
        assert a.body == b.body or (a.headers.get("content-encoding") == "gzip" and _gunzip(a.body) == _gunzip(b.body))
        assert {k: v for k, v in a.headers.items() if k not in DYNAMIC} == \
               {k: v for k, v in b.headers.items() if k not in DYNAMIC}
        assert ("etag" in a.headers) == ("etag" in b.headers)


def test_the_etag_revalidates_on_the_flask_path(servers):
    lane, _ = servers
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    send("GET", lane.url + path)
    etag = send("GET", lane.url + path).headers["etag"]
    assert send("GET", lane.url + path, headers={"If-None-Match": etag}).status == 304


def test_a_timed_out_query_is_reported_by_flask(servers):
    lane, _ = servers
    numbers = " ".join(str(i) for i in range(100))
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?{v} {{ {numbers} }}" for v in "abcd")
            + ' FILTER(STR(?a) = CONCAT(STR(?b), STR(?c), STR(?d), "x")) }')  # 10^8 rows, none kept
    r = send("GET", lane.url + "/sparql?" + urllib.parse.urlencode({"query": slow, "timeout": "0.5"}))
    assert r.status == 503 and b"time limit" in r.body
    # the lane's own path (no timeout parameter) hands the failure to Flask the same way
    app = lane.app
    engine = app.extensions["guidegraph.store"]._engine
    app.extensions["guidegraph.settings"].timeout = 0.5
    try:
        before = engine.generation
        r = send("GET", lane.url + "/sparql?" + urllib.parse.urlencode({"query": slow}))
        assert r.status == 503 and b"time limit" in r.body
        assert engine.generation == before + 1  # stopped once: Flask did not run it again
    finally:
        app.extensions["guidegraph.settings"].timeout = 10


def _gunzip(body: bytes) -> bytes:
    import gzip

    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
