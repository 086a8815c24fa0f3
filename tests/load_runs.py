"""What the load tests share: the real `guidegraph` command as a child (to run, or to kill mid-load),
and a store read back after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox


def guidegraph(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegraph.cli", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def load_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "guidegraph.cli", "load", "--no-progress", *args]


def start_load(*args: str) -> subprocess.Popen:
    """The load in a process group of its own, so a kill reaches every process it started."""
    return subprocess.Popen(load_command(*args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def kill_now(proc: subprocess.Popen) -> None:
    """SIGKILL (nothing of the load's own clean-up runs), then wait for it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(60)


def nquads_of(data_dir: Path) -> bytes:
    """Everything in the store in ``data_dir`` (opened after the loader let go of it)."""
    store = ox.Store(str(data_dir))
    try:
        return store.dump(format=ox.RdfFormat.N_QUADS)
    finally:
        del store
