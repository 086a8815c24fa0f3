"""The links graph follows the guides: after a write, the links are derived again.

The links graph (guidegraph.knowledge) is computed over the whole corpus, so
a guide replaced through the Graph Store Protocol or a SPARQL Update makes it
stale. After every successful write request the keeper takes the store's
guides and concepts (every graph but the links graph, streamed to a
temporary N-Quads file), derives the links in memory and replaces the links
graph: one replacement, atomic like any other. It runs in one background
thread, so writes do not wait for it; writes arriving while it runs are
caught by one more pass.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading

import pyoxigraph as ox
from flask import Flask, g, request

from guidegraph import iris
from guidegraph.knowledge import LINKERS, derive_links
from guidegraph.namespaces import GG
from guidegraph.store.base import GraphStore

log = logging.getLogger("guidegraph.server")
_WRITES = ("POST", "PUT", "DELETE", "PATCH")


class LinksKeeper:
    def __init__(self, store: GraphStore, base_iri: str | None):
        self.store = store
        self.base_iri = base_iri
        self.graph = iris.links_graph_iri(base_iri)
        self._lock = threading.Lock()
        self._pending = False
        self._thread: threading.Thread | None = None
        self.passes = 0  # derivations run (tests and logs read it)
        # Called after a pass wrote the links graph: a write no request made, which whatever
        # follows the store's writes (the search index) must hear of too.
        self.after_write: list = []

    def refresh_now(self) -> int:
        """Derive the links from the store's guides and replace the links graph; returns the links written."""
        named = self.store.named_graphs()
        fd, path = tempfile.mkstemp(prefix="guidegraph-links-", suffix=".nq")
        os.close(fd)
        try:
            self.store.dump_to_file(path, "nquads")  # the whole dataset, graph names kept
            corpus = ox.Store()
            corpus.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
        finally:
            os.unlink(path)
        if self.graph in named:
            corpus.remove_graph(ox.NamedNode(self.graph))  # derive from the guides, not from old links
        # Links join guides; a store holding none (test data, another dataset) gets no links graph
        holds_guides = bool(corpus.query(f"ASK {{ GRAPH ?g {{ ?guide a <{GG}GuideDocument> }} }}"))
        triples = derive_links(corpus, self.base_iri) if holds_guides else []
        wrote = bool(triples) or self.graph in named
        if triples:
            self.store.replace_graph(self.graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        elif self.graph in named:
            self.store.delete_graph(self.graph)  # no guides, no links: and no empty graph left behind
        if wrote:
            for listener in self.after_write:
                listener()
        self.passes += 1
        return len(triples)

    def schedule(self) -> None:
        """Refresh in the background; a write during a pass asks for one more."""
        with self._lock:
            self._pending = True
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="guidegraph-links", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None
                    return
                self._pending = False
            try:
                count = self.refresh_now()
                log.info("links graph derived again: %d links", count)
            except Exception:  # noqa: BLE001 - the next write tries again; the old links stay meanwhile
                log.exception("deriving the links graph failed")

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until no pass is running or pending (tests, and a clean shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._thread is None or not self._thread.is_alive()


def install(app: Flask, store: GraphStore, base_iri: str | None) -> None:
    if not LINKERS:
        return
    keeper = LinksKeeper(store, base_iri)
    app.extensions["guidegraph.links"] = keeper

    @app.after_request
    def _after_write(response):
        if request.method in _WRITES and response.status_code < 300 and request.path != "/api/validate":
            before = g.get("version_before_write")
            if before is None or before != _version(store):
                keeper.schedule()
        return response

    @app.before_request
    def _note_version():
        if request.method in _WRITES:
            g.version_before_write = _version(store)


def _version(store: GraphStore) -> tuple | None:
    if not store.tracks_version:
        return None  # unknown: every successful write counts as a change
    v = store.version
    return (v.token, v.counter)
