"""The store interface shared by the embedded and the remote implementation.

A store answers SPARQL queries already serialised in a chosen format (so
results are serialised exactly once, by the engine that produced them),
runs updates, and manages named graphs for the Graph Store Protocol.
"""

from __future__ import annotations

import abc
import dataclasses
import threading
import time
from dataclasses import dataclass, field

from guidegraph.errors import StoreError, UsageError, from_os_error
from guidegraph.store.determinism import repeats_identically
from guidegraph.store.versioned_cache import MISSING, VersionedCache


# gzip level of dumps: level 3 writes about twice as fast as the default 6 for files a few
# per cent larger; dumps are written often (after every change) and read rarely.
GZIP_LEVEL = 3


class QuerySyntaxError(UsageError):
    """The query or update does not parse; the message carries the position."""


class QueryTimeout(StoreError):
    """The query ran past its time limit and was stopped."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or was restarted under a request."""


class ServiceDisabled(UsageError):
    """The query uses federated SERVICE, which is switched off."""


@dataclass(frozen=True)
class Dataset:
    """A protocol dataset: graphs named by default-graph-uri / named-graph-uri.

    ``None`` for both means the service's own default dataset.
    """

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def is_explicit(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised query result."""

    body: bytes
    media_type: str
    rows: int | None = None  # solutions before truncation, for SELECT
    truncated: bool = False
    cache: str | None = None  # "hit" or "miss" when the store keeps results, else None


@dataclass
class DatasetVersion:
    """Changes on every write; drives ETag and Last-Modified."""

    token: str = field(default_factory=lambda: format(time.time_ns(), "x"))
    counter: int = 0
    modified: float = field(default_factory=time.time)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def bump(self) -> None:
        with self._lock:
            self.counter += 1
            self.modified = time.time()

    @property
    def etag(self) -> str:
        return f'"{self.token}-{self.counter}"'


class GraphStore(abc.ABC):
    """One RDF dataset with a graph per guide."""

    kind: str = "abstract"
    tracks_version: bool = True  # False when others may write behind our back

    def __init__(self) -> None:
        self.version = DatasetVersion()

    def cache_version(self) -> tuple[str, int] | None:
        """What answers and pages are kept and validated (ETag) under; None: nothing may be kept.
        A store that tracks its version keeps them until the next write."""
        return (self.version.token, self.version.counter) if self.tracks_version else None

    def cache_modified(self) -> float:
        """Last-Modified of what is kept under ``cache_version()``."""
        return self.version.modified

    # -- reading -------------------------------------------------------------
    # Set by the server (create_app): answers kept for the dataset version, shared by
    # the SPARQL endpoint, the canned queries and the pages, since all of them ask here.
    result_cache: VersionedCache | None = None

    def query(
        self,
        sparql: str,
        *,
        result_format: str,
        graph_format: str,
        dataset: Dataset = Dataset(),
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryAnswer:
        """Run ``sparql``; serialise SELECT/ASK as ``result_format`` (a ResultFormat
        name) and CONSTRUCT/DESCRIBE as ``graph_format`` (an RdfFormat name).
        An answer kept for the current dataset version is given again without running."""
        def run() -> QueryAnswer:
            return self.run_query(sparql, result_format=result_format, graph_format=graph_format, dataset=dataset,
                                  timeout=timeout, max_rows=max_rows, base_iri=base_iri)

        cache = self.result_cache
        version = self.cache_version()  # before running: a write meanwhile moves it on
        if cache is None or not cache.enabled or version is None or not repeats_identically(sparql):
            return run()
        key = ("query", sparql, result_format, graph_format, dataset, max_rows, base_iri)
        kept = cache.lookup(self, key)
        if kept is not MISSING:
            return dataclasses.replace(kept, cache="hit")
        answer = run()
        cache.keep(self, key, answer, version=version)
        return dataclasses.replace(answer, cache="miss")

    @abc.abstractmethod
    def run_query(
        self,
        sparql: str,
        *,
        result_format: str,
        graph_format: str,
        dataset: Dataset = Dataset(),
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryAnswer:
        """Run ``sparql`` on the store itself (``query`` with no result cache)."""

    @abc.abstractmethod
    def named_graphs(self) -> list[str]:
        """IRIs of the named graphs holding data."""

    @abc.abstractmethod
    def get_graph(self, graph: str | None, rdf_format: str) -> bytes | None:
        """A graph (``None`` = the default graph) serialised, or None if it does not exist."""

    @abc.abstractmethod
    def triple_count(self, graph: str | None = None) -> int:
        """Triples in one graph, or quads in the whole dataset when ``graph`` is None."""

    # -- writing -------------------------------------------------------------
    @abc.abstractmethod
    def update(self, sparql: str, *, base_iri: str | None = None, timeout: float | None = None) -> None:
        """Run a SPARQL 1.1 Update request as one transaction."""

    @abc.abstractmethod
    def replace_graph(self, graph: str | None, ntriples: bytes) -> bool:
        """Atomically replace a graph's content; True if the graph existed before."""

    @abc.abstractmethod
    def add_to_graph(self, graph: str | None, ntriples: bytes) -> bool:
        """Add triples to a graph in one transaction; True if it existed before."""

    @abc.abstractmethod
    def delete_graph(self, graph: str | None) -> bool:
        """Remove a graph; False if there was nothing to remove."""

    @abc.abstractmethod
    def bulk_load_nquads(self, nquads: bytes) -> None:
        """Fast initial load of a whole dataset."""

    def dump_to_file(self, path: str, rdf_format: str, graphs: list[str | None] | None = None,
                     compress: bool = False, prefixes: dict[str, str] | None = None) -> int:
        """Write ``graphs`` (None: the whole dataset, in a dataset format) to ``path`` atomically;
        returns the bytes written. This generic version holds one graph in memory at a time."""
        import gzip
        import os

        names = self.named_graphs() if graphs is None else graphs
        tmp = f"{path}.part"
        try:
            with open(tmp, "wb") as raw:
                out = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) if compress else raw
                try:
                    for graph in names:
                        # a dataset format keeps the graph name; a graph format takes the triples
                        out.write(self.get_graph(graph, rdf_format) or b"")
                finally:
                    if compress:
                        out.close()
        except BaseException as exc:
            try:
                os.unlink(tmp)  # a failed dump keeps no part of itself
            except FileNotFoundError:
                pass
            error = from_os_error(exc, "write the dump file", path) if isinstance(exc, OSError) else None
            if error is not None:
                raise error from None
            raise
        os.replace(tmp, path)
        return os.path.getsize(path)

    def content_token(self) -> str | None:
        """A name for the data that survives a restart (store/content_token.py); None when the store
        has none, or is being written now: nothing made from it is then kept across restarts."""
        return None

    def wait_for_memory_copy(self, timeout: float) -> bool:
        """Wait until queries are answered from the store's in-memory copy, if it keeps one;
        False if that did not happen within ``timeout`` seconds."""
        return True

    def close(self) -> None:
        """Release processes and connections."""

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_iri(iri: str) -> str:
    """Refuse IRIs that would break out of ``<...>`` when written into SPARQL."""
    if not iri or any(c in iri for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in iri):
        raise UsageError(f"not a valid IRI: {iri!r}")
    return iri
