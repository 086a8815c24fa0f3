"""A bulk load into an empty store that did not finish, found and undone when the store is opened next.

A load split across several loaders (bulkload.parallel) commits each loader's
part on its own, so a kill can leave part of a file in the store. Such loads
run only into a store that was empty, under a marker file written (and made
durable) before the first quad goes in and removed after the last commit:
while the marker exists, everything in the store came from a load that did
not finish, and emptying the store gives back the state before it. Whoever
opens the store for writing next (``guidegraph load``, the server's engine)
does that, and says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from guidegraph.formats import fsync_dir, write_atomic

MARKER_FILE = "load-into-empty-store.unfinished"


def marker(data_dir: str | Path) -> Path:
    return Path(data_dir) / MARKER_FILE


def mark(data_dir: str | Path, what: str) -> None:
    """Before the load writes anything: ``what`` is the load (its files), kept for whoever finds the marker."""
    write_atomic(marker(data_dir), f"{what}\n".encode("utf-8"))
    fsync_dir(data_dir)


def unmark(data_dir: str | Path) -> None:
    """After the load's last commit is durable."""
    try:
        os.unlink(marker(data_dir))
    except FileNotFoundError:
        return
    fsync_dir(data_dir)


def undo_if_unfinished(store, data_dir: str | Path) -> str | None:
    """Empty ``store`` (opened for writing) if a load into it as an empty store did not finish;
    then a note for the user saying so, else None."""
    path = marker(data_dir)
    try:
        what = path.read_text(encoding="utf-8", errors="replace").strip() or "a bulk load"
    except FileNotFoundError:
        return None
    store.clear()
    store.flush()
    unmark(data_dir)
    return (f"note: an earlier load into the empty store in {data_dir} ({what}) was stopped before it finished; "
            "what it had loaded was removed, so the store is empty again: run that load again")
