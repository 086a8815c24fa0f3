"""One N-Triples or N-Quads file loaded by a loader per core.

pyoxigraph's bulk loader parses in the calling thread and sorts and writes
each batch of a million quads in a thread of its own; a file of a million
quads or fewer is one batch, so one core loads it while the other waits
(about 100,000 triples/s here, benchmarks/bench_load.py). A line-based file
can be cut at any line break, so this reads the (decompressed) file in
chunks that end at one, and several loaders, each a ``bulk_load`` call in a
thread of its own, take the next chunk whenever they need one: each core
parses and sorts its share, and a slower loader simply takes fewer chunks.

The loader gives a file's blank nodes new names, one map per call: a label
read by two loaders would become two nodes. So every line that holds ``_:``
(a blank node, or those two characters in a literal) goes to the first
loader, which reads all of them in its one call and takes shared chunks when
it has none; the store then holds what one call on the whole file writes.

What changes is atomicity: each loader commits on its own, so a file is no
longer in whole or not at all. run.py therefore splits only loads into an
empty store, under the marker of store.unfinished_load, where undoing a
failed load is emptying the store.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from typing import BinaryIO

import pyoxigraph as ox

from guidegraph.formats import RdfFormat

CHUNK_BYTES = 4 << 20
# Below this a file loads in well under a second with one loader: threads would win nothing.
SPLIT_MIN_BYTES = 16 << 20
MAX_LOADERS = 4
LOADER_BATCH = 1_000_000  # quads pyoxigraph's loader sorts at a time (DEFAULT_BULK_LOAD_BATCH_SIZE)


def loader_count() -> int:
    """One loader per core this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_LOADERS, cores))


def worth_splitting(fmt: RdfFormat, text_bytes: int, triples: int) -> bool:
    """Whether a file of this format, ``text_bytes`` long decompressed and holding about ``triples``,
    goes faster split: big enough to gain, and at most a batch per loader. A bigger file keeps
    both cores busy in one call (parsing the next batch while the last is sorted), and split
    it ran slower: 10^7 triples took 75 s split against 63 s in one call, with twice the memory."""
    loaders = loader_count()
    return (fmt.line_based and loaders >= 2 and text_bytes >= SPLIT_MIN_BYTES
            and 0 < triples <= loaders * LOADER_BATCH)


class _Stopped(Exception):
    """Raised inside a loader's reads when another part of the load failed: that loader abandons its batch."""


class _Dealer:
    """Chunks on their way to the loaders: those any loader may take, and those with blank nodes,
    for the first loader alone. Bounded, so memory stays at a few chunks whatever the file."""

    def __init__(self, loaders: int) -> None:
        self._ready = threading.Condition()
        self._shared: deque[bytes] = deque()
        self._blank: deque[bytes] = deque()  # for loader 0
        self._limit = 2 * loaders
        self.ended = False
        self.failed = False

    def put(self, chunk: bytes, blank_nodes: bool) -> None:
        with self._ready:
            while len(self._shared) + len(self._blank) >= self._limit and not self.failed:
                self._ready.wait()
            (self._blank if blank_nodes else self._shared).append(chunk)
            self._ready.notify_all()

    def end(self, failed: bool = False) -> None:
        with self._ready:
            self.ended = True
            self.failed = self.failed or failed
            self._ready.notify_all()

    def take(self, loader: int) -> bytes | None:
        """The next chunk for ``loader``; None at the end; raises _Stopped once the load failed."""
        with self._ready:
            while True:
                if self.failed:
                    raise _Stopped
                if loader == 0 and self._blank:
                    chunk = self._blank.popleft()
                elif self._shared:
                    chunk = self._shared.popleft()
                elif self.ended:
                    return None
                else:
                    self._ready.wait()
                    continue
                self._ready.notify_all()
                return chunk


class _Chunks:
    """What one loader reads, as a file: the chunks the dealer gives it, one after another."""

    def __init__(self, dealer: _Dealer, loader: int) -> None:
        self._dealer = dealer
        self._loader = loader
        self._chunk = b""
        self._at = 0
        self._ended = False

    def read(self, size: int = -1) -> bytes:
        if self._at >= len(self._chunk):
            if self._ended:
                return b""
            chunk = self._dealer.take(self._loader)
            if chunk is None:
                self._ended = True
                return b""
            self._chunk, self._at = chunk, 0
        end = len(self._chunk) if size is None or size < 0 else self._at + size
        piece = self._chunk[self._at:end]
        self._at += len(piece)
        return piece


def load_split(store: ox.Store, stream: BinaryIO, fmt: RdfFormat, to_graph: str | None, loaders: int) -> None:
    """Load ``stream`` (a line-based format) with ``loaders`` bulk loaders at once.

    Raises the first error any part met (a syntax error's line is then counted within that
    loader's share; run.py finds the real one). On error or interrupt every loader has stopped
    when this returns, but those that had finished have committed their part."""
    dealer = _Dealer(loaders)
    errors: list[BaseException] = []
    graph = ox.NamedNode(to_graph) if to_graph else None

    def run(loader: int) -> None:
        try:
            store.bulk_load(input=_Chunks(dealer, loader), format=fmt.oxigraph_format, to_graph=graph)
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread, which raises it
            if not dealer.failed:  # else this loader was stopped because another part failed
                errors.append(exc)
            dealer.end(failed=True)

    threads = [threading.Thread(target=run, args=(i,), name=f"loader-{i}", daemon=True) for i in range(loaders)]
    for thread in threads:
        thread.start()
    try:
        _deal(stream, dealer)
        dealer.end()
    except BaseException as exc:
        errors.insert(0, exc)
        dealer.end(failed=True)
        raise
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


def _deal(stream: BinaryIO, dealer: _Dealer) -> None:
    """Read ``stream`` into chunks that end at a line break, and hand them out."""
    rest = b""
    while not dealer.failed:
        block = stream.read(CHUNK_BYTES)
        if not block:
            if rest:
                _hand_out(rest + b"\n", dealer)  # a last line without its line break
            return
        if rest:
            block = rest + block
        cut = block.rfind(b"\n") + 1
        if cut == 0:  # one line longer than a chunk: read on until it ends
            rest = block
            continue
        rest = block[cut:]
        _hand_out(block[:cut], dealer)


def _hand_out(chunk: bytes, dealer: _Dealer) -> None:
    """``chunk`` (whole lines) to the loaders: its lines with ``_:`` to the first loader alone."""
    if b"_:" not in chunk:
        dealer.put(chunk, blank_nodes=False)
        return
    lines = chunk.split(b"\n")
    with_blank = [line for line in lines if b"_:" in line]
    others = [line for line in lines if line and b"_:" not in line]
    dealer.put(b"\n".join(with_blank) + b"\n", blank_nodes=True)
    if others:
        dealer.put(b"\n".join(others) + b"\n", blank_nodes=False)
