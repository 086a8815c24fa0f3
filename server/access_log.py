"""One log line per request (logger ``guidegraph.access``), cheap for the thread answering it.

Through ``logging`` a line cost a request thread about 30 µs (a record built,
formatted and copied for a queue) and a second thread as much again to write
it, one write and flush per line, while holding the GIL the request threads
need. Under the HTTP server the request thread only appends the line's fields
to a deque; one thread turns them into records every ``FLUSH_SECONDS`` and
writes them to the root logger's handlers, a stream's lines in one write. The
records carry the time of the request, so the lines read as before, at most
``FLUSH_SECONDS`` late.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("guidegraph.access")

FLUSH_SECONDS = 0.2
_FORMAT = "%s %s %s %d %.1fms"

_pending: collections.deque | None = None  # set while a writer thread runs


def log_request(remote: str | None, method: str, path: str, status: int, elapsed_ms: float) -> None:
    pending = _pending
    if pending is not None:
        pending.append((time.time(), remote, method, path[:300], status, elapsed_ms))
    else:
        log.info(_FORMAT, remote, method, path[:300], status, elapsed_ms)


def write_access_log_from_a_thread() -> Callable[[], None]:
    """Start the writer; returns the function that writes what is left and stops it."""
    global _pending
    pending: collections.deque = collections.deque()
    stopping = threading.Event()
    thread = threading.Thread(target=_write_until, args=(pending, stopping), name="access-log", daemon=True)
    _pending = pending
    thread.start()

    def stop() -> None:
        global _pending
        _pending = None
        stopping.set()
        thread.join(5)
        _write(pending)  # whatever came in after the thread's last round

    return stop


def _write_until(pending: collections.deque, stopping: threading.Event) -> None:
    while not stopping.wait(FLUSH_SECONDS):
        _write(pending)
    _write(pending)


def _write(pending: collections.deque) -> None:
    if not pending or not log.isEnabledFor(logging.INFO):
        pending.clear()
        return
    records = []
    while pending:
        at, *fields = pending.popleft()
        record = log.makeRecord(log.name, logging.INFO, __file__, 0, _FORMAT, tuple(fields), None)
        record.created, record.msecs = at, int(at * 1000) % 1000
        records.append(record)
    handlers = _handlers()
    for handler in handlers:
        stream = getattr(handler, "stream", None)
        if isinstance(handler, logging.StreamHandler) and stream is not None:
            lines = [handler.format(r) + handler.terminator for r in records
                     if r.levelno >= handler.level and (not handler.filters or handler.filter(r))]
            with handler.lock:
                try:
                    stream.write("".join(lines))
                    handler.flush()
                except Exception:  # noqa: BLE001 - as logging does: say so on stderr and go on
                    handler.handleError(records[0])
        else:
            for record in records:
                if record.levelno >= handler.level:
                    handler.handle(record)


def _handlers() -> list[logging.Handler]:
    """The handlers a line of ``guidegraph.access`` would reach, as ``Logger.callHandlers`` finds them."""
    found, logger = [], log
    while logger:
        found.extend(logger.handlers)
        if not logger.propagate:
            break
        logger = logger.parent
    return found
