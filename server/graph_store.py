"""SPARQL 1.1 Graph Store HTTP Protocol at /graph-store.

Indirect identification: ``/graph-store?graph=IRI`` or ``/graph-store?default``.
Direct identification: any URL below ``/graph-store/`` names the graph whose IRI
is that URL. Reads are open; writes need the write token.
"""

from __future__ import annotations

import uuid

import pyoxigraph
from flask import Blueprint, Response, current_app, request

from guidegraph.errors import UsageError
from guidegraph.formats import rdf_format
from guidegraph.server.access import require_write
from guidegraph.server.caching import rdf_representation
from guidegraph.server.protocol import ProtocolError, UnsupportedMediaType, split_media_type
from guidegraph.store.base import GraphStore, check_iri
from guidegraph.store.results import oxigraph_rdf_format

bp = Blueprint("graph_store", __name__)

GSP_PATH = "/graph-store"
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


def target_graph(args, base_url: str, direct: bool) -> str | None:
    """The graph a request addresses: an IRI, or None for the default graph."""
    if direct:
        return base_url
    has_default = "default" in args
    graphs = args.getlist("graph")
    if has_default and graphs:
        raise ProtocolError("give either ?default or ?graph=IRI, not both")
    if has_default:
        return None
    if len(graphs) != 1:
        raise ProtocolError("name the graph with ?graph=IRI (once) or ask for ?default")
    return check_iri(graphs[0])


def parse_rdf_body(body: bytes, content_type: str | None, base_iri: str) -> bytes:
    """Parse an RDF request body and return its triples as N-Triples."""
    media, _ = split_media_type(content_type)
    if not media:
        raise UnsupportedMediaType("the request body needs a Content-Type naming its RDF format")
    try:
        fmt = rdf_format(media)
    except UsageError:
        raise UnsupportedMediaType(f"cannot read RDF of type {media}") from None
    try:
        quads = pyoxigraph.parse(body, format=oxigraph_rdf_format(fmt), base_iri=base_iri)
        triples = [q.triple for q in quads]
    except (SyntaxError, ValueError) as exc:
        raise ProtocolError(f"the {fmt.name} body does not parse: {' '.join(str(exc).split())}") from None
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""


def _body_triples(graph_iri: str) -> bytes:
    media, _ = split_media_type(request.content_type)
    if media == "multipart/form-data":
        parts = [parse_rdf_body(f.read(), f.content_type, graph_iri) for f in request.files.values()]
        if not parts:
            raise ProtocolError("the multipart request holds no RDF parts")
        return b"".join(parts)
    return parse_rdf_body(request.get_data(), request.content_type, graph_iri)


@bp.route(GSP_PATH, methods=METHODS, defaults={"subpath": None})
@bp.route(GSP_PATH + "/<path:subpath>", methods=METHODS)
def graph_store(subpath: str | None):
    store: GraphStore = current_app.extensions["guidegraph.store"]
    direct = subpath is not None
    if request.method == "POST" and not direct and not request.args:
        return _create_graph(store)
    graph = target_graph(request.args, request.base_url, direct)
    if request.method in ("GET", "HEAD"):
        return _get(store, graph)
    require_write()
    base = graph or request.base_url
    if request.method == "PUT":
        existed = store.replace_graph(graph, _body_triples(base))
        return Response(status=204 if existed else 201)
    if request.method == "POST":
        existed = store.add_to_graph(graph, _body_triples(base))
        return Response(status=204 if existed else 201)
    if request.method == "DELETE":
        if not store.delete_graph(graph) and graph is not None:
            return Response("no such graph\n", status=404, content_type="text/plain; charset=utf-8")
        return Response(status=204)
    raise ProtocolError(f"method {request.method} is not allowed", 405)


def _get(store: GraphStore, graph: str | None) -> Response:
    def produce(fmt) -> bytes | Response:
        body = store.get_graph(graph, fmt.name)
        if body is None:
            return Response("no such graph\n", status=404, content_type="text/plain; charset=utf-8")
        return body

    return rdf_representation(
        store, "gsp", "graphs are available as Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML", produce)


def _create_graph(store: GraphStore) -> Response:
    """POST to the service itself makes a new graph and says where it is."""
    require_write()
    location = f"{request.base_url}/{uuid.uuid4().hex}"
    store.replace_graph(location, _body_triples(location))
    return Response(status=201, headers={"Location": location})
