"""Writing RDF graphs for people: known prefixes in Turtle and TriG, compacted JSON-LD.

CONSTRUCT and DESCRIBE results and Graph Store reads go through here, from
either store, so a graph looks the same whichever store produced it.
pyoxigraph writes every format but JSON-LD, which it can only expand; JSON-LD
is compacted with the published context (``guidegraph.ontology.jsonld_context()``),
embedded in the document so it reads offline: by the streaming writer in
jsonld_writer while the context defines prefixes only, else by rdflib.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox

from guidegraph.errors import StoreError
from guidegraph.formats import RdfFormat
from guidegraph.namespaces import PREFIXES
from guidegraph.store.jsonld_writer import compact_jsonld_bytes, grouped_by_subject, is_prefix_context
from guidegraph.store.results import oxigraph_rdf_format

# Formats whose writer declares prefixes; the others have no such notion.
PREFIXED_FORMATS = frozenset({"turtle", "trig", "rdfxml"})


def serialize_triples(triples: Iterable[ox.Triple], fmt: RdfFormat) -> bytes:
    """One graph's triples in ``fmt`` (as the default graph of a dataset format)."""
    if fmt.name == "jsonld":
        return compact_jsonld(grouped_by_subject(triples))
    target = oxigraph_rdf_format(fmt)
    if fmt.datasets:
        triples = (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return _write(triples, fmt, target)


def serialize_quads(quads: Iterable[ox.Quad], fmt: RdfFormat) -> bytes:
    """Quads of one graph in a dataset format, keeping the graph name."""
    if fmt.name == "jsonld":
        return compact_jsonld(q.triple for q in quads)
    return _write(quads, fmt, oxigraph_rdf_format(fmt))


def serialize_query_triples(results: ox.QueryTriples, fmt: RdfFormat) -> bytes:
    """A CONSTRUCT or DESCRIBE result; formats without prefixes keep pyoxigraph's own writer."""
    if fmt.name in PREFIXED_FORMATS or fmt.name == "jsonld":
        return serialize_triples(results, fmt)
    return results.serialize(format=oxigraph_rdf_format(fmt))


def dump_graph(store: ox.Store, graph: str | None, fmt: RdfFormat) -> bytes:
    """One stored graph (None = the default graph); dataset formats keep its name."""
    name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
    if fmt.name == "jsonld":
        # The on-disk store lists a graph's triples by subject, so each node is written
        # once; in another order, node objects with the same @id would still merge.
        return compact_jsonld(q.triple for q in store.quads_for_pattern(None, None, None, name))
    if fmt.datasets:
        return serialize_quads(store.quads_for_pattern(None, None, None, name), fmt)
    prefixes = PREFIXES if fmt.name in PREFIXED_FORMATS else None
    return store.dump(format=oxigraph_rdf_format(fmt), from_graph=name, prefixes=prefixes) or b""


def reserialize_ntriples(ntriples: bytes, fmt: RdfFormat) -> bytes:
    """N-Triples from elsewhere (a remote store) in ``fmt``."""
    if fmt.name == "ntriples":
        return ntriples
    return serialize_triples(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), fmt)


def compact_jsonld(triples: Iterable[ox.Triple]) -> bytes:
    """JSON-LD compacted with the published context, embedded in the document."""
    from guidegraph.ontology import jsonld_context

    context = jsonld_context()
    if is_prefix_context(context):
        try:
            return compact_jsonld_bytes(triples, context)
        except ValueError as exc:
            raise StoreError(f"cannot write this graph as JSON-LD: {exc}") from None
    # A context with term definitions needs the full compaction algorithm.
    import rdflib

    graph = rdflib.Graph()
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    if ntriples.strip():
        graph.parse(data=ntriples, format="nt")
    return graph.serialize(format="json-ld", context=context, indent=2).encode("utf-8")


def _write(items, fmt: RdfFormat, target: ox.RdfFormat) -> bytes:
    if fmt.name in PREFIXED_FORMATS:
        return ox.serialize(items, format=target, prefixes=PREFIXES) or b""
    return ox.serialize(items, format=target) or b""
