"""Kills of the engine for a time limit, held back while a write runs in it.

A request past its time limit is stopped by killing the engine process, which
stops every request in it. A write the engine had taken up would then end with
its outcome unknown: a researcher's slow query would cost an officer's update.
So while a write runs (from the engine's acknowledgement until the write is
durable or has ended), a kill is held back until the writes running when the
limit struck are done; writes that begin later do not hold it back further, so a
stream of writes cannot keep a query running past its limit for long. A request
whose answer comes while its kill waits keeps that answer, late as it is, and
the engine runs on.
"""

from __future__ import annotations

import threading
from typing import Any


class Request:
    """One call to the engine, as this bookkeeping sees it."""

    __slots__ = ("proc", "over", "killed", "waits_for")

    def __init__(self, proc: Any) -> None:
        self.proc = proc
        self.over = False  # its answer or the engine's end has come
        self.killed = False  # its time limit killed the engine
        self.waits_for: set[Request] = set()  # the writes its held-back kill waits for


class EngineKills:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writing: set[Request] = set()  # writes taken up, not yet durable or ended
        self._waiting: set[Request] = set()  # past their limit, their kill held back

    def time_limit_struck(self, request: Request) -> None:
        """Run by the time-limit thread: kill the engine now, or once its running writes are done."""
        with self._lock:
            if request.over:
                return
            # A write that is itself past its limit holds nothing back: it has not committed.
            request.waits_for = {w for w in self._writing
                                 if w.proc is request.proc and w is not request and w not in self._waiting}
            if request.waits_for:
                self._waiting.add(request)
                return
            request.killed = True
            self._kill_locked(request.proc)

    def write_began(self, request: Request) -> None:
        with self._lock:
            self._writing.add(request)

    def finished(self, request: Request) -> bool:
        """The request's reply, the engine's end, or (for a write) word that it is durable came;
        its time limit no longer applies. True if that limit killed the engine."""
        with self._lock:
            request.over = True
            self._waiting.discard(request)
            if request in self._writing:
                self._writing.discard(request)
                for waiting in list(self._waiting):
                    waiting.waits_for.discard(request)
                    if not waiting.waits_for:
                        self._kill_locked(waiting.proc)
            return request.killed

    def _kill_locked(self, proc: Any) -> None:
        for waiting in [w for w in self._waiting if w.proc is proc]:
            waiting.killed = True
            self._waiting.discard(waiting)
        proc.kill()
