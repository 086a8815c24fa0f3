"""Run a process's Python signal handlers even while its main thread waits on a lock.

The kernel hands a signal sent to a process (``kill PID``, Ctrl-C) to any one of
its threads. CPython then only marks it; the handler runs when the main thread
next executes bytecode. granian's processes park the main thread in an
untimed ``Event.wait()`` and have many other threads (the Rust runtime, the
engine channels, ours), so a SIGTERM that lands on another thread left the
server running until killed: seen about once in fifty stops, the worker alive
with nothing pending. CPython writes each signal's number to a wakeup file
descriptor from whichever thread received it; a thread reading that descriptor
calls the handler. A handler run twice (once here, once by the main thread when
it does wake) must be idempotent, as granian's are: they set an event.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

log = logging.getLogger("guidegraph.server")

_pipe: tuple[int, int] | None = None  # this process's (read, write) ends, once started


def relay_signals() -> None:
    """Start relaying in this process; call from the main thread. Safe to call again in a
    forked child: the parent's pipe, inherited, is closed and a new one made."""
    global _pipe
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("signals can only be relayed from the main thread")
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # a signal handler must never wait on a full pipe
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    inherited, _pipe = _pipe, (read_end, write_end)
    for fd in inherited or ():
        os.close(fd)
    threading.Thread(target=_relay, args=(read_end,), name="signal-relay", daemon=True).start()


def _relay(read_end: int) -> None:
    while True:
        try:
            received = os.read(read_end, 64)
        except OSError:
            return  # closed: a forked child made its own
        if not received:
            return
        for number in received:
            handler = signal.getsignal(number)
            # Python's own Ctrl-C handler raises KeyboardInterrupt where it runs: left to the main thread
            if callable(handler) and handler is not signal.default_int_handler:
                try:
                    handler(number, None)
                except Exception:  # noqa: BLE001 - the relay must outlive one bad handler
                    log.exception("the handler of signal %d failed", number)
