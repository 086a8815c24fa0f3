"""The store a bulk load writes to: pyoxigraph on disk, opened in this process.

Each file goes in with one call of pyoxigraph's bulk loader, which writes
sorted files beside the store and adds them all at once at the end: a file
is in the store whole or not at all, even when the process is killed. A
killed load leaves its unfinished files behind (``bulk-*.sst``); the next
load removes them, since it holds the store's lock and no other loader can
be writing them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyoxigraph as ox

from guidegraph.errors import StoreError, UsageError, filesystem_error, from_os_error, reason_in_message
from guidegraph.store import unfinished_load
from guidegraph.store import content_token
from guidegraph.store.memory_mirror import invalidate_snapshot

# The engine (guidegraph.store.engine) keeps the store's files in the data directory itself.
ABANDONED_BULK_FILES = "bulk-*.sst"
# A server that was just stopped may hold the lock a moment longer (its engine process exits after it).
LOCK_WAIT_SECONDS = 5.0


class StoreLocked(StoreError):
    """Another process (a running server) has the store open."""


def store_path(data_dir: str | Path) -> Path:
    """Where the store's files are inside a data directory (the same place ``serve`` opens)."""
    return Path(data_dir)


def open_for_loading(data_dir: str | Path) -> ox.Store:
    path = store_path(data_dir)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--data-dir {path} is a file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        error = from_os_error(exc, "create the data directory", exc.filename or path)
        if error is None:
            raise
        raise error from None
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            store = ox.Store(str(path))
            break
        except OSError as exc:
            if not _is_lock_error(exc) or time.monotonic() > deadline:
                raise _open_error(exc, path) from None
            time.sleep(0.1)
    # What is loaded now goes round the server's engine, so its memory snapshot no longer holds
    # what the disk will hold; the next `serve` fills its copy from the store instead, and names
    # the data anew (so dumps kept from before are written again).
    invalidate_snapshot(path)
    content_token.forget(path)
    stopped = unfinished_load.undo_if_unfinished(store, path)
    if stopped:
        print(f"guidegraph: {stopped}", file=sys.stderr)
    abandoned = remove_abandoned_bulk_files(path)
    if abandoned and not stopped:  # an undone load's own files need no word of their own
        print(f"guidegraph: note: an earlier load into {path} was stopped before it finished; the files it had "
              "loaded are in the store, the one it was loading is in whole or not at all (query its graphs to "
              "see); to finish, load that file and the rest again (with --replace nothing is doubled)", file=sys.stderr)
    return store


def _is_lock_error(exc: OSError) -> bool:
    """RocksDB's words for a lock another process (or this one) holds."""
    message = str(exc).lower()
    return "lock" in message and ("temporarily unavailable" in message or "hold by current process" in message)


def _open_error(exc: OSError, path: Path) -> Exception:
    message = " ".join(str(exc).split())
    if _is_lock_error(exc):
        return StoreLocked(
            f"cannot load into {path}: another process has the store open (a running `guidegraph serve`, "
            "`query` or `dump`); stop it and run the load again, or send the data to that server through "
            "its Graph Store Protocol (PUT or POST /graph-store with a write token)")
    reason = reason_in_message(message)
    if reason:
        return filesystem_error(reason, "open the store in", path)
    return StoreError(f"cannot open the store in {path}: {message}")


def remove_abandoned_bulk_files(path: Path) -> list[Path]:
    """The bulk loader's files of a load that was killed (called with the store's lock held)."""
    removed = []
    for leftover in path.glob(ABANDONED_BULK_FILES):
        try:
            leftover.unlink()
            removed.append(leftover)
        except FileNotFoundError:
            pass
    return removed


def existing_graphs(store: ox.Store, graphs: set[str | None]) -> set[str | None]:
    """Those of ``graphs`` that hold something now (None: the default graph)."""
    named = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    found = {g for g in graphs if g is not None and g in named}
    if None in graphs and next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        found.add(None)
    return found


def drop_graphs(store: ox.Store, graphs: set[str | None]) -> None:
    """Empty the named graphs (and, for None, the default graph) in one transaction."""
    steps = ["CLEAR SILENT DEFAULT" if g is None else f"DROP SILENT GRAPH <{g}>" for g in sorted(graphs, key=str)]
    if steps:
        store.update(" ; ".join(steps))


def load_stream(store: ox.Store, stream, fmt, to_graph: str | None) -> None:
    """One file into the store, all or nothing."""
    store.bulk_load(input=stream, format=fmt.oxigraph_format,
                    to_graph=ox.NamedNode(to_graph) if to_graph else None)


def quad_count(store: ox.Store) -> int:
    return len(store)
