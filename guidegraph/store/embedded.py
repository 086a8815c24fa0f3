"""The embedded store: pyoxigraph on disk, run by a killable engine process."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from guidegraph.errors import StoreError, UsageError
from guidegraph.store.base import (
    Dataset,
    GraphStore,
    QueryAnswer,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    check_iri,
)
from guidegraph.store.engine import EngineClient, EngineDied, RemoteError

# Writes wait this long at most; they are not killed, because a killed write
# would leave the caller unsure whether it happened.
WRITE_TIMEOUT = None


class EmbeddedStore(GraphStore):
    """pyoxigraph in a data directory; ``path=None`` keeps data in a temporary directory."""

    kind = "embedded"

    def __init__(self, path: str | Path | None = None, *, union_default_graph: bool = True) -> None:
        super().__init__()
        self._tmp = None
        if path is None:
            self._tmp = tempfile.mkdtemp(prefix="guidegraph-store-")
            path = self._tmp
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.union_default_graph = union_default_graph
        try:
            self._engine = EngineClient(str(self.path), union_default_graph)
        except EngineDied as exc:
            raise StoreError(f"cannot open the store in {self.path} (is another guidegraph process using it?): {exc}") from exc

    @property
    def is_fresh(self) -> bool:
        return self.triple_count() == 0

    def _call(self, op: str, timeout: float | None = None, *, retry: bool = False, **kwargs):
        attempts = 2 if retry else 1
        for attempt in range(attempts):
            try:
                return self._engine.call(op, timeout, **kwargs)
            except TimeoutError:
                raise QueryTimeout(f"the query ran longer than the {timeout:g} s time limit and was stopped") from None
            except EngineDied as exc:
                try:
                    self._engine.ensure_alive()
                except EngineDied:
                    pass
                if attempt + 1 < attempts:
                    continue
                raise StoreUnavailable(f"the query was interrupted ({exc}); please retry") from None
            except RemoteError as exc:
                raise _translate(exc) from None
        raise AssertionError("unreachable")

    def query(self, sparql, *, result_format, graph_format, dataset=Dataset(), timeout=None, max_rows=None, base_iri=None):
        for iri in (dataset.default_graphs or ()) + (dataset.named_graphs or ()):
            check_iri(iri)
        body, media_type, rows, truncated = self._call(
            "query",
            timeout,
            retry=True,
            sparql=sparql,
            result_format=result_format,
            graph_format=graph_format,
            default_graphs=dataset.default_graphs,
            named_graphs=dataset.named_graphs,
            max_rows=max_rows,
            base_iri=base_iri,
        )
        return QueryAnswer(body, media_type, rows, truncated)

    def named_graphs(self) -> list[str]:
        return self._call("named_graphs", retry=True)

    def get_graph(self, graph, rdf_format):
        return self._call("get_graph", retry=True, graph=graph and check_iri(graph), rdf_format=rdf_format)

    def triple_count(self, graph=None) -> int:
        return self._call("triple_count", retry=True, graph=graph and check_iri(graph))

    def _write(self, op: str, **kwargs):
        try:
            return self._call(op, WRITE_TIMEOUT, **kwargs)
        finally:
            self.version.bump()

    def update(self, sparql, *, base_iri=None, timeout=None):
        # Updates get the time limit too; a stopped update never committed, so
        # nothing of it is written (RocksDB commits a transaction atomically).
        try:
            self._call("update", timeout, sparql=sparql, base_iri=base_iri)
        except QueryTimeout:
            raise QueryTimeout(f"the update ran longer than the {timeout:g} s time limit and was stopped; nothing was written") from None
        finally:
            self.version.bump()

    def replace_graph(self, graph, ntriples):
        return self._write("replace_graph", graph=graph and check_iri(graph), ntriples=ntriples)

    def add_to_graph(self, graph, ntriples):
        return self._write("add_to_graph", graph=graph and check_iri(graph), ntriples=ntriples)

    def delete_graph(self, graph):
        return self._write("delete_graph", graph=graph and check_iri(graph))

    def bulk_load_nquads(self, nquads: bytes) -> None:
        self._write("bulk_load_nquads", nquads=nquads)

    def dump_to_file(self, path, rdf_format, graphs=None, compress=False, prefixes=None):
        # Written by the engine process, straight from the store to the file.
        for graph in graphs or ():
            if graph is not None:
                check_iri(graph)
        return self._call("dump_to_file", None, retry=True, path=str(path), rdf_format=rdf_format,
                          graphs=list(graphs) if graphs is not None else None, compress=compress, prefixes=prefixes)

    @property
    def engine_pid(self) -> int | None:
        return self._engine.pid

    def close(self) -> None:
        self._engine.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _translate(exc: RemoteError) -> Exception:
    if exc.name == "SyntaxError":
        return QuerySyntaxError(f"syntax error: {readable_syntax_message(exc.message)}")
    if exc.name == "OSError" and "SERVICE" in exc.message.upper():
        return UsageError(exc.message)
    return StoreError(f"{exc.name}: {exc.message}")


def readable_syntax_message(message: str) -> str:
    """The parser's message on one line and in words: "line 1, column 25: expected A or B"
    (grammar notation such as [_] and character-class lists is translated)."""
    from guidegraph.syntax_messages import describe

    return describe(message)
