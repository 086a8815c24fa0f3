"""Search kept in step with the store: the index is rebuilt when the dataset version changes.

A store that tracks its version (the embedded one, and a remote one written
only through us) changes it on every write, so the first search after a
write (a guide replaced by Graph Store PUT, say) rebuilds the index and sees
the new text; the server also starts that rebuild as soon as a write request
is answered, so a search coming later waits less or not at all. A store others may write to behind our back has no version we
can trust; its index is rebuilt when we wrote to the store ourselves since (the
search waits for it) or when it is older than ``refresh_seconds`` (the search is
answered from the index as it is, while a thread builds the new one).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from guidegraph.search.documents import read_documents
from guidegraph.search.index import Page, build_index, index_labels, index_made_from, open_index, search_index
from guidegraph.search.tokens import QueryError, parse_query
from guidegraph.store.base import GraphStore
from guidegraph.store import freshness
from guidegraph.store.freshness import REMOTE_REFRESH_SECONDS

log = logging.getLogger("guidegraph.search")

INDEX_FILE = "search-index.sqlite"
SEARCH_DIR = "search"  # the index's folder inside a server's data directory
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Reading the store for a build is the server's own work, not a reader's query, so it is not held
# to the per-query limit; this only stops a store that hangs.
BUILD_TIMEOUT = 600.0


def index_directory(data_dir: str | Path) -> Path:
    """Where a server on ``data_dir`` keeps its search index."""
    return Path(data_dir) / SEARCH_DIR


def index_file(data_dir: str | Path) -> Path:
    return index_directory(data_dir) / INDEX_FILE


@dataclass(frozen=True)
class BuildInfo:
    version: str
    documents: int
    seconds: float


class SearchService:
    """Full-text search over one store; the index file lives in ``directory`` (None: a temporary one)."""

    def __init__(self, store: GraphStore, directory: str | Path | None = None, *,
                 refresh_seconds: float = REMOTE_REFRESH_SECONDS, timeout: float | None = BUILD_TIMEOUT) -> None:
        self.store = store
        self.refresh_seconds = refresh_seconds
        self.timeout = timeout
        if directory is None:
            tmp = tempfile.mkdtemp(prefix="guidegraph-search-")
            directory = tmp
            self._cleanup = weakref.finalize(self, shutil.rmtree, tmp, True)
        else:
            self._cleanup = None
        self.path = Path(directory) / INDEX_FILE
        self._lock = threading.Lock()
        self._local = threading.local()
        self._refresh_guard = threading.Lock()
        self._refresher: threading.Thread | None = None  # set while a background refresh runs
        self._refresh_again = False  # a write came while it ran
        self._built_at = 0.0
        self._builds = 0  # counts rebuilds: a rebuild from an unchanged version still replaces the file
        self._adoption_tried = self._cleanup is not None  # a temporary folder holds no earlier run's index
        self._version_at_start = self._wanted_version()  # an earlier run's index holds none of our writes since
        self.last_build: BuildInfo | None = None

    def _wanted_version(self) -> str:
        """The version an up-to-date index was built from (for an untracked store, our own writes only)."""
        v = self.store.version
        return f"{v.token}-{v.counter}"

    def _is_current(self, version: str) -> bool:
        if self.last_build is None or self.last_build.version != version:
            return False
        return self.store.tracks_version or time.monotonic() - self._built_at < self.refresh_seconds

    def _holds_our_writes(self, version: str) -> bool:
        """The index was built from every write of ours (it may be older than the refresh age)."""
        return self.last_build is not None and self.last_build.version == version

    def _made_from(self) -> str | None:
        """What names the data an index is built from, for a later run: the embedded store's
        content token (None while a write runs), or the remote endpoint; with this guidegraph's
        version, since what is indexed may change with it."""
        from guidegraph import __version__

        ((kind, name),) = freshness.made_from(self.store, self.store.content_token()).items()
        return f"{kind} {name} {__version__}" if name is not None else None

    def _adopt_earlier_index(self) -> None:
        """At the first search, take up the index file an earlier run left, if built from this data:
        the embedded store's as current; a remote store's as aged (searched while built again)."""
        self._adoption_tried = True
        version = self._wanted_version()  # before the name: a write after it leaves the index marked older
        try:
            made_from = self._made_from()
        except Exception as exc:  # noqa: BLE001 - the store's own failure surfaces at the build
            log.debug("could not name the store's data: %s", exc)
            return
        if made_from is None or version != self._version_at_start or index_made_from(self.path) != made_from:
            return
        self._built_at = time.monotonic() if self.store.tracks_version else float("-inf")
        conn = open_index(self.path)
        try:
            documents = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        finally:
            conn.close()
        self.last_build = BuildInfo(version, documents, 0.0)
        self._builds += 1
        log.info("search index of an earlier run taken up from %s", self.path)

    def ensure_current(self, *, stale_ok: bool = True) -> None:
        """Rebuild the index unless it was built from the store's current version.

        An index that has only aged (a store others may write to, none of our writes since) is
        searched as it is while a background thread builds it again: a reader never waits for
        what others may have written. With ``stale_ok`` false (that thread) the build is made here."""
        if not self._adoption_tried:
            with self._lock:
                if not self._adoption_tried:
                    self._adopt_earlier_index()
        version = self._wanted_version()
        if self._is_current(version):
            return
        if stale_ok and self._holds_our_writes(version):
            self._start_refresh(after_write=False)
            return
        with self._lock:
            # Read the version before the data: a write during the build leaves the
            # index marked with the older version, so the next search builds again.
            version = self._wanted_version()
            if self._is_current(version):
                return
            self.rebuild(version)

    def refresh_in_background(self) -> None:
        """Start rebuilding now if the index is stale (called after a write), so the next
        search waits only for what is left of the build; at most one such thread at a time.

        A write that comes while that thread runs may be newer than the version it is building
        from; the thread then builds again, so no write is left for the next search to find."""
        self._start_refresh(after_write=True)

    def _start_refresh(self, *, after_write: bool) -> None:
        with self._refresh_guard:
            if self._refresher is not None:
                # A search finding the index aged needs no second build; a write may.
                self._refresh_again = self._refresh_again or after_write
                return
            if self._is_current(self._wanted_version()):
                return
            self._refresher = threading.Thread(target=self._refresh, daemon=True, name="search-index-refresh")
            self._refresher.start()

    def wait_for_refresh(self, timeout: float | None = None) -> bool:
        """Wait for a background build under way, if any; False if it is still running."""
        with self._refresh_guard:
            thread = self._refresher
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _refresh(self) -> None:
        try:
            while True:
                self.ensure_current(stale_ok=False)
                with self._refresh_guard:
                    # Checked under the guard: a write after this look starts a thread of its own.
                    # Built from every write of ours: done, whatever its age (which a refresh age
                    # of 0 would make stale at once).
                    if not self._refresh_again and self._holds_our_writes(self._wanted_version()):
                        self._refresher = None
                        return
                    self._refresh_again = False
        except Exception as exc:  # noqa: BLE001 - the next search rebuilds and reports it
            log.warning("search index refresh failed (the next search retries): %s", exc)
            with self._refresh_guard:
                self._refresher = None

    def rebuild(self, version: str) -> BuildInfo:
        started = time.perf_counter()
        made_from = self._made_from()  # named before the data is read: a write meanwhile changes the name
        documents = read_documents(self.store, self.timeout)
        build_index(self.path, documents, version, made_from)
        self._built_at = time.monotonic()
        self.last_build = BuildInfo(version, len(documents), time.perf_counter() - started)
        self._builds += 1
        return self.last_build

    def search(self, query: str, limit: int = 20, offset: int = 0) -> Page:
        """One page of hits for ``query``; QueryError for a query with nothing to search for."""
        terms = parse_query(query)
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", "limit")
        if not 0 <= offset <= MAX_OFFSET:
            raise QueryError(f"offset must be between 0 and {MAX_OFFSET}", "offset")
        self.ensure_current()
        return search_index(self._connection(), terms, limit, offset)

    def _connection(self):
        """This thread's connection to the current index file (reopened after any rebuild; a
        connection to a replaced file keeps reading the old one, which stays whole).

        Keyed by the rebuild, not the version: a store written behind our back is rebuilt
        under the same version, and a connection kept by version would go on reading the old file."""
        local = self._local
        built = self._builds
        if getattr(local, "built", None) != built:
            if getattr(local, "conn", None) is not None:
                local.conn.close()
            local.conn, local.built = open_index(self.path), built
        return local.conn

    def labels(self, iris: set[str]) -> dict[str, str]:
        """The indexed label of each IRI that has one (guides' titles for the result page)."""
        return index_labels(self._connection(), iris)

    def close(self) -> None:
        if self._cleanup is not None:
            self._cleanup()
