"""SPARQL 1.1 Service Description, served on GET /sparql without a query."""

from __future__ import annotations

from flask import Response, current_app, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from guidegraph.config import ONTOLOGY_NS
from guidegraph.server.caching import rdf_representation
from guidegraph.server.settings import Settings
from guidegraph.store.base import GraphStore
from guidegraph.namespaces import SD, VOID
from guidegraph.formats import FORMATS_NS, RDF_FORMATS, RESULT_FORMATS

FORMATS = Namespace(FORMATS_NS)
LIMITS = Namespace(ONTOLOGY_NS)  # guidegraph's own terms for the endpoint limits

MAX_LISTED_GRAPHS = 1000


def describe(endpoint_url: str, settings: Settings, store: GraphStore) -> Graph:
    """The description of the service at ``endpoint_url``."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    g.bind("gg", LIMITS)
    service = BNode()
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint_url)))
    # the dataset description (VoID + DCAT) of what this endpoint serves
    root = endpoint_url.rsplit("/", 1)[0] + "/"
    g.add((service, RDFS.seeAlso, URIRef(root + ".well-known/void")))
    g.add((service, RDFS.seeAlso, URIRef(root + "catalog")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.writable:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for fmt in RESULT_FORMATS:
        g.add((service, SD.resultFormat, URIRef(fmt.format_iri)))
    for rdf in RDF_FORMATS:
        g.add((service, SD.resultFormat, URIRef(rdf.format_iri)))
        g.add((service, SD.inputFormat, URIRef(rdf.format_iri)))
    if settings.union_default_graph:
        g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.allow_service:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    if settings.timeout:
        g.add((service, LIMITS.queryTimeoutSeconds, Literal(settings.timeout, datatype=XSD.decimal)))
    if settings.max_rows:
        g.add((service, LIMITS.maxResultRows, Literal(settings.max_rows, datatype=XSD.integer)))
    g.add((service, LIMITS.maxRequestBytes, Literal(settings.max_request_bytes, datatype=XSD.integer)))
    g.add((service, LIMITS.federatedQueryEnabled, Literal(bool(settings.allow_service))))
    g.add((service, LIMITS.readOnly, Literal(not settings.writable)))

    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    for name in store.named_graphs()[:MAX_LISTED_GRAPHS]:
        named = BNode()
        graph = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
    return g


def respond() -> Response:
    settings: Settings = current_app.extensions["guidegraph.settings"]
    store: GraphStore = current_app.extensions["guidegraph.store"]
    return rdf_representation(
        store, "sd",
        "the service description is available as Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML",
        lambda fmt: describe(request.base_url, settings, store).serialize(format=fmt.rdflib, encoding="utf-8"),
    )
