"""Processes the benchmark starts: ports, readiness, idleness, peak memory, and stopping the whole group."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


GUIDEGRAPH = [sys.executable, "-m", "guidegraph.cli"]  # the CLI of the checkout the benchmark runs in
# One base for every start of a benchmark: without it each port mints its own, and the dump files' names with it.
BENCH_BASE_IRI = "http://data.example.org/id/"

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_memory_bytes(pid: int) -> int:
    """Sum of VmHWM (peak resident set) over the process tree: an upper bound of its peak together."""
    return sum(_status_kib(p, "VmHWM") for p in descendants(pid)) * 1024


def resident_bytes(pid: int) -> int:
    return sum(_status_kib(p, "VmRSS") for p in descendants(pid)) * 1024


def cpu_seconds(pid: int) -> float:
    total = 0
    for p in descendants(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
    return total / CLOCK_TICKS


def thread_count(pid: int) -> int:
    """Threads in the process tree of ``pid``."""
    total = 0
    for p in descendants(pid):
        try:
            total += int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[17])  # num_threads
        except OSError:
            continue
    return total


def wait_idle(pids: int | list[int], quiet: float = 1.0, timeout: float = 600.0) -> float:
    """Wait until the trees of ``pids`` use (almost) no CPU for ``quiet`` seconds (background start-up
    work done). A front end's start-up work may be its back end's: both must be quiet."""
    trees = [pids] if isinstance(pids, int) else list(pids)
    started = time.monotonic()
    before = sum(cpu_seconds(p) for p in trees)
    while time.monotonic() - started < timeout:
        time.sleep(quiet)
        now = sum(cpu_seconds(p) for p in trees)
        if now - before < 0.05 * quiet:
            return time.monotonic() - started
        before = now
    return time.monotonic() - started


def wait_http(port: int, path: str, proc: subprocess.Popen | None, timeout: float) -> float:
    """Seconds until GET ``path`` answers below 500; raises if the process dies or time runs out."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"no answer on port {port} within {timeout:g} s")


def start(argv: list[str], log: Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A server in its own process group (so stopping it stops its children), output to ``log``;
    ``env`` is added to this process's environment."""
    with open(log, "ab") as out:
        return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=cwd, env={**os.environ, **env} if env else None)


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM to the group, SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(grace)


def run_timed(argv: list[str], log: Path, timeout: float) -> tuple[float, int]:
    """Run to completion; returns (wall seconds, peak resident memory of the process tree in bytes)."""
    started = time.monotonic()
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    deadline = started + timeout
    status = usage = None
    while usage is None:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        usage = None
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            raise RuntimeError(f"{argv[0]} did not finish within {timeout:g} s")
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-800:]
        raise RuntimeError(f"{' '.join(argv[:3])} failed with status {proc.returncode}: {tail}")
    return elapsed, usage.ru_maxrss * 1024  # ru_maxrss of wait4: the largest of the process and its waited children
