"""The query engine process that owns the pyoxigraph store.

pyoxigraph cannot cancel a running query, so queries run in a child process
that the server can kill when a query outlives its time limit. The child owns
the store (on disk, so a restarted engine sees the same data). Results are
serialised once, in the child, and travel back as bytes.

Parent and child talk over a fixed set of channels (socket pairs made when
the child starts), one request at a time per channel: a caller borrows a free
channel, sends, waits on that channel alone and gives it back. Each channel
has its own thread in the child, and pyoxigraph releases the GIL while
evaluating, so queries run in parallel. No thread sits between a caller and
its reply, which keeps the round trip of a small query short.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

# More than the server's worker threads (8 by default), so a request rarely
# waits for a channel.
ENGINE_CHANNELS = 16


# --- child side ----------------------------------------------------------------

def _engine_main(conns: list[Any], path: str, union_default_graph: bool) -> None:
    import pyoxigraph

    from guidegraph.store import engine_ops

    store = pyoxigraph.Store(path)
    ops = engine_ops.EngineOps(store, union_default_graph)

    def serve(conn: Any) -> None:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return
            if msg is None:
                return
            op, kwargs = msg
            try:
                reply = (True, getattr(ops, op)(**kwargs))
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
                reply = (False, (type(exc).__name__, str(exc)))
            try:
                conn.send(reply)
            except OSError:
                return

    conns[0].send("ready")
    threads = [threading.Thread(target=serve, args=(c,), daemon=True, name=f"engine-{i}") for i, c in enumerate(conns)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.flush()


# --- parent side ---------------------------------------------------------------

class EngineDied(Exception):
    """The engine process went away while a request was pending."""


class _Channel:
    def __init__(self, conn: Connection, generation: int) -> None:
        self.conn = conn
        self.generation = generation


class EngineClient:
    """Talks to one engine process and replaces it when it has to be killed."""

    def __init__(self, path: str, union_default_graph: bool) -> None:
        self._path = path
        self._union = union_default_graph
        self._lock = threading.Lock()  # guards engine replacement
        self._generation = 0
        self._closed = False
        self._start()

    def _start(self) -> None:
        # A plain subprocess (not multiprocessing) so callers need no __main__ guard.
        pairs = [socket.socketpair() for _ in range(ENGINE_CHANNELS)]
        theirs = [t for _, t in pairs]
        proc = subprocess.Popen(
            [sys.executable, "-m", "guidegraph.store.engine", ",".join(str(t.fileno()) for t in theirs), self._path,
             "1" if self._union else "0"],
            pass_fds=[t.fileno() for t in theirs],
            stdin=subprocess.DEVNULL,
        )
        for t in theirs:
            t.close()
        conns = [Connection(ours.detach()) for ours, _ in pairs]
        try:
            ready = conns[0].poll(120) and conns[0].recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            proc.kill()
            proc.wait()
            for conn in conns:
                conn.close()
            raise EngineDied("the query engine did not start")
        self._generation += 1
        self._proc = proc
        self._conns = conns
        free: queue.LifoQueue[_Channel] = queue.LifoQueue()
        for conn in conns:
            free.put(_Channel(conn, self._generation))
        self._free = free

    def call(self, op: str, timeout: float | None = None, **kwargs: Any) -> Any:
        """Run ``op`` in the engine; on timeout kill the engine and raise TimeoutError."""
        with self._lock:
            if self._closed:
                raise EngineDied("the store is closed")
            free = self._free
        channel = free.get()
        try:
            if self._closed:
                raise EngineDied("the store is closed")
            if channel.generation != self._generation:
                raise EngineDied("the query engine was restarted")
            try:
                channel.conn.send((op, kwargs))
                answered = channel.conn.poll(timeout)
                if answered:
                    ok, payload = channel.conn.recv()
            except (EOFError, OSError, ValueError) as exc:
                raise EngineDied(f"the query engine is gone: {exc}") from exc
            if not answered:
                self._restart(channel.generation)
                raise TimeoutError(op)
        finally:
            # A channel of a replaced engine is closed here, by the one thread
            # using it (closing it from another thread could pull the socket out
            # from under a wait). It still goes back to its pool, so a caller
            # waiting there wakes and learns of the restart.
            if channel.generation != self._generation:
                channel.conn.close()
            free.put(channel)
        if ok:
            return payload
        name, message = payload
        raise RemoteError(name, message)

    def _restart(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation or self._closed:
                return  # someone already replaced that engine
            self._proc.kill()
            self._proc.wait(10)
            self._start()

    def ensure_alive(self) -> None:
        """Start a new engine if the current one has died on its own."""
        if self._proc.poll() is not None:
            self._restart(self._generation)

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        # Tell each channel's thread to stop, taking the channels as they come
        # free so no request is cut off mid-way.
        taken = []
        for _ in range(ENGINE_CHANNELS):
            try:
                channel = self._free.get(timeout=30)
            except queue.Empty:
                break
            taken.append(channel)
            try:
                channel.conn.send(None)
            except OSError:
                pass
        for channel in taken:  # so a caller still waiting for one wakes and learns the store is closed
            self._free.put(channel)
        try:
            self._proc.wait(30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(5)
        for conn in self._conns:
            conn.close()


class RemoteError(Exception):
    """An exception raised inside the engine, carried back by name and message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


if __name__ == "__main__":
    _engine_main([Connection(int(fd)) for fd in sys.argv[1].split(",")], sys.argv[2], sys.argv[3] == "1")
