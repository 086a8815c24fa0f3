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

When the engine dies under a request, the caller learns whether the request
can have run: a write asks the engine to acknowledge it before running it, so
a write that was never acknowledged never started and can go to a new engine.
When the disk is full, a new read-write engine cannot open the store; a
read-only one then takes its place, so reads go on until space is freed.
"""

from __future__ import annotations

import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from guidegraph import allocator
from guidegraph.errors import reason_in_message
from guidegraph.store.deadlines import Deadlines
from guidegraph.store.engine_kills import EngineKills, Request

# More than the server's worker threads (8 by default), so a request rarely
# waits for a channel.
ENGINE_CHANNELS = 16

# What the engine says when it takes up a request that asked for an acknowledgement,
# and when that write is durable (its time limit then no longer applies).
STARTED = "started"
COMMITTED = "committed"

# Filling the memory copy takes about 4 s per 10^6 triples from the snapshot and several
# times that from the store itself.
START_TIMEOUT = float(os.environ.get("GUIDEGRAPH_ENGINE_START_TIMEOUT", "3600"))

# After a channel reports the engine gone, how long to wait for the process to be
# seen exited: the kernel closes a killed process's sockets a moment before it is.
DEATH_GRACE = 5.0


def _pickled(message: Any) -> bytes:
    # What Connection.send writes, without the ForkingPickler it sets up per message (its
    # reducers are for handles and sockets, which these messages never hold): Connection.recv reads it.
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


# --- child side ----------------------------------------------------------------

def _engine_main(conns: list[Any], path: str, union_default_graph: bool, read_only: bool, memory: bool) -> None:
    import signal

    # Ctrl-C reaches the whole process group; the parent closes the engine in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    import pyoxigraph

    from guidegraph.store import engine_ops
    from guidegraph.store.memory_mirror import MirroredStore

    try:
        store = pyoxigraph.Store.read_only(path) if read_only else pyoxigraph.Store(path)
        if not read_only:
            _undo_unfinished_load(store, path)
        served = MirroredStore(store, path, writable=not read_only) if memory else store
    except Exception as exc:  # noqa: BLE001 - the parent turns it into a message for the user
        conns[0].send(("failed", type(exc).__name__, str(exc)))
        return
    ops = engine_ops.EngineOps(served, union_default_graph, path, writable=not read_only)

    def serve(conn: Any) -> None:
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return
            if msg is None:
                return
            op, kwargs, acknowledge = msg
            if acknowledge:
                try:
                    conn.send(STARTED)
                except OSError:
                    return
                ops.committed = lambda: conn.send(COMMITTED)
            try:
                if acknowledge:  # a write
                    with ops.tokens.changing():
                        reply = (True, getattr(ops, op)(**kwargs))
                else:
                    reply = (True, getattr(ops, op)(**kwargs))
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
                reply = (False, (type(exc).__name__, str(exc)))
            finally:
                ops.committed = None
            try:
                conn.send_bytes(_pickled(reply))
            except OSError:
                return

    conns[0].send("ready")
    threads = [threading.Thread(target=serve, args=(c,), daemon=True, name=f"engine-{i}") for i, c in enumerate(conns)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if read_only:
        return
    if memory:
        served.close()  # the snapshot brought up to date, so the next start is quick
    try:
        store.flush()
    except OSError as exc:
        # Committed writes are already in the store's write-ahead log, which the next start reads back.
        print(f"guidegraph: warning: the store in {path} could not move its memory buffer to disk on closing "
              f"({' '.join(str(exc).split())}); committed writes are kept in its log and read back at the next start",
              file=sys.stderr)


def _undo_unfinished_load(store: Any, path: str) -> None:
    from guidegraph.store import unfinished_load

    note = unfinished_load.undo_if_unfinished(store, path)
    if note:
        print(f"guidegraph: {note}", file=sys.stderr)


# --- parent side ---------------------------------------------------------------

class EngineDied(Exception):
    """The engine process went away while a request was pending.

    ``started`` is False when the request certainly never ran (it was not sent, or a
    write was not acknowledged); ``generation`` names the engine that failed.
    """

    def __init__(self, message: str, generation: int, started: bool) -> None:
        super().__init__(message)
        self.generation = generation
        self.started = started


class EngineStartFailed(Exception):
    """A new engine could not open the store; carries the store's own error."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


class _Channel:
    def __init__(self, conn: Connection, generation: int, proc: subprocess.Popen) -> None:
        self.conn = conn
        self.generation = generation
        self.proc = proc  # the engine at the other end, killed when a request outlives its time limit


