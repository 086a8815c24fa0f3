"""The links graph follows writes: a guide deleted or replaced over HTTP changes the links in the background."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from conftest import live_server, send
from guidegraph import iris
from guidegraph.bundled_corpus import load_bundled_corpus
from guidegraph.server.app import close_app, create_app

TOKEN = "links-refresh-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SHARED = "https://w3id.org/guidegraph/ontology#sharedOffice"


@pytest.fixture(scope="module")
def server():
    app = create_app({"timeout": 30, "write_token": TOKEN})
    load_bundled_corpus(app.extensions["guidegraph.store"])
    srv = live_server(app)
    yield srv
    srv.stop()
    close_app(app)


def _links_of(server, guide: str) -> int:
    """Office links from the guide's own offices to the shared ones."""
    query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iris.links_graph_iri()}> {{ ?o <{SHARED}> ?s }} "
             f"FILTER(STRSTARTS(STR(?o), \"{guide}/\")) }}")
    r = send("GET", f"{server.url}/sparql?query={urllib.parse.quote(query)}", headers={"Accept": "application/sparql-results+json"})
    assert r.status == 200, r.body[:300]
    return int(json.loads(r.body)["results"]["bindings"][0]["n"]["value"])


def _guide_with_offices(server) -> str:
    query = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?o a <https://w3id.org/guidegraph/ontology#AcceptingOffice> }} }} "
             "GROUP BY ?g ORDER BY DESC(?n) LIMIT 1")
    r = send("GET", f"{server.url}/sparql?query={urllib.parse.quote(query)}", headers={"Accept": "application/sparql-results+json"})
    return json.loads(r.body)["results"]["bindings"][0]["g"]["value"]


def test_deleting_a_guide_takes_its_links_away_and_putting_it_back_restores_them(server):
    keeper = server.app.extensions["guidegraph.links"]
    graph = _guide_with_offices(server)
    guide = graph[: -len("/graph")]
    before = _links_of(server, guide)
    assert before > 0
    body = send("GET", f"{server.url}/graph-store?graph={urllib.parse.quote(graph)}", headers={"Accept": "application/n-triples"}).body
    passes = keeper.passes

    r = send("DELETE", f"{server.url}/graph-store?graph={urllib.parse.quote(graph)}", headers=AUTH)
    assert r.status in (200, 204)
    assert keeper.wait(120) and keeper.passes > passes
    assert _links_of(server, guide) == 0

    r = send("PUT", f"{server.url}/graph-store?graph={urllib.parse.quote(graph)}", body,
             headers={**AUTH, "Content-Type": "application/n-triples"})
    assert r.status in (200, 201, 204)
    assert keeper.wait(120)
    assert _links_of(server, guide) == before


def test_a_refused_write_derives_nothing(server):
    keeper = server.app.extensions["guidegraph.links"]
    passes = keeper.passes
    r = send("DELETE", f"{server.url}/graph-store?graph={urllib.parse.quote('http://example.org/g')}", headers={"Authorization": "Bearer nope"})
    assert r.status in (401, 403)
    assert keeper.wait(30) and keeper.passes == passes
