"""Operations on a pyoxigraph store, run inside the engine process.

Arguments and return values are plain Python values (str, bytes, tuples) so
they cross the process boundary cheaply.
"""

from __future__ import annotations

import threading
from typing import Callable

import pyoxigraph as ox

from guidegraph.search import sparql_functions as text_functions
from guidegraph.store.base import GZIP_LEVEL
from guidegraph.store.dataset_clause import has_dataset_clause
from guidegraph.store.graph_output import dump_graph, serialize_query_triples
from guidegraph.store import content_token
from guidegraph.store.memory_mirror import MirroredStore, invalidate_snapshot
from guidegraph.store.results import capped_solutions, rdf_format_by_name, result_format_by_name


def _graph_name(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def _graph_ref(graph: str | None) -> str:
    return "DEFAULT" if graph is None else f"GRAPH <{graph}>"


def _insert_data(graph: str | None, ntriples: bytes) -> str:
    body = ntriples.decode("utf-8")
    if graph is None:
        return f"INSERT DATA {{ {body} }}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}"


class EngineOps:
    """``store`` is the on-disk store, or its in-memory mirror (memory_mirror.MirroredStore).

    ``committed`` is set by the engine, per request: a write calls it once its change is
    durable, so the caller stops holding it to the time limit."""

    def __init__(self, store, union_default_graph: bool, data_dir: str, writable: bool = True) -> None:
        self.store = store
        self.tokens = content_token.TokenKeeper(data_dir, writable)
        self.union = union_default_graph
        self.data_dir = data_dir
        self.mirrored = isinstance(store, MirroredStore)
        self._local = threading.local()

    @property
    def committed(self) -> Callable[[], None] | None:
        return getattr(self._local, "committed", None)

    @committed.setter
    def committed(self, callback: Callable[[], None] | None) -> None:
        self._local.committed = callback

    def _update(self, sparql: str, base_iri: str | None = None) -> None:
        if self.mirrored:
            self.store.update(sparql, base_iri=base_iri, committed=self.committed)
            return
        invalidate_snapshot(self.data_dir)  # a memory snapshot no longer holds what the disk holds
        self.store.update(sparql, base_iri=base_iri)

    def query(
        self,
        sparql: str,
        result_format: str,
        graph_format: str,
        default_graphs: tuple[str, ...] | None,
        named_graphs: tuple[str, ...] | None,
        max_rows: int | None,
        base_iri: str | None,
    ) -> tuple[bytes, str, int | None, bool]:
        kwargs: dict = {"base_iri": base_iri}
        if text_functions.used_in(sparql):  # gg:textMatch, gg:textScore (docs/search.md)
            kwargs["custom_functions"] = text_functions.FUNCTIONS
        if default_graphs is not None or named_graphs is not None:
            # The protocol's dataset overrides the query's FROM / FROM NAMED.
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
        elif not has_dataset_clause(sparql):
            # The union would replace the dataset the query names itself (§13).
            kwargs["use_default_graph_as_union"] = self.union
        results = self.store.query(sparql, **kwargs)
        if isinstance(results, ox.QuerySolutions):
            fmt = result_format_by_name(result_format)
            if max_rows is None:
                return results.serialize(format=fmt.oxigraph), fmt.media_type, None, False
            body, truncated = capped_solutions(results, max_rows, fmt, again=lambda: self.store.query(sparql, **kwargs))
            return body, fmt.media_type, None, truncated
        if isinstance(results, ox.QueryBoolean):
            fmt = result_format_by_name(result_format)
            return results.serialize(format=fmt.oxigraph), fmt.media_type, None, False
        rdf = rdf_format_by_name(graph_format)
        return serialize_query_triples(results, rdf), rdf.media_type, None, False

    def update(self, sparql: str, base_iri: str | None) -> None:
        self._update(sparql, base_iri)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode) and self._has_triples(g.value))

    def _has_triples(self, graph: str | None) -> bool:
        return next(iter(self.store.quads_for_pattern(None, None, None, _graph_name(graph))), None) is not None

    def get_graph(self, graph: str | None, rdf_format: str) -> bytes | None:
        if graph is not None and not self.store.contains_named_graph(ox.NamedNode(graph)):
            return None
        return dump_graph(self.store, graph, rdf_format_by_name(rdf_format))

    def triple_count(self, graph: str | None) -> int:
        if graph is None:
            return len(self.store)
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def _existed(self, graph: str | None) -> bool:
        if graph is None:
            return self._has_triples(None)
        return self.store.contains_named_graph(ox.NamedNode(graph))

    def replace_graph(self, graph: str | None, ntriples: bytes) -> bool:
        existed = self._existed(graph)
        # One update request is one transaction: readers see the old graph or the new one.
        clear = f"DROP SILENT {_graph_ref(graph)}" if graph is not None else "CLEAR SILENT DEFAULT"
        create = "" if graph is None else f" ; CREATE SILENT GRAPH <{graph}>"
        self._update(f"{clear}{create} ; {_insert_data(graph, ntriples)}")
        return existed

    def add_to_graph(self, graph: str | None, ntriples: bytes) -> bool:
        existed = self._existed(graph)
        create = "" if graph is None else f"CREATE SILENT GRAPH <{graph}> ; "
        self._update(f"{create}{_insert_data(graph, ntriples)}")
        return existed

    def delete_graph(self, graph: str | None) -> bool:
        existed = self._existed(graph)
        if graph is None:
            self._update("CLEAR SILENT DEFAULT")
        elif existed:
            self._update(f"DROP SILENT GRAPH <{graph}>")
        return existed

    def bulk_load_nquads(self, nquads: bytes) -> None:
        if not self.mirrored:
            invalidate_snapshot(self.data_dir)
        self.store.bulk_load(input=nquads, format=ox.RdfFormat.N_QUADS)
        self.store.flush()

    def dump_to_file(self, path: str, rdf_format: str, graphs: list[str | None] | None, compress: bool,
                     prefixes: dict[str, str] | None) -> int:
        return write_dump(self.store, path, rdf_format, graphs, compress, prefixes)

    def content_token(self) -> str | None:
        return self.tokens.current()

    def ping(self) -> str:
        return "pong"

    def memory_copy(self) -> dict:
        """Where answers come from: "memory" once the copy is whole, "disk" while it fills or without one."""
        if not self.mirrored:
            return {"answers_from": "disk", "filled": False, "loaded_from": None}
        return {"answers_from": "disk" if self.store.memory is None else "memory",
                "filled": self.store.filled.is_set(), "loaded_from": self.store.loaded_from or None}


