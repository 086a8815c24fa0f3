"""Fill the result cache with the canned queries' default answers after every change.

A reader opening a canned query's page or API with its defaults then gets the
kept answer at once. The warmer waits until the store has been quiet for a
moment (a guide replaced is followed by its links being derived again), and
runs in the background, so no request waits for it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

from flask import Flask

from guidegraph.errors import GuideGraphError
from guidegraph.store.base import GraphStore, QueryTimeout

log = logging.getLogger("guidegraph.server")

QUIET_SECONDS = 1.0
# The longest a warming query may run; None: a reader's own limit, which stops a slower query for
# the reader too. A shorter one stops more of them, and each stop replaces the engine, whose memory
# copy then fills again while the disk answers (measured at 10^6 triples: two canned queries past
# 3 s, and heavy queries 3-11x slower for the half minute after every change).
WARM_SECONDS: float | None = None
POLL_SECONDS = 0.5
FILL_WAIT_SECONDS = 600.0


class CacheWarmer:
    """``after``: a thread to wait for before the first pass (the dumps being written at start:
    a warming query stopped by its limit restarts the engine, which would interrupt them)."""

    def __init__(self, store: GraphStore, settings, after: threading.Thread | None = None) -> None:
        self.store = store
        self.settings = settings
        self._after = after
        self._stop = threading.Event()
        self.warmed_version: tuple | None = None
        self.passes = 0
        self.too_slow: set[str] = set()
        limits = [t for t in (settings.timeout, WARM_SECONDS) if t]
        self._budget = dataclasses.replace(settings, timeout=min(limits) if limits else None)
        self._thread = threading.Thread(target=self._watch, daemon=True, name="cache-warmer")
        self._thread.start()

    def _version(self) -> tuple:
        return (self.store.version.token, self.store.version.counter)

    def _watch(self) -> None:
        while self._after is not None and self._after.is_alive() and not self._stop.wait(POLL_SECONDS):
            pass
        while not self._stop.is_set():
            version = self._version()
            if version != self.warmed_version:
                if self._stop.wait(QUIET_SECONDS) or self._version() != version:
                    continue  # still changing: wait for quiet
                self.warm()
                self.warmed_version = version
            self._stop.wait(POLL_SECONDS)

    def warm(self) -> int:
        """Run every canned query with its defaults; returns how many answered."""
        from guidegraph.queries import ParameterError, load_queries
        from guidegraph.server.canned_queries import run_answer

        answered = 0
        for query in load_queries():
            if self._stop.is_set():
                break
            if query.slug in self.too_slow:
                continue
            # against the memory copy, not the disk standing in while it fills
            if not self._wait_for_memory_copy():
                break  # stopping
            try:
                run_answer(self.store, self._budget, query, {}, None)
                answered += 1
            except ParameterError:
                continue  # a required parameter without a default: nothing to warm
            except QueryTimeout:
                # A stopped query costs an engine restart (and a refill of its memory copy): once is
                # enough for this server's lifetime.
                self.too_slow.add(query.slug)
                log.info("warming the cache: %s ran past %g s; it is not warmed again", query.slug,
                         self._budget.timeout or 0)
            except GuideGraphError as exc:
                log.info("warming the cache: %s did not answer (%s)", query.slug, exc)
        self.passes += 1
        return answered

    def _wait_for_memory_copy(self) -> bool:
        """True once filled or after FILL_WAIT_SECONDS (the disk answers then); False if stopped."""
        deadline = time.monotonic() + FILL_WAIT_SECONDS
        while not self._stop.is_set():
            if self.store.wait_for_memory_copy(POLL_SECONDS) or time.monotonic() >= deadline:
                return True
        return False

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def install(app: Flask, store: GraphStore, settings) -> None:
    """Only for a store whose answers can be kept (it tracks its version) and with a cache."""
    if store.result_cache is None or not store.result_cache.enabled or not store.tracks_version:
        return
    app.extensions["guidegraph.cache_warmer"] = CacheWarmer(store, settings, app.extensions.get("guidegraph.preparing"))
