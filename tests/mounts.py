"""Disk faults on demand: a tiny tmpfs to fill up, and read-only bind mounts.

The tests run as root (as CI does). A mount that cannot be made fails the test
loudly: a disk-fault test that silently did not fault would prove nothing.
"""

from __future__ import annotations

import errno
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"cannot mount ({' '.join(args)}): {done.stderr.strip()}; the disk-fault tests need root and mount(8)")


def _unmount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(path)], check=True)  # lazily, if something still holds it


@contextmanager
def tmpfs(path: Path, size: str):
    """A tmpfs of ``size`` (mount's notation: 4m, 64m) at ``path``."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        _unmount(path)


@contextmanager
def read_only(path: Path):
    """``path`` (an existing directory) seen read-only while the context lasts."""
    _mount("--bind", str(path), str(path))
    try:
        _mount("-o", "remount,bind,ro", str(path))
        yield path
    finally:
        _unmount(path)


def fill(directory: Path) -> Path:
    """Write a filler file until the file system has not one byte left; returns it."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1):
            block = b"\0" * chunk
            while True:
                try:
                    os.write(fd, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    st = os.statvfs(directory)
    assert st.f_bavail == 0, "the file system still has room"
    return filler
