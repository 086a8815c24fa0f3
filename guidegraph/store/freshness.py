"""When something made from the store (dump files, catalogue statistics, the search index) is current.

A store that tracks its version changes it on every write, so what was made
from one version stays current until the next write. A remote store may be
written behind our back: what was made from it is current while we have not
written to it since and it is younger than ``refresh_seconds``. Without the
age limit, every request for a dump or the catalogue would make it again
(writing the dumps of 10^6 triples from Virtuoso takes 45 s); with it, a write
made elsewhere shows there within that time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from guidegraph.store.base import GraphStore

REMOTE_REFRESH_SECONDS = 60.0


@dataclass(frozen=True)
class Made:
    """The store's version something was made from, and when."""

    version: tuple
    at: float = field(default_factory=time.monotonic)


def made_now(store: GraphStore) -> Made:
    """Read before reading the data: a write meanwhile leaves it marked with the older version."""
    return Made((store.version.token, store.version.counter))


def is_current(made: Made | None, store: GraphStore, refresh_seconds: float = REMOTE_REFRESH_SECONDS) -> bool:
    if made is None or made.version != (store.version.token, store.version.counter):
        return False
    return store.tracks_version or time.monotonic() - made.at < refresh_seconds



def made_from(store: GraphStore, token: str | None) -> dict[str, str | None]:
    """What names the data for a later run, so what is made from it can be kept across restarts:
    the embedded store's content token (read by the caller before the data), else the remote
    store's endpoint (what an earlier run made from it is then taken up as aged)."""
    if token is not None:
        return {"content": token}
    return {"remote": getattr(store, "endpoint", None) if store.kind == "remote" else None}
