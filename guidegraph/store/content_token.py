"""A name for what the on-disk store holds, kept beside it so it outlives a restart.

What is made from the store (the dump files) can then be kept across restarts:
it is stamped with the token it was made from and is current while the store
holds that token. Writing the dumps of 10^6 triples takes about 30 s of a core,
and a server did it again at every start for data that had not changed.

The token is removed, durably, before anything is written to the disk, by any
way in (the engine's writes, a bulk load), and a new one is minted only when
asked for while no write runs. A crash mid-write leaves no token, and the next
start mints one that nothing was stamped with: what was made is made again,
never served for data it does not describe.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from guidegraph.formats import fsync_dir, write_atomic

TOKEN_FILE = "content-token"


def read(data_dir: str | os.PathLike[str]) -> str | None:
    try:
        token = (Path(data_dir) / TOKEN_FILE).read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return token or None


def forget(data_dir: str | os.PathLike[str]) -> None:
    """Call before the disk changes."""
    try:
        (Path(data_dir) / TOKEN_FILE).unlink()
    except FileNotFoundError:
        return
    fsync_dir(data_dir)


def mint(data_dir: str | os.PathLike[str]) -> str | None:
    """A new token, written durably; None when the disk refused (nothing is then kept across
    the next restart, which only costs time)."""
    token = secrets.token_hex(12)
    try:
        write_atomic(Path(data_dir) / TOKEN_FILE, token.encode("ascii") + b"\n")
        fsync_dir(data_dir)
    except OSError as exc:  # FileSystemError included
        print(f"guidegraph: warning: could not record the store's content token in {data_dir} "
              f"({' '.join(str(exc).split())}); dumps are written again at the next start", file=sys.stderr)
        return None
    return token


class TokenKeeper:
    """The engine's side. A write forgets the token (which costs only the first write of a
    burst: the file is gone after it); a token is minted when one is asked for and no write
    is running, so a run of small writes pays for no fsync beyond the first."""

    def __init__(self, data_dir: str | os.PathLike[str], writable: bool) -> None:
        self.data_dir = data_dir
        self.writable = writable
        self._lock = threading.Lock()  # held by each write, from before it touches the disk
        # Readers take turns here, so one minting (which holds _lock, to keep writes out) is waited
        # for by the others instead of being taken for a write: the dumps and the search index
        # ask at the same moment after a write, and one of them was told "no token".
        self._readers = threading.Lock()

    @contextmanager
    def changing(self):
        with self._lock:
            forget(self.data_dir)
            yield

    def current(self) -> str | None:
        """None while a write runs (its outcome cannot be named yet) or on a read-only store
        that has none; a reader never waits for a write."""
        with self._readers:
            if not self._lock.acquire(blocking=False):
                return None
            try:
                token = read(self.data_dir)
                if token is None and self.writable:
                    token = mint(self.data_dir)
                return token
            finally:
                self._lock.release()
