"""What a restart of `guidegraph serve` costs: first start, a restart keeping what it made, and ones without.

Loads generated guide-shaped N-Quads (benchmarks/engines/generator.py) with
`guidegraph load`, then starts the real server (granian) on the data directory
three times, side by side in one run:

- first start: nothing made from the data yet (the dumps are written);
- restart: the store still holds what the dumps and the catalogue's
  measurements were made from (both kept);
- restart measuring the catalogue again: `catalog/measured.json` removed
  first, what a restart cost before the measurements were kept;
- restart without either: `dumps/.made-from.json` removed too, what every
  restart cost before dumps were kept across restarts.

Each row: seconds to the first answer of /health, then to the answer of a
harvester's first /.well-known/void (asked at once after /health), seconds
until the server's process tree (worker and engine) is quiet for a second
(its start-up work: dumps, catalogue statistics, memory copy, cache
warming), the CPU seconds that took, and whether the dump files were
written anew (their inode changes).

    python benchmarks/bench_restart.py [--triples 100000 1000000] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engines import generator, procs, report  # noqa: E402
from engines.procs import BENCH_BASE_IRI as BASE_IRI, GUIDEGRAPH  # noqa: E402

CASES = ("first start", "restart (dumps and catalogue kept)", "restart measuring the catalogue again",
         "restart keeping neither")
# What each case removes before the start.
FORGETS = {"restart measuring the catalogue again": ("catalog/measured.json",),
           "restart keeping neither": ("catalog/measured.json", "dumps/.made-from.json")}


def start_once(data_dir: Path, log: Path) -> dict:
    port = procs.free_port()
    dump = data_dir / "dumps" / "dataset.nq.gz"
    inode = dump.stat().st_ino if dump.exists() else None
    # one base for all three: without it each port would mint its own, and the dumps' file names with it
    proc = procs.start([*GUIDEGRAPH, "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir),
                        "--base-iri", BASE_IRI], log)
    started = time.monotonic()
    try:
        first_answer = procs.wait_http(port, "/health", proc, timeout=600)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/.well-known/void", headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(request, timeout=600) as response:
            assert response.status == 200 and b"void:triples" in response.read()
        void = time.monotonic() - started
        procs.wait_idle(proc.pid, quiet=1.0, timeout=1200)
        settled = time.monotonic() - started - 1.0  # the quiet second is not start-up work
        cpu = procs.cpu_seconds(proc.pid)
    finally:
        procs.stop(proc)
    written = not dump.exists() or dump.stat().st_ino != inode
    return {"answer": first_answer, "void": void, "settle": settled, "cpu": cpu, "written": written}


def run(triples: int, workdir: Path) -> list[tuple[str, dict]]:
    source = generator.dataset_file(triples)
    data_dir = workdir / f"data-{triples}"
    log = workdir / f"restart-{triples}.log"
    elapsed, _ = procs.run_timed([*GUIDEGRAPH, "load", str(source), "--data-dir", str(data_dir)], log, timeout=3600)
    print(f"  loaded {triples:,} triples in {elapsed:.1f} s", file=sys.stderr)
    rows = []
    for case in CASES:
        for name in FORGETS.get(case, ()):
            (data_dir / name).unlink(missing_ok=True)
        rows.append((case, start_once(data_dir, log)))
        print(f"  {case}: {rows[-1][1]}", file=sys.stderr)
    return rows


def markdown(results: dict[int, list[tuple[str, dict]]], argv: list[str]) -> str:
    lines = ["# Restart benchmark", "", f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
             f"`python benchmarks/bench_restart.py {' '.join(argv)}`", "", "| machine |  |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report.machine()]
    for triples, rows in results.items():
        lines += ["", f"## {triples:,} triples", "",
                  "| start | first answer s | first VoID s | settled s | CPU s to settle | dumps written |",
                  "|---|---|---|---|---|---|"]
        for case, r in rows:
            lines.append(f"| {case} | {r['answer']:.2f} | {r['void']:.2f} | {r['settle']:.1f} | {r['cpu']:.1f} | "
                         f"{'yes' if r['written'] else 'no'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=lambda s: int(float(s)), nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp:
        results = {n: run(n, Path(tmp)) for n in args.triples}
    report.publish(markdown(results, sys.argv[1:] if argv is None else argv), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
