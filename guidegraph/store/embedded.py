"""The embedded store: pyoxigraph on disk, run by a killable engine process."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from guidegraph.errors import (
    FileSystemError, StoreError, UsageError, filesystem_error, from_os_error, reason_in_message,
)
from guidegraph.store.base import (
    Dataset,
    GraphStore,
    QueryAnswer,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    check_iri,
)
from guidegraph.store.engine import EngineClient, EngineDied, EngineStartFailed, RemoteError

# Writes wait this long at most; they are not killed, because a killed write
# would leave the caller unsure whether it happened.
WRITE_TIMEOUT = None

NO_SPACE_ADVICE = "free some space there; writes work again as soon as there is room, without a restart"


class WriteOutcomeUnknown(StoreUnavailable):
    """The engine died while running a write: it may or may not have taken effect."""


class EmbeddedStore(GraphStore):
    """pyoxigraph in a data directory; ``path=None`` keeps data in a temporary directory.

    With ``memory`` the engine answers from an in-memory copy of the store (memory_mirror.py),
    which costs memory (about 300 MB per 10^6 triples) and start-up time, and pays off for a
    server; a one-off command reads the disk directly."""

    kind = "embedded"

    def __init__(self, path: str | Path | None = None, *, union_default_graph: bool = True, memory: bool = False) -> None:
        super().__init__()
        self._tmp = None
        if path is None:
            self._tmp = tempfile.mkdtemp(prefix="guidegraph-store-")
            path = self._tmp
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            error = from_os_error(exc, "create the store directory", exc.filename or self.path)
            if error is None:
                raise
            raise error from None
        self.union_default_graph = union_default_graph
        self.memory = memory
        try:
            self._engine = EngineClient(str(self.path), union_default_graph, memory)
        except EngineStartFailed as exc:
            raise self._open_error(exc) from None

    def _open_error(self, exc: EngineStartFailed) -> Exception:
        reason = reason_in_message(exc.message)
        if reason:
            return filesystem_error(reason, "open the store in", self.path, NO_SPACE_ADVICE if reason == "no-space" else None)
        if "lock file" in exc.message.lower():
            return StoreError(f"cannot open the store in {self.path}: another process has it open (a running "
                              "`guidegraph serve`, `query` or `dump`); stop that one or use another --data-dir")
        return StoreError(f"cannot open the store in {self.path}: {one_line(exc.message)}")

    @property
    def is_fresh(self) -> bool:
        return self.triple_count() == 0

    def _replace_engine(self, generation: int) -> None:
        try:
            self._engine.replace(generation)
        except EngineStartFailed as exc:
            error = self._open_error(exc)
            if isinstance(error, FileSystemError):
                raise error from None
            raise StoreUnavailable(f"the query engine stopped and a new one could not start: {error}") from None

    def _call(self, op: str, timeout: float | None = None, *, retry: bool = False,
              doing: tuple[str, object] | None = None, **kwargs):
        """A read: interrupted by the engine's death before it answered, it runs once more on a new engine
        (nothing was sent to the client yet: answers come back whole)."""
        attempts = 2 if retry else 1
        for attempt in range(attempts):
            try:
                return self._engine.call(op, timeout, **kwargs)
            except TimeoutError:
                raise QueryTimeout(f"the query ran longer than the {timeout:g} s time limit and was stopped") from None
            except EngineDied as exc:
                self._replace_engine(exc.generation)
                if attempt + 1 < attempts:
                    continue
                raise StoreUnavailable(f"the query was interrupted ({exc}); please retry") from None
            except RemoteError as exc:
                raise self._translate(exc, *(doing or ("read the store in", self.path))) from None
        raise AssertionError("unreachable")

    def _write(self, op: str, timeout: float | None = WRITE_TIMEOUT, **kwargs):
        """A write: one that never reached the engine goes to a new one; one the engine had
        taken up when it died is reported as of unknown outcome, never silently repeated."""
        try:
            for attempt in range(2):
                if self._engine.read_only and not self._engine.make_writable():
                    raise filesystem_error("no-space", "write to the store in", self.path, NO_SPACE_ADVICE)
                try:
                    return self._engine.call(op, timeout, acknowledge=True, **kwargs)
                except EngineDied as exc:
                    self._replace_engine(exc.generation)
                    if exc.started:
                        raise WriteOutcomeUnknown(_unknown_outcome(op)) from None
                    if attempt == 0:
                        continue
                    raise StoreUnavailable("the query engine stopped twice before this write reached it; "
                                           "nothing was written; please retry") from None
                except RemoteError as exc:
                    error = self._translate(exc, "write to the store in", self.path)
                    if isinstance(error, FileSystemError):
                        # After an I/O error the store refuses every later write until it is opened again.
                        self._replace_engine(exc.generation)
                    raise error from None
            raise AssertionError("unreachable")
        except TimeoutError:
            raise QueryTimeout(f"the update ran longer than the {timeout:g} s time limit and was stopped; "
                               "nothing was written") from None
        finally:
            self.version.bump()

    def _translate(self, exc: RemoteError, doing: str, path) -> Exception:
        if exc.name in ("OSError", "FileNotFoundError", "PermissionError") and "SERVICE" not in exc.message.upper():
            reason = reason_in_message(exc.message)
            if reason:
                return filesystem_error(reason, doing, path, NO_SPACE_ADVICE if reason == "no-space" and path == self.path else None)
        return _translate(exc)

    def run_query(self, sparql, *, result_format, graph_format, dataset=Dataset(), timeout=None, max_rows=None, base_iri=None):
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

    def update(self, sparql, *, base_iri=None, timeout=None):
        # Updates get the time limit too; a stopped update never committed, so
        # nothing of it is written (RocksDB commits a transaction atomically).
        self._write("update", timeout, sparql=sparql, base_iri=base_iri)

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
        return self._call("dump_to_file", None, retry=True, doing=("write the dump file", path), path=str(path),
                          rdf_format=rdf_format, graphs=list(graphs) if graphs is not None else None,
                          compress=compress, prefixes=prefixes)

    def content_token(self) -> str | None:
        if self._tmp:
            return None  # gone with this process
        return self._call("content_token", retry=True)

    def wait_for_memory_copy(self, timeout: float) -> bool:
        if not self.memory:
            return True
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._call("memory_copy", retry=True)["filled"]:
                    return True
            except StoreError:
                pass  # an engine being replaced: ask the next one
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)

    @property
    def engine_pid(self) -> int | None:
        return self._engine.pid

    def close(self) -> None:
        self._engine.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _unknown_outcome(op: str) -> str:
    if op == "bulk_load_nquads":
        scope = "a bulk load is not one transaction, so part of it may be in the store"
    else:
        scope = "a write is one transaction, so it was applied in full or not at all"
    return (f"the query engine stopped while running this write, so whether it took effect is not known ({scope}); "
            "count the graph's triples or query it before repeating the write")


def one_line(text: str) -> str:
    return " ".join(text.split())


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
