"""The progress bar of a bulk load: bytes of the input files read, and triples per second.

The loader reads in native code without calling back per triple, so a
watcher thread samples the offset of the file being read a few times a
second; the triples so far are estimated from the share of the file read and
the file's triple count from the check pass. No bar off a terminal.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import BinaryIO

SAMPLE_SECONDS = 0.25


def wanted(no_progress: bool) -> bool:
    return not no_progress and sys.stderr.isatty()


def rate_text(triples: float, seconds: float) -> str:
    if seconds <= 0:
        return ""
    rate = triples / seconds
    return f"{rate / 1000:,.0f}k triples/s" if rate >= 10_000 else f"{rate:,.0f} triples/s"


class Phase:
    """One bar over ``total_bytes`` (the check pass, then the load)."""

    def __init__(self, desc: str, total_bytes: int, total_triples: int | None, enabled: bool) -> None:
        self.enabled = enabled
        self.total_triples = total_triples
        self.done_bytes = 0
        self.done_triples = 0
        self.started = time.perf_counter()
        self._file: BinaryIO | None = None
        self._file_triples = 0
        self._file_size = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total_bytes, desc=desc, unit="B", unit_scale=True, unit_divisor=1024,
                            file=sys.stderr, dynamic_ncols=True, leave=True)
            self._thread = threading.Thread(target=self._watch, name="load-progress", daemon=True)
            self._thread.start()

    def reading(self, raw: BinaryIO, size: int, triples: int = 0) -> None:
        """The next file: ``raw`` (the file on disk), its size and (when known) its triples."""
        with self._lock:
            self._file, self._file_size, self._file_triples = raw, size, triples

    def file_done(self) -> None:
        with self._lock:
            self.done_bytes += self._file_size
            self.done_triples += self._file_triples
            self._file = None
        self._show()

    def _offset(self) -> int:
        raw = self._file
        if raw is None:
            return 0
        try:
            return min(os.lseek(raw.fileno(), 0, os.SEEK_CUR), self._file_size)
        except (OSError, ValueError):  # closed meanwhile
            return 0

    def _show(self) -> None:
        if self.bar is None:
            return
        with self._lock:
            offset = self._offset()
            read = self.done_bytes + offset
            share = offset / self._file_size if self._file_size else 0.0
            triples = self.done_triples + share * self._file_triples
        self.bar.n = read
        if self._file is not None and self._file_size and offset >= self._file_size:
            # the whole file is parsed; the loader is still sorting and writing its last batches
            self.bar.set_postfix_str("writing the store", refresh=False)
        elif self.total_triples:
            self.bar.set_postfix_str(rate_text(triples, time.perf_counter() - self.started), refresh=False)
        self.bar.refresh()

    def _watch(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._show()

    def close(self) -> None:
        self._stop.set()
        if self.bar is not None:
            self._thread.join()
            self._show()
            self.bar.close()
