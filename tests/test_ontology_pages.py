"""The ontology served at its IRI: HTML for people, RDF by content negotiation, the JSON-LD context."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from guidegraph.config import ONTOLOGY_IRI
from guidegraph.ontology import ontology_graph


@pytest.fixture(scope="module")
def client(protocol_app):
    return protocol_app.test_client()


def test_browser_gets_documentation_in_chinese_and_english(client):
    zh = client.get("/ontology", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert zh.status_code == 200 and zh.mimetype == "text/html"
    assert "研究方向" in zh.get_data(as_text=True)
    en = client.get("/ontology?lang=en", headers={"Accept": "text/html"})
    assert "Research direction" in en.get_data(as_text=True) or "research direction" in en.get_data(as_text=True).lower()
    assert "Accept" in zh.headers["Vary"]


@pytest.mark.parametrize("accept, parse_as", [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_machines_get_the_ontology_graph(client, accept, parse_as):
    resp = client.get("/ontology", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == accept
    g = Graph().parse(data=resp.get_data(), format=parse_as)
    assert (URIRef(ONTOLOGY_IRI), None, None) in g
    assert isomorphic(g, ontology_graph())


def test_format_in_the_path_and_unknown_formats(client):
    assert client.get("/ontology.ttl").mimetype == "text/turtle"
    assert client.get("/ontology.html").mimetype == "text/html"
    assert client.get("/ontology.exe").status_code == 404
    assert client.get("/ontology", headers={"Accept": "image/png"}).status_code == 406


def test_published_jsonld_context(client):
    resp = client.get("/ontology/context.jsonld")
    assert resp.status_code == 200 and resp.mimetype == "application/ld+json"
    context = json.loads(resp.get_data())
    assert context["@context"]["gg"] == ONTOLOGY_IRI + "#"
