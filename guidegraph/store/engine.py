"""The query engine process that owns the pyoxigraph store.

pyoxigraph cannot cancel a running query, so queries run in a child process
that the server can kill when a query outlives its time limit. The child owns
the store (on disk, so a restarted engine sees the same data) and serves
requests from a thread pool; pyoxigraph releases the GIL while evaluating,
so queries run in parallel. Results are serialised once, in the child, and
travel back as bytes.
"""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

ENGINE_THREADS = 8


# --- child side ----------------------------------------------------------------

def _engine_main(conn: Any, path: str, union_default_graph: bool) -> None:
    import pyoxigraph

    from guidegraph.store import engine_ops

    store = pyoxigraph.Store(path)
    ops = engine_ops.EngineOps(store, union_default_graph)
    send_lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=ENGINE_THREADS)

    def handle(req_id: int, op: str, kwargs: dict) -> None:
        try:
            reply = (req_id, True, getattr(ops, op)(**kwargs))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            reply = (req_id, False, (type(exc).__name__, str(exc)))
        with send_lock:
            conn.send(reply)

    conn.send((0, True, "ready"))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break
        if msg is None:
            break
        pool.submit(handle, *msg)
    pool.shutdown(wait=True)
    store.flush()


# --- parent side ---------------------------------------------------------------

class EngineDied(Exception):
    """The engine process went away while a request was pending."""


class EngineClient:
    """Talks to one engine process and replaces it when it has to be killed."""

    def __init__(self, path: str, union_default_graph: bool) -> None:
        self._path = path
        self._union = union_default_graph
        self._lock = threading.Lock()  # guards process replacement
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._pending: dict[int, Future] = {}
        self._generation = 0
        self._dead_generations: set[int] = set()
        self._closed = False
        self._start()

    def _start(self) -> None:
        # A plain subprocess (not multiprocessing) so callers need no __main__ guard.
        ours, theirs = socket.socketpair()
        proc = subprocess.Popen(
            [sys.executable, "-m", "guidegraph.store.engine", str(theirs.fileno()), self._path, "1" if self._union else "0"],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        parent = Connection(ours.detach())
        try:
            ready = parent.poll(120) and parent.recv() == (0, True, "ready")
        except (EOFError, OSError):
            ready = False
        if not ready:
            proc.kill()
            proc.wait()
            parent.close()
            raise EngineDied("the query engine did not start")
        self._conn, self._proc = parent, proc
        self._generation += 1
        gen = self._generation
        reader = threading.Thread(target=self._read_replies, args=(parent, gen), daemon=True, name="engine-replies")
        reader.start()

    def _read_replies(self, conn: Any, generation: int) -> None:
        while True:
            try:
                req_id, ok, payload = conn.recv()
            except (EOFError, OSError):
                break
            fut = self._pending.pop(req_id, None)
            if fut is not None and not fut.done():
                fut.set_result((ok, payload, generation))
        # Fail what this generation still owes; under the send lock so no
        # request can slip in for an engine that no longer reads.
        with self._send_lock:
            self._dead_generations.add(generation)
            for req_id, fut in list(self._pending.items()):
                if getattr(fut, "generation", None) == generation and not fut.done():
                    self._pending.pop(req_id, None)
                    fut.set_exception(EngineDied("the query engine was restarted"))

    def call(self, op: str, timeout: float | None = None, **kwargs: Any) -> Any:
        """Run ``op`` in the engine; on timeout kill the engine and raise TimeoutError."""
        fut: Future = Future()
        req_id = next(self._ids)
        with self._send_lock:
            if self._closed:
                raise EngineDied("the store is closed")
            if self._generation in self._dead_generations:
                raise EngineDied("the query engine has stopped")
            fut.generation = self._generation  # type: ignore[attr-defined]
            self._pending[req_id] = fut
            try:
                self._conn.send((req_id, op, kwargs))
            except (OSError, ValueError) as exc:
                self._pending.pop(req_id, None)
                raise EngineDied(f"the query engine is gone: {exc}") from exc
        try:
            ok, payload, _gen = fut.result(timeout=timeout)
        except FutureTimeout:
            self._restart(fut.generation)  # type: ignore[attr-defined]
            raise TimeoutError(op) from None
        if ok:
            return payload
        name, message = payload
        raise RemoteError(name, message)

    def _restart(self, generation: int) -> None:
        with self._lock, self._send_lock:
            if generation != self._generation or self._closed:
                return  # someone already replaced that engine
            self._proc.kill()
            self._proc.wait(10)
            self._conn.close()
            self._start()

    def ensure_alive(self) -> None:
        """Start a new engine if the current one has died on its own."""
        if self._proc.poll() is not None:
            self._restart(self._generation)

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def close(self) -> None:
        with self._send_lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._conn.send(None)
            except OSError:
                pass
        try:
            self._proc.wait(30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(5)
        self._conn.close()


class RemoteError(Exception):
    """An exception raised inside the engine, carried back by name and message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


if __name__ == "__main__":
    _engine_main(Connection(int(sys.argv[1])), sys.argv[2], sys.argv[3] == "1")
