"""The store the engine serves from: an in-memory copy of the on-disk store.

Reads go to memory (pyoxigraph's in-memory store answers the heavy queries
1.4-3x faster than RocksDB). The on-disk store stays the record: every write
commits there first, under the time limit, and only then is applied to the
memory copy, so a reader never sees a write that is not durable and a
restart loses nothing.

A write is replayed on the copy as the same operation. That yields the same
data (blank nodes get other labels, which RDF does not distinguish) unless the
update can give another answer the second time (NOW(), RAND(), UUID(),
STRUUID(), LOAD, SERVICE): then the copy is read again from disk.

Filling the copy by scanning RocksDB is slow (every term is a lookup), so the
copy is also kept as an N-Quads snapshot in the data directory, which parses
several times faster. The snapshot counts only while its stamp file exists;
the stamp is removed before anything is written to disk, and written again
after the snapshot is brought up to date, so a snapshot with a stamp always
holds what the disk holds.

The copy fills in a thread of its own while the disk answers: an engine that
starts (or replaces one stopped at a query's time limit) serves at once, more
slowly, instead of keeping every reader waiting for seconds (30 s at 10^6
triples without a snapshot). Writes go on too: the fill reads the disk as it
was at one moment (the snapshot file, or a checkpoint of the store), taken
with the write lock held, and the writes committed after it
are kept and replayed on the copy, in order, before it serves. So the copy
never misses a write, and a writer waits only for that moment and the replay,
not for the fill (which before this was 30 s at 10^6 triples, past a short
time limit).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from guidegraph.formats import fsync_dir
from guidegraph.store.determinism import repeats_identically

SNAPSHOT_FILE = "memory-snapshot.nq"
STAMP_FILE = "memory-snapshot.stamp"
FILL_DIR = ".memory-fill"  # a checkpoint of the store, and its quads, while the copy fills from disk
CLOSE_WAITS_FOR_FILL_SECONDS = 5.0
# Writes come in bursts (a guide replaced, then its links derived again): the snapshot is
# written once the store has been quiet this long.
SNAPSHOT_QUIET_SECONDS = 2.0
# After CLEAR the on-disk store forgets an emptied graph and the in-memory one keeps it.
_EMPTIES_GRAPHS = re.compile(r"\bCLEAR\b", re.IGNORECASE)

def invalidate_snapshot(data_dir: str | Path) -> None:
    """Call before writing to the on-disk store by any other way than the engine."""
    stamp = Path(data_dir) / STAMP_FILE
    try:
        stamp.unlink()
    except FileNotFoundError:
        return
    fsync_dir(Path(data_dir))


def _scanned(quads) -> ox.Store:
    memory = ox.Store()
    memory.bulk_extend(quads)
    return memory


class MirroredStore:
    """The subset of ``pyoxigraph.Store`` the engine uses, reading from memory, writing to both."""

    def __init__(self, disk: ox.Store, data_dir: str, *, writable: bool = True) -> None:
        self.disk = disk
        self.dir = Path(data_dir)
        self.writable = writable
        self._write_lock = threading.Lock()  # memory applies writes in the order disk committed them
        self._changed = threading.Event()
        self._closing = False
        self.loaded_from = ""
        self.load_seconds = 0.0
        self.memory: ox.Store | None = None  # None while it fills (or if it could not): the disk answers
        self.filled = threading.Event()
        # From the moment the fill reads until the copy serves: the writes committed meanwhile,
        # each a function that applies it to a copy and returns the copy to go on with.
        self._pending: list[Callable[[ox.Store], ox.Store]] | None = None
        threading.Thread(target=self._fill_in_background, daemon=True, name="fill").start()
        self._snapshotter: threading.Thread | None = None
        if writable:
            self._snapshotter = threading.Thread(target=self._keep_snapshot, daemon=True, name="snapshot")
            self._snapshotter.start()

    # -- filling the copy ------------------------------------------------------
    def _snapshot_valid(self) -> bool:
        return (self.dir / STAMP_FILE).exists() and (self.dir / SNAPSHOT_FILE).exists()

    def _fill_in_background(self) -> None:
        try:
            memory = self._fill()
            with self._write_lock:
                caught_up = self._pending or []
                for replay in caught_up:
                    replayed = replay(memory)
                    if replayed is not memory:
                        memory = replayed  # read from disk again, which holds every write since: done
                        break
                self._pending = None
                if not self._closing:
                    self.memory = memory
            if self.writable and (self.loaded_from == "disk" or caught_up):
                self._changed.set()  # a snapshot makes the next start quicker
        except Exception as exc:  # noqa: BLE001 - the disk answers on; only speed is lost
            print(f"guidegraph: warning: the in-memory copy of {self.dir} could not be filled "
                  f"({' '.join(str(exc).split())}); queries are answered from disk", file=sys.stderr)
        finally:
            with self._write_lock:
                self._pending = None  # a copy that failed keeps up with nothing
            self.filled.set()

    def _served(self):
        memory = self.memory
        return self.disk if memory is None else memory

    def _fill(self) -> ox.Store:
        started = time.perf_counter()
        checkpoint = quads = None
        shutil.rmtree(self.dir / FILL_DIR, ignore_errors=True)  # an earlier engine's, killed while it filled
        with self._write_lock:
            # The moment the copy is of: later writes are kept for it. A stamped snapshot holds
            # the disk as it is now; a checkpoint is the disk now, in a few milliseconds.
            self._pending = []
            from_snapshot = self._snapshot_valid()
            if not from_snapshot:
                checkpoint = self._checkpoint()
                if checkpoint is None:  # opening the scan takes a RocksDB snapshot, as of now too
                    quads = self.disk.quads_for_pattern(None, None, None, None)
        if from_snapshot:
            # Nothing replaces the snapshot file while the copy fills (it is written from the copy).
            memory = ox.Store()
            memory.bulk_load(path=str(self.dir / SNAPSHOT_FILE), format=ox.RdfFormat.N_QUADS)
            self.loaded_from = "snapshot"
        else:
            memory = self._read_checkpoint(checkpoint) if checkpoint is not None else _scanned(quads)
            self.loaded_from = "disk"
        self.load_seconds = time.perf_counter() - started
        return memory

    # Filling from the disk store itself means a scan that builds a Python object per quad and holds
    # the GIL throughout (bulk_extend), so the engine could not answer from disk while it ran (a
    # start waited 11-28 s at 10^6 triples). A checkpoint of the store (hard links, taken with the
    # write lock held) is written out as N-Quads and read into memory by pyoxigraph alone, which
    # lets go of the GIL: the engine answers meanwhile, and writes go on.
    def _checkpoint(self) -> Path | None:
        work = self.dir / FILL_DIR
        try:
            work.mkdir()
            self.disk.backup(str(work / "store"))
            return work
        except OSError:  # no space, or a read-only directory: scan the store instead
            shutil.rmtree(work, ignore_errors=True)
            return None

    def _read_checkpoint(self, work: Path) -> ox.Store:
        try:
            checkpoint = ox.Store.read_only(str(work / "store"))
            try:
                checkpoint.dump(str(work / "quads.nq"), ox.RdfFormat.N_QUADS)
            except OSError:  # no room for the file: scan the checkpoint, which is the same moment
                return _scanned(checkpoint.quads_for_pattern(None, None, None, None))
            finally:
                del checkpoint
            memory = ox.Store()
            memory.bulk_load(path=str(work / "quads.nq"), format=ox.RdfFormat.N_QUADS)
            return memory
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _read_disk(self) -> ox.Store:
        """A copy equal to the disk now (after a write that cannot be replayed; write lock held)."""
        return _scanned(self.disk.quads_for_pattern(None, None, None, None))

    # -- the snapshot ----------------------------------------------------------
    def _keep_snapshot(self) -> None:
        while not self._closing:
            self._changed.wait()
            if self._closing:
                return
            # quiet for a while: no write signalled during the wait
            while self._changed.is_set() and not self._closing:
                self._changed.clear()
                time.sleep(SNAPSHOT_QUIET_SECONDS)
            if not self._closing:
                self.write_snapshot()

    def write_snapshot(self) -> bool:
        """Write the copy to the snapshot file and stamp it; False when the disk refused
        (the snapshot then stays unstamped and the next start reads the store)."""
        with self._write_lock:
            if self._snapshot_valid():
                return True
            if self.memory is None:
                return False
            tmp = self.dir / f".{SNAPSHOT_FILE}.{os.getpid()}.tmp"
            try:
                # To a path, not a Python file: pyoxigraph then writes without holding the GIL,
                # so the engine's other threads go on meanwhile.
                self.memory.dump(str(tmp), ox.RdfFormat.N_QUADS)
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(tmp, self.dir / SNAPSHOT_FILE)
                with open(self.dir / STAMP_FILE, "w", encoding="utf-8") as stamp:
                    stamp.write(f"{len(self.memory)} quads\n")
                    stamp.flush()
                    os.fsync(stamp.fileno())
                fsync_dir(self.dir)
                return True
            except OSError as exc:
                try:
                    tmp.unlink()
                except FileNotFoundError:
                    pass
                print(f"guidegraph: warning: could not write the memory snapshot in {self.dir} "
                      f"({' '.join(str(exc).split())}); the next start reads the store instead", file=sys.stderr)
                return False

    # -- reading: the copy -----------------------------------------------------
    def query(self, sparql: str, **kwargs):
        return self._served().query(sparql, **kwargs)

    # Which named graphs exist is the disk's answer: the two kinds of store disagree on whether
    # CLEAR leaves an emptied graph in existence (the in-memory one keeps it), and the Graph
    # Store Protocol's 201-or-204 must not change with a restart.
    def named_graphs(self):
        return self.disk.named_graphs()

    def contains_named_graph(self, graph) -> bool:
        return self.disk.contains_named_graph(graph)

    # Files and graphs are written from the disk, in its order: the memory copy lists quads in
    # an order of its own that a restart can change, and a dump's bytes (and checksum in the
    # catalogue) must stay the same while its content does.
    def quads_for_pattern(self, *pattern):
        return self.disk.quads_for_pattern(*pattern)

    def dump(self, *args, **kwargs):
        return self.disk.dump(*args, **kwargs)

    def __len__(self) -> int:
        return len(self._served())

    # -- writing: disk, then the copy ------------------------------------------
    def update(self, sparql: str, base_iri: str | None = None, *, committed: Callable[[], None] | None = None) -> None:
        with self._write_lock:
            invalidate_snapshot(self.dir)
            self.disk.update(sparql, base_iri=base_iri)
            if committed:
                committed()
            self._follow(lambda memory: self._replay_update(memory, sparql, base_iri))
        self._changed.set()

    def bulk_load(self, *, input: bytes, format) -> None:  # noqa: A002 - pyoxigraph's own keyword
        def replay(memory: ox.Store) -> ox.Store:
            memory.bulk_load(input=input, format=format)
            return memory

        with self._write_lock:
            invalidate_snapshot(self.dir)
            self.disk.bulk_load(input=input, format=format)
            self.disk.flush()
            self._follow(replay)
        self._changed.set()

    def _follow(self, replay: Callable[[ox.Store], ox.Store]) -> None:
        """Bring the copy after a write the disk has committed (write lock held)."""
        if self._pending is not None:
            self._pending.append(replay)  # the copy is filling: replayed on it once it is read
        elif self.memory is not None:
            self.memory = replay(self.memory)
        # else no copy to keep up (its fill failed): the disk answers

    def _replay_update(self, memory: ox.Store, sparql: str, base_iri: str | None) -> ox.Store:
        if not repeats_identically(sparql):
            return self._read_disk()
        try:
            memory.update(sparql, base_iri=base_iri)
            if _EMPTIES_GRAPHS.search(sparql):
                self._forget_graphs_the_disk_forgot(memory)
            return memory
        except Exception:  # noqa: BLE001 - the disk has the write; the copy must follow it
            return self._read_disk()

    def _forget_graphs_the_disk_forgot(self, memory: ox.Store) -> None:
        on_disk = set(self.disk.named_graphs())
        for graph in list(memory.named_graphs()):
            if graph not in on_disk:
                memory.remove_graph(graph)

    def flush(self) -> None:
        self.disk.flush()

    def close(self) -> None:
        """Stop the snapshot thread, bringing the snapshot up to date first."""
        # A copy nearly whole is worth its snapshot (the next start reads that instead of the store);
        # one still filling after that is left to go with the process: the disk is the record.
        self.filled.wait(CLOSE_WAITS_FOR_FILL_SECONDS)
        self._closing = True
        self._changed.set()
        if self.writable and self.filled.is_set() and not self._snapshot_valid():
            self.write_snapshot()
