"""W3C SPARQL 1.1 Service Description tests (the checks of the WG's validator), over HTTP.

The manifest only names the three tests; the checks are those the README of
/work/shared/conformance describes for the original validator, plus its
optional best-practice checks. Test data: tests/conformance/w3c/service-description.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, Namespace, URIRef

_spec = importlib.util.spec_from_file_location("w3c_harness", Path(__file__).with_name("harness.py"))
harness = sys.modules.setdefault("w3c_harness", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(harness)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
MANIFEST = harness.W3C / "service-description" / "manifest.ttl"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/service-description/manifest"
NAMES = sorted(str(e).rsplit("#", 1)[-1] for e in harness.load_manifest(MANIFEST, BASE)[1])


def fetch(http, url: str, accept: str | None) -> rdflib.Graph:
    r = http("GET", url, headers={"Accept": accept} if accept else {})
    assert r.status == 200
    return harness.parse_rdf(r.media_type, r.body)


def test_manifest_names_three_tests():
    assert NAMES == ["conforms-to-schema", "has-endpoint-triple", "returns-rdf"]


@pytest.mark.parametrize("accept", ["text/turtle", None, "application/rdf+xml"])
def test_returns_rdf(endpoint, http, accept):
    assert len(fetch(http, endpoint.sparql, accept)) > 0


def test_has_endpoint_triple(endpoint, http):
    g = fetch(http, endpoint.sparql, "text/turtle")
    assert (None, SD.endpoint, URIRef(endpoint.sparql)) in g


def test_conforms_to_schema(endpoint, http):
    g = fetch(http, endpoint.sparql, "text/turtle")
    named = list(g.subjects(RDF.type, SD.NamedGraph))
    assert named, "the fixture graphs should be described"
    for node in named:
        assert g.value(node, SD.name) is not None


def test_best_practice_checks(endpoint, http):
    g = fetch(http, endpoint.sparql, "text/turtle")
    for service in g.subjects(SD.endpoint, None):
        assert (service, RDF.type, SD.Service) in g
    for dataset in g.objects(None, SD.defaultDataset):
        assert (dataset, RDF.type, SD.Dataset) in g
        assert g.value(dataset, SD.defaultGraph) is not None or g.value(dataset, SD.namedGraph) is not None
    for graph in list(g.objects(None, SD.defaultGraph)) + list(g.objects(None, SD.graph)):
        assert (graph, RDF.type, SD.Graph) in g
    allowed = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
    assert set(g.objects(None, SD.supportedLanguage)) <= allowed
