"""What the server derives from the store, brought in step after a bulk load.

A running server derives the links graph again after each write it serves
(server.links_refresh) and rebuilds its search index when the dataset
changes; a load goes around the server, so it does both jobs' part itself:
it derives the links from the guides now in the store and replaces the links
graph (one transaction), and it removes the search index file, which was
built from the store as it was, so the next server builds it afresh.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from guidegraph import iris
from guidegraph.knowledge import LINKERS, derive_links
from guidegraph.namespaces import GG
from guidegraph.search.service import index_file


class _GuidesOnly:
    """The store seen without its links graph: the linkers read the union of the graphs, and old
    links must not feed the new ones (as the server's keeper derives them from the guides alone)."""

    def __init__(self, store: ox.Store, graphs: list[ox.NamedNode]) -> None:
        self._store = store
        self._graphs = graphs

    def query(self, sparql: str, *, use_default_graph_as_union: bool = False, **kwargs):
        if use_default_graph_as_union:
            kwargs.setdefault("default_graph", self._graphs)
            kwargs.setdefault("named_graphs", self._graphs)
        return self._store.query(sparql, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def refresh_links(store: ox.Store, base_iri: str | None) -> int | None:
    """Derive the links graph again from the guides in ``store``; the links written, or None
    when the store holds no guide (then it has no links graph either)."""
    if not LINKERS:
        return None
    links = iris.links_graph_iri(base_iri)
    others = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value != links]
    holds_guides = bool(others) and bool(store.query(f"ASK {{ ?guide a <{GG}GuideDocument> }}",
                                                     default_graph=others))
    if not holds_guides:
        store.update(f"DROP SILENT GRAPH <{links}>")
        return None
    triples = derive_links(_GuidesOnly(store, others), base_iri)
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    # One update, one transaction: a reader sees the old links or the new ones.
    store.update(f"DROP SILENT GRAPH <{links}> ; INSERT DATA {{ GRAPH <{links}> {{ {body} }} }}")
    return len(triples)


def discard_search_index(data_dir: str | Path) -> bool:
    """Remove the search index built from the store before the load; True if there was one."""
    try:
        index_file(data_dir).unlink()
        return True
    except FileNotFoundError:
        return False