class EngineClient:
    """Talks to one engine process and replaces it when it has to be killed."""

    def __init__(self, path: str, union_default_graph: bool, memory: bool = False) -> None:
        self._path = path
        self._union = union_default_graph
        self._memory = memory
        self._lock = threading.Lock()  # guards engine replacement
        self._generation = 0
        self._closed = False
        self._deadlines = Deadlines()
        self._kills = EngineKills()
        self.read_only = False  # True while a full disk keeps the store from opening for writing
        self._start(read_only=False)

    def _start(self, read_only: bool) -> None:
        # A plain subprocess (not multiprocessing) so callers need no __main__ guard.
        pairs = [socket.socketpair() for _ in range(ENGINE_CHANNELS)]
        theirs = [t for _, t in pairs]
        proc = subprocess.Popen(
            [sys.executable, "-m", "guidegraph.store.engine", ",".join(str(t.fileno()) for t in theirs), self._path,
             "1" if self._union else "0", "ro" if read_only else "rw", "memory" if self._memory else "disk"],
            pass_fds=[t.fileno() for t in theirs],
            stdin=subprocess.DEVNULL,
            env=allocator.with_preload(),
        )
        for t in theirs:
            t.close()
        conns = [Connection(ours.detach()) for ours, _ in pairs]
        try:
            reply = (conns[0].recv() if conns[0].poll(START_TIMEOUT) else
                     ("failed", "TimeoutError", f"the query engine did not start within {START_TIMEOUT:g} s"))
        except (EOFError, OSError):
            reply = ("failed", "EngineDied", "the query engine exited while starting")
        if reply != "ready":
            proc.kill()
            proc.wait()
            for conn in conns:
                conn.close()
            raise EngineStartFailed(reply[1], reply[2])
        self._generation += 1
        self._proc = proc
        self._conns = conns
        self.read_only = read_only
        free: queue.LifoQueue[_Channel] = queue.LifoQueue()
        for conn in conns:
            free.put(_Channel(conn, self._generation, proc))
        self._free = free

    def call(self, op: str, timeout: float | None = None, *, acknowledge: bool = False, **kwargs: Any) -> Any:
        """Run ``op`` in the engine; on timeout kill the engine and raise TimeoutError.

        With ``acknowledge`` the engine confirms it took the request up before running it,
        so an EngineDied without ``started`` proves the request did not run."""
        with self._lock:
            if self._closed:
                raise EngineDied("the store is closed", self._generation, started=False)
            free = self._free
        channel = free.get()
        generation = channel.generation
        request = None
        try:
            if self._closed:
                raise EngineDied("the store is closed", generation, started=False)
            if generation != self._generation:
                raise EngineDied("the query engine was restarted", generation, started=False)
            try:
                channel.conn.send_bytes(_pickled((op, kwargs, acknowledge)))
            except (OSError, ValueError) as exc:
                raise EngineDied(f"the query engine is gone: {exc}", generation, started=False) from exc
            started = not acknowledge  # unacknowledged, a request sent may have run
            committed = False
            request = Request(channel.proc)
            watch = None if timeout is None else self._deadlines.watch(timeout, lambda: self._kills.time_limit_struck(request))
            try:
                while True:
                    reply = channel.conn.recv()
                    if reply == STARTED:
                        started = True
                        self._kills.write_began(request)
                        continue
                    if reply == COMMITTED:
                        committed = True  # durable: what is left is not stopped
                        self._kills.finished(request)
                        if watch is not None and not self._deadlines.done(watch):
                            watch = None
                        continue
                    ok, payload = reply
                    break
            except (EOFError, OSError, ValueError) as exc:
                if committed:
                    # On disk already; the next engine reads it back, so the write happened.
                    self._replace(generation)
                    return None
                if watch is not None and self._deadlines.done(watch):
                    self._replace(generation)
                    raise TimeoutError(op) from None
                raise EngineDied(f"the query engine is gone: {exc or 'it closed the connection'}", generation,
                                 started) from exc
            if watch is not None:
                self._deadlines.done(watch)
            if self._kills.finished(request):
                # The answer came as the time limit struck; its engine is being killed.
                # (When a write held the kill back, the answer is kept and the engine runs on.)
                self._replace(generation)
        finally:
            if request is not None:
                # Whatever ended the call: a write must not go on holding back the engine's kills.
                self._kills.finished(request)
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
        raise RemoteError(name, message, generation)

    def replace(self, generation: int) -> None:
        """Start a new engine in place of the one of ``generation``, which failed a request
        (nothing happens if that one was replaced already). Raises EngineStartFailed."""
        with self._lock:
            if generation != self._generation or self._closed:
                return
            try:
                self._proc.wait(DEATH_GRACE)
            except subprocess.TimeoutExpired:
                pass  # alive but with a broken channel: of no use either
            self._replace_locked()

    def _replace(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation or self._closed:
                return  # someone already replaced that engine
            self._replace_locked()

    def _replace_locked(self) -> None:
        self._proc.kill()
        self._proc.wait(10)
        try:
            self._start(read_only=False)
        except EngineStartFailed as exc:
            if reason_in_message(exc.message) != "no-space":
                raise
            self._start(read_only=True)  # reads go on; each write tries read-write again

    def make_writable(self) -> bool:
        """Replace a read-only engine by a read-write one if the disk has room again; True if writable."""
        with self._lock:
            if self.read_only and not self._closed:
                self._replace_locked()
            return not self.read_only

    @property
    def generation(self) -> int:
        return self._generation

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
        self._deadlines.close()


class RemoteError(Exception):
    """An exception raised inside the engine, carried back by name and message."""

    def __init__(self, name: str, message: str, generation: int = 0) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.generation = generation  # the engine that raised it


if __name__ == "__main__":
    _engine_main([Connection(int(fd)) for fd in sys.argv[1].split(",")], sys.argv[2], sys.argv[3] == "1",
                 sys.argv[4] == "ro", sys.argv[5] == "memory")
