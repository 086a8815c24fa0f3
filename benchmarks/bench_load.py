"""Bulk load rate and peak memory: ``guidegraph load`` next to the engine's own loaders.

Generates deterministic guide-shaped N-Quads (bench_endpoint.synthetic_nquads, in a child process)
at each size, writes it plain and gzip-compressed, and loads it into a fresh
store directory with each loader, one child process per run:

- ``guidegraph load`` on the .nq and on the .nq.gz file (check pass, load,
  counts; no progress bar), and on the .nq with GUIDEGRAPH_MALLOC=system
  (glibc's malloc instead of the preloaded one, guidegraph.allocator);
- the check pass alone (pyoxigraph.parse over the file, counting), to show
  what checking every file first costs;
- raw ``pyoxigraph.Store(dir).bulk_load(path=FILE)``, the floor for us;
- ``oxigraph load`` (the Oxigraph CLI, in .venv/bin), the engine's own tool;
- for reference, pyoxigraph's in-memory ``Store().load(path=FILE)`` (not
  persisted: what a load into memory alone would reach).

Each row: wall seconds, triples/s, the child's CPU seconds (user + system)
and triples per CPU second (the rate the machine's cores allow; on a shared
machine wall time also counts other processes), and the child's peak RSS.
The store of each persisted run is reopened and counted. The target (issue
13) is 200,000 triples/s.

    python benchmarks/bench_load.py [--triples 100000 1000000] [--only PREFIX...] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

TARGET = 200_000
VENV_BIN = Path(sys.executable).parent


@dataclass
class Run:
    system: str
    triples: int
    seconds: float
    cpu: float
    rss_mb: float
    stored: int | None

    @property
    def rate(self) -> float:
        return self.triples / self.seconds

    @property
    def cpu_rate(self) -> float:
        return self.triples / self.cpu if self.cpu else 0.0


def timed_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MB, stderr) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stderr = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:3]} failed ({proc.returncode}): {stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr


def stored_quads(directory: Path) -> int:
    store = ox.Store(str(directory))
    try:
        return len(store)
    finally:
        del store


def python_child(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def runs_for(n: int, nq: Path, gz: Path, work: Path, only: list[str] | None = None) -> list[Run]:
    def fresh(name: str) -> Path:
        path = work / f"{name}-{n}"
        shutil.rmtree(path, ignore_errors=True)
        return path

    system_malloc = {**os.environ, "GUIDEGRAPH_MALLOC": "system"}
    systems = [
        ("guidegraph load .nq", lambda d: [str(VENV_BIN / "guidegraph"), "load", str(nq), "--no-progress", "--data-dir", str(d)], True),
        ("guidegraph load .nq, system malloc", lambda d: [str(VENV_BIN / "guidegraph"), "load", str(nq), "--no-progress", "--data-dir", str(d)], True),
        ("guidegraph load .nq.gz", lambda d: [str(VENV_BIN / "guidegraph"), "load", str(gz), "--no-progress", "--data-dir", str(d)], True),
        ("check pass alone (parse, count)", lambda d: python_child(
            "import pyoxigraph as ox, gzip\n"
            f"n = sum(1 for _ in ox.parse(input=open({str(nq)!r}, 'rb'), format=ox.RdfFormat.N_QUADS))\n"
            f"assert n == {n}, n"), False),
        ("pyoxigraph Store.bulk_load(path)", lambda d: python_child(
            "import pyoxigraph as ox\n"
            f"ox.Store({str(d)!r}).bulk_load(path={str(nq)!r}, format=ox.RdfFormat.N_QUADS)"), True),
        ("oxigraph load (CLI)", lambda d: [str(VENV_BIN / "oxigraph"), "load", "--location", str(d), "--file", str(nq)], True),
        ("pyoxigraph in memory Store().load (reference)", lambda d: python_child(
            "import pyoxigraph as ox\n"
            f"s = ox.Store(); s.load(path={str(nq)!r}, format=ox.RdfFormat.N_QUADS)\n"
            f"assert len(s) == {n}, len(s)"), False),
    ]
    runs = []
    for name, argv_for, persisted in systems:
        if only and not any(name.startswith(prefix) for prefix in only):
            continue
        directory = fresh(name.split()[0])
        wall, cpu, rss, _ = timed_child(argv_for(directory), system_malloc if "system malloc" in name else None)
        stored = stored_quads(directory) if persisted else None
        runs.append(Run(name, n, wall, cpu, rss, stored))
        shutil.rmtree(directory, ignore_errors=True)
        print(f"  {name}: {wall:.1f} s", file=sys.stderr, flush=True)
    return runs


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), pyoxigraph "
            f"{getattr(ox, '__version__', '?')}, Python {platform.python_version()}")


def table(runs: list[Run]) -> str:
    rows = [("system", "triples", "seconds", "triples/s", "CPU s", "triples/CPU-s", "peak RSS MB", "stored", f"≥ {TARGET:,}/s")]
    for r in runs:
        rows.append((r.system, f"{r.triples:,}", f"{r.seconds:.1f}", f"{r.rate:,.0f}", f"{r.cpu:.1f}",
                     f"{r.cpu_rate:,.0f}", f"{r.rss_mb:,.0f}", "-" if r.stored is None else f"{r.stored:,}",
                     "yes" if r.rate >= TARGET else "no"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(widths[i]) for i, c in enumerate(row)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000], help="sizes (10000000 on request)")
    parser.add_argument("--only", nargs="+", metavar="PREFIX", help="run only the systems whose names start so (e.g. 'guidegraph load')")
    parser.add_argument("--keep", help="directory for the generated files (kept between runs); default: a temporary one")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-load-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    runs: list[Run] = []
    try:
        for n in args.triples:
            nq, gz = work / f"synthetic-{n}.nq", work / f"synthetic-{n}.nq.gz"
            if not nq.exists():
                # In a child: a child's peak RSS counts what it inherited at fork, so this process stays small.
                subprocess.run(python_child(
                    f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
                    "from pathlib import Path\nfrom bench_endpoint import synthetic_nquads\n"
                    f"Path({str(nq)!r}).write_bytes(synthetic_nquads({n}))"), check=True)
            if not gz.exists():
                with open(nq, "rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            print(f"{n:,} triples: {nq.stat().st_size / 1e6:.0f} MB, gzip {gz.stat().st_size / 1e6:.0f} MB", file=sys.stderr)
            runs += runs_for(n, nq, gz, work, args.only)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print(table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
