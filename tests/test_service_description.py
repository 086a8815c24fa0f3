"""SPARQL 1.1 Service Description at GET /sparql, over real HTTP."""

from __future__ import annotations

import pytest
import rdflib
from rdflib import Namespace, URIRef
from rdflib.namespace import RDF

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
GG = Namespace("https://w3id.org/guidegraph/ontology#")
KASEI = "http://kasei.us/2009/09/sparql/data/"


def description(http, url, accept="text/turtle", fmt="turtle") -> rdflib.Graph:
    r = http("GET", url, headers={"Accept": accept} if accept else {})
    assert r.status == 200
    return rdflib.Graph().parse(data=r.body, format=fmt)


def test_endpoint_triple_names_exactly_the_requested_url(endpoint, http):
    g = description(http, endpoint.sparql)
    assert set(g.objects(None, SD.endpoint)) == {URIRef(endpoint.sparql)}
    # Another spelling of the same server gives that spelling back.
    localhost = endpoint.sparql.replace("127.0.0.1", "localhost")
    g2 = description(http, localhost)
    assert set(g2.objects(None, SD.endpoint)) == {URIRef(localhost)}


def test_without_accept_header_it_is_turtle(endpoint, http):
    r = http("GET", endpoint.sparql)
    assert r.media_type == "text/turtle"
    assert "vary" in r.headers and "Accept" in r.headers["vary"]


@pytest.mark.parametrize(
    "accept, fmt",
    [("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")],
)
def test_other_rdf_formats(endpoint, http, accept, fmt):
    g = description(http, endpoint.sparql, accept, fmt)
    assert (None, RDF.type, SD.Service) in g


def test_406_for_a_non_rdf_accept(endpoint, http):
    assert http("GET", endpoint.sparql, headers={"Accept": "application/sparql-results+json"}).status == 406


def test_named_graphs_have_names(endpoint, http):
    g = description(http, endpoint.sparql)
    named = set(g.subjects(RDF.type, SD.NamedGraph))
    names = {g.value(n, SD.name) for n in named}
    assert names == {URIRef(f"{KASEI}data{i}.rdf") for i in (1, 2, 3)}
    service = next(g.subjects(RDF.type, SD.Service))
    dataset = g.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in g
    assert g.value(dataset, SD.defaultGraph) is not None


def test_features_and_limits_are_described(endpoint, http):
    g = description(http, endpoint.sparql)
    service = next(g.subjects(RDF.type, SD.Service))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in g  # read-only
    assert (service, SD.feature, SD.UnionDefaultGraph) in g
    assert (service, SD.feature, SD.BasicFederatedQuery) not in g
    assert float(g.value(service, GG.queryTimeoutSeconds)) == 10.0
    assert int(g.value(service, GG.maxResultRows)) > 0
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g


def test_writable_service_announces_update(writable_server, http):
    g = description(http, writable_server.sparql)
    service = next(g.subjects(RDF.type, SD.Service))
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) in g