def _write_compact_jsonld(store: ox.Store, graphs: list[str | None], out) -> bool:
    """JSON-LD compacted with our context, streamed node by node; False when the context
    is not one the streaming writer handles (pyoxigraph then writes it expanded)."""
    import io

    from guidegraph.ontology import jsonld_context
    from guidegraph.store.jsonld_writer import is_prefix_context, write_compact_jsonld

    context = jsonld_context()
    if not is_prefix_context(context):
        return False
    text = io.TextIOWrapper(out, encoding="utf-8")
    triples = (q.triple for graph in graphs for q in store.quads_for_pattern(None, None, None, _graph_name(graph)))
    write_compact_jsonld(triples, context, text)
    text.flush()
    text.detach()
    return True


def write_dump(store: ox.Store, path: str, rdf_format: str, graphs: list[str | None] | None, compress: bool,
               prefixes: dict[str, str] | None) -> int:
    """Stream ``graphs`` (None: the whole dataset, in a dataset format) of ``store`` to ``path``,
    gzip-compressed if asked; returns the bytes written. The store writes in chunks, so
    memory stays bounded however large the data."""
    import gzip
    import os

    fmt = rdf_format_by_name(rdf_format).oxigraph_format
    tmp = f"{path}.part"
    try:
        with open(tmp, "wb") as raw:
            out = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) if compress else raw
            try:
                if rdf_format == "jsonld" and graphs is not None and _write_compact_jsonld(store, graphs, out):
                    pass
                elif graphs is None:
                    store.dump(out, fmt, prefixes=prefixes)
                else:
                    for graph in graphs:
                        store.dump(out, fmt, from_graph=_graph_name(graph), prefixes=prefixes)
            finally:
                if compress:
                    out.close()
            raw.flush()
            os.fsync(raw.fileno())
    except BaseException:
        _remove(tmp)  # a full disk must not keep the part written so far
        raise
    os.replace(tmp, path)
    return os.path.getsize(path)


def _remove(path: str) -> None:
    import os

    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
