"""Time limits kept by one watching thread, so a caller can wait for its answer in a plain blocking read.

Waiting with a time limit on the engine's socket (``poll`` before each read)
made a small query's round trip twice as long as a blocking read on this
2-core machine: 71 µs against 34-41 µs from one process to another. Instead,
the caller reads without a limit and registers its deadline here; when one
passes, the watching thread runs the caller's ``on_expiry`` (it kills the
engine, which ends the read) and marks the watch expired, which tells the
caller why its read ended.

The thread sleeps until the earliest deadline it holds, and at most
``IDLE_CHECK`` seconds when it holds none, so a caller registering a deadline
wakes it only when that deadline comes before the thread's next look.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

IDLE_CHECK = 1.0


class Watch:
    __slots__ = ("deadline", "on_expiry", "expired")

    def __init__(self, deadline: float, on_expiry: Callable[[], None]) -> None:
        self.deadline = deadline
        self.on_expiry = on_expiry
        self.expired = False


class Deadlines:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._watches: set[Watch] = set()
        self._next_look = 0.0
        self._thread: threading.Thread | None = None
        self._closed = False

    def watch(self, seconds: float, on_expiry: Callable[[], None]) -> Watch:
        """Run ``on_expiry`` (in the watching thread) once ``seconds`` have passed, unless ``done`` came first."""
        watch = Watch(time.monotonic() + seconds, on_expiry)
        with self._lock:
            self._watches.add(watch)
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name="time-limits", daemon=True)
                self._thread.start()
            elif watch.deadline < self._next_look:
                self._wake.notify()
        return watch

    def done(self, watch: Watch) -> bool:
        """Stop watching; True if the deadline had passed (``on_expiry`` ran or is running)."""
        with self._lock:
            self._watches.discard(watch)
            return watch.expired

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                now = time.monotonic()
                expired = [w for w in self._watches if w.deadline <= now]
                for watch in expired:
                    self._watches.discard(watch)
                    watch.expired = True
                if not expired:
                    self._next_look = min((w.deadline for w in self._watches), default=now + IDLE_CHECK)
                    self._wake.wait(self._next_look - now)
                    continue
            for watch in expired:  # outside the lock: a kill must not hold up callers finishing
                watch.on_expiry()
