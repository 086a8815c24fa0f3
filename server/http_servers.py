"""The HTTP servers `guidegraph serve` can run the app under, chosen by measurement.

granian (Rust HTTP/1.1, the app in one worker process with a pool of threads)
answers a small request in about half the time of waitress and keeps the
connection open after a 304 or 204, where waitress closes it (it treats a
response without Content-Length as unframed). waitress stays available
(``--http-server waitress``): pure Python, the app in this process.
benchmarks/bench_endpoint.py prints the floor of each, side by side.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import signal
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the CLI reads HTTP_SERVERS for --help; Flask is imported only to serve
    from flask import Flask

HTTP_SERVERS = ("granian", "waitress")
DEFAULT_HTTP_SERVER = "granian"
IDENT = "guidegraph"

_PR_SET_PDEATHSIG = 1
# Request line and headers at most (waitress's default too); above it granian answers 431.
HEADER_LIMIT = 256 * 1024


class DrainRefusedBodies:
    """granian streams a body to the app; when the app refuses one as too large without reading
    it, the rest is read and dropped here (up to ``limit`` bytes), so a client still sending
    gets the 413 instead of a broken connection."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ, start_response):
        refused = []

        def watch(status, headers, exc_info=None):
            if status.startswith("413"):
                refused.append(True)
            return start_response(status, headers, exc_info)

        body = self.app(environ, watch)
        if refused:
            stream, left = environ.get("wsgi.input"), self.limit
            while stream is not None and left > 0:
                chunk = stream.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
        return body


def check_can_listen(host: str, port: int) -> None:
    """Refuse at once, in words, an address another program holds (granian's own error is a
    Rust backtrace, and it comes after the corpus load)."""
    import socket

    from guidegraph.errors import UsageError

    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host}: {exc.strerror} (check --host)") from None
    for family, kind, proto, _, address in addresses[:1]:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
            try:
                probe.bind(address)
            except OSError as exc:
                hint = ("another program is listening there: stop it or choose another --port"
                        if exc.errno == errno.EADDRINUSE else "check --host and --port")
                raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; {hint}") from None


def serve_waitress(app: Flask, host: str, port: int, threads: int, body_limit: int) -> None:
    import waitress

    # waitress buffers a body before the app sees it: refuse one far over any limit at the headers
    waitress.serve(app, host=host, port=port, threads=threads, ident=f"{IDENT} (waitress)",
                   clear_untrusted_proxy_headers=True, max_request_body_size=body_limit)


def serve_granian(make_app: Callable[[], Flask], close_app: Callable[[Flask], None], host: str, port: int,
                  threads: int, drain_limit: int) -> None:
    """Run ``make_app()`` in granian's worker process; the app (and the store it opens) lives there,
    and ``close_app`` runs there when the worker stops."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    from guidegraph.server.signal_relay import relay_signals

    def load_in_worker():
        relay_signals()  # before the app and granian start their threads
        _stop_the_worker_once()  # before granian installs its handlers, which it does after this loader
        _die_with_parent()
        _log_like_the_main_process()
        from guidegraph.server.access_log import write_access_log_from_a_thread

        stop_access_log = write_access_log_from_a_thread()
        app = make_app()
        import multiprocessing.util

        # The worker leaves through multiprocessing, which runs its finalizers but not atexit;
        # the access log's last lines are written after the app closed (a lower priority runs later).
        multiprocessing.util.Finalize(app, close_app, args=(app,), exitpriority=10)
        multiprocessing.util.Finalize(None, stop_access_log, exitpriority=1)
        return DrainRefusedBodies(app, drain_limit)

    server = Granian(IDENT, address=host, port=port, interface=Interfaces.WSGI, workers=1,
                     blocking_threads=threads, log_enabled=False, log_access=False, respawn_failed_workers=False,
                     http1_settings=HTTP1Settings(max_buffer_size=HEADER_LIMIT))
    relay_signals()
    server.serve(target_loader=load_in_worker, wrap_loader=False)


def _stop_the_worker_once() -> None:
    """Make granian's stop handler in this worker a no-op after its first run.

    The handler puts a value into a channel that holds one; the worker takes one
    value and then needs the GIL to finish stopping. A second stop signal while
    it stops (one handler run waits in the channel holding the GIL) deadlocks
    the worker, and the server with it, until killed. A worker gets two whenever
    a signal reaches the whole process group: Ctrl-C in a terminal, ``kill --
    -PGID``, a service manager's stop; the server process then sends its own
    SIGTERM too. Seen in 5 of 6 such stops with clients connected.
    """
    import threading

    from granian import _signals

    install = _signals.set_main_signals

    def install_once(interrupt_handler, reload_handler=None):
        ran = threading.Lock()

        def stop_once(signum, frame):
            if ran.acquire(blocking=False):
                interrupt_handler(signum, frame)

        install(stop_once, reload_handler)

    # granian's worker looks the installer up in its module when it starts (granian 2.x).
    _signals.set_main_signals = install_once


def _die_with_parent() -> None:
    """A worker whose server process was killed must not keep the store locked and the port bound."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the worker then outlives a killed server until it is stopped


def _log_like_the_main_process() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", force=True)
