"""Real SPARQL clients against our server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
TOKEN = "test-write-token"  # conftest's writable_server


def test_sparqlwrapper_select_json(endpoint):
    sw = SPARQLWrapper(endpoint.sparql)
    sw.setQuery(f"SELECT ?s WHERE {{ ?s a <{FOAF.Document}> }} ORDER BY ?s")
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]
    assert [r["s"]["value"] for r in rows] == [f"{KASEI}data{i}.rdf" for i in (1, 2, 3)]


def test_sparqlwrapper_post_and_xml(endpoint):
    sw = SPARQLWrapper(endpoint.sparql)
    sw.setMethod(POST)
    sw.setQuery(f"ASK {{ <{KASEI}data2.rdf> a <{FOAF.Document}> }}")
    sw.setReturnFormat(XML)
    doc = sw.query().convert()
    assert doc.getElementsByTagName("boolean")[0].firstChild.data == "true"


def test_sparqlwrapper_csv_and_dataset(endpoint):
    sw = SPARQLWrapper(endpoint.sparql)
    sw.addDefaultGraph(f"{KASEI}data3.rdf")
    sw.setQuery("SELECT ?s WHERE { ?s ?p ?o }")
    sw.setReturnFormat(CSV)
    assert sw.query().convert().decode().splitlines() == ["s", f"{KASEI}data3.rdf"]


def test_sparqlwrapper_construct_turtle(endpoint):
    sw = SPARQLWrapper(endpoint.sparql)
    sw.setQuery("CONSTRUCT WHERE { ?s a ?t }")
    sw.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(graph) == 3


def test_rdflib_sparqlstore_reads(endpoint):
    store = SPARQLStore(endpoint.sparql, returnFormat="json")
    graph = rdflib.Graph(store=store)
    rows = list(graph.query(f"SELECT ?s WHERE {{ ?s a <{FOAF.Document}> }}"))
    assert {str(r.s) for r in rows} == {f"{KASEI}data{i}.rdf" for i in (1, 2, 3)}
    assert (rdflib.URIRef(f"{KASEI}data1.rdf"), rdflib.RDF.type, FOAF.Document) in graph


def test_rdflib_sparqlupdatestore_writes_with_token(writable_server):
    store = SPARQLUpdateStore(
        writable_server.sparql, writable_server.sparql,
        headers={"Authorization": f"Bearer {TOKEN}"}, autocommit=True,
    )
    g_name = rdflib.URIRef("http://example.org/clients/graph")
    graph = rdflib.Graph(store=store, identifier=g_name)
    graph.add((rdflib.URIRef("http://example.org/a"), rdflib.URIRef("http://example.org/p"), rdflib.Literal("指南")))
    sw = SPARQLWrapper(writable_server.sparql)
    sw.setQuery(f'ASK {{ GRAPH <{g_name}> {{ ?s ?p "指南" }} }}')
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True
