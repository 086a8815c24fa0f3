"""Cross-guide knowledge: links that no single guide can state.

Each guide is mapped on its own (``guidegraph.ingest.to_rdf``); what joins
guides — the same office under several spellings, fields aligned to a
published classification, related directions, links out to other datasets —
can only be computed over the whole corpus. Every linker here reads the
corpus as RDF (a pyoxigraph Store holding the guide graphs and the concepts
graph), so it works the same on freshly ingested guides and on whatever a
store holds after writes, and writes its triples into one derived named
graph, ``iris.links_graph_iri``.

A linker is a module of this package with
``link(store: pyoxigraph.Store, base_iri: str | None) -> Iterable[pyoxigraph.Triple]``,
named in ``LINKERS``; they run in that order.
"""

from __future__ import annotations

import importlib
import pyoxigraph as ox

from guidegraph import iris

LINKERS: tuple[str, ...] = ("offices", "fields", "outside", "related")


def derive_links(store: ox.Store, base_iri: str | None = None) -> list[ox.Triple]:
    """The link triples of every linker over the corpus in ``store``, each once, in a stable order."""
    triples: dict[ox.Triple, None] = {}
    for name in LINKERS:
        module = importlib.import_module(f"{__name__}.{name}")
        triples.update(dict.fromkeys(module.link(store, base_iri)))
    return list(triples)


def links_quads(store: ox.Store, base_iri: str | None = None) -> list[ox.Quad]:
    graph = ox.NamedNode(iris.links_graph_iri(base_iri))
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in derive_links(store, base_iri)]


def nquads_with_links(nquads: bytes, base_iri: str | None = None) -> bytes:
    """``nquads`` (a corpus) followed by its links graph, in N-Quads."""
    if not LINKERS:
        return nquads
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    extra = links_quads(store, base_iri)
    if not extra:
        return nquads
    return nquads + ox.serialize(extra, format=ox.RdfFormat.N_QUADS)


__all__ = ["LINKERS", "derive_links", "links_quads", "nquads_with_links"]
