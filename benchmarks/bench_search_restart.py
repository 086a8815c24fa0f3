"""How long a reader's search waits after a restart, and past a remote store's refresh age.

Generated guide-shaped N-Quads (benchmarks/engines/generator.py) go into
guidegraph's embedded store (`guidegraph load`) and into a Virtuoso started for
the run (tests/virtuoso_server.py). On each, the real server is started on one
data directory, stopped and started again, side by side in one run:

- as before (waitress): benchmarks/engines/serve_search_as_before.py, every
  start builds the index at the first search, and a search finding a remote
  store's index older than the refresh age waits for the new one;
- today's code (waitress), and ``guidegraph serve`` as shipped (granian).

Each start waits until the server's process tree (and Virtuoso) is quiet, so a
search is timed alone, not against the start-up work. A search is one
``GET /api/search`` (a term not asked before, so nothing is answered from a
cache), timed by the client. Columns: the first search on a fresh data
directory (the index is built: the same work for every variant), the first
search after the restart, and (remote) the search once the index is older than
the refresh age (--remote-refresh).

    python benchmarks/bench_search_restart.py [--triples 1000000] [--out FILE]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engines import generator, procs, report  # noqa: E402
from engines.procs import BENCH_BASE_IRI as BASE_IRI, GUIDEGRAPH  # noqa: E402
from engines.systems import Virtuoso  # noqa: E402

AS_BEFORE = [sys.executable, str(HERE / "engines" / "serve_search_as_before.py")]
VARIANTS = [
    ("as before (waitress)", AS_BEFORE, "waitress"),
    ("kept and refreshed in the background (waitress)", GUIDEGRAPH, "waitress"),
    ("kept and refreshed in the background (granian, as shipped)", GUIDEGRAPH, "granian"),
]
REFRESH_SECONDS = 5
# Terms of the seed guides, which every replica of the generated data holds; no server is asked
# one twice (each asks at most two), so none is answered from what it asked before.
TERMS = itertools.cycle(["无创脑机接口", "城市智能交通系统", "中医临床", "古建筑修缮", "脑类器官", "生物医药", "关键技术",
              "卵母细胞", "稀散金属", "病原学", "脂溢性脱发", "临床研究"])


def timed_search(port: int) -> float:
    """Client seconds for one search (which must find something: an empty index would be quick too)."""
    term = next(TERMS)
    asked = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
    conn.request("GET", "/api/search?" + urllib.parse.urlencode({"q": term}))
    response = conn.getresponse()
    body = response.read()
    conn.close()
    seconds = time.perf_counter() - asked
    if response.status != 200:
        raise RuntimeError(f"/api/search answered {response.status}: {body[:300]!r}")
    if not json.loads(body)["total"]:
        raise RuntimeError(f"/api/search found nothing for {term!r}")
    return seconds


def start(command: list[str], args: list[str], http_server: str, log: Path, quiet_pids: list[int]):
    port = procs.free_port()
    proc = procs.start([*command, "serve", *args, "--host", "127.0.0.1", "--port", str(port), "--base-iri", BASE_IRI,
                        "--http-server", http_server], log)
    procs.wait_http(port, "/health", proc, timeout=1200)
    procs.wait_idle([proc.pid, *quiet_pids], quiet=1.0, timeout=1800)
    return proc, port


def measure(variant, store_args: list[str], data_dir: Path, log: Path, quiet_pids: list[int], remote: bool) -> dict:
    label, command, http_server = variant
    shutil.rmtree(data_dir / "search", ignore_errors=True)
    out: dict = {"label": label}
    proc, port = start(command, store_args, http_server, log, quiet_pids)
    try:
        out["fresh"] = timed_search(port)
    finally:
        procs.stop(proc)
    proc, port = start(command, store_args, http_server, log, quiet_pids)
    try:
        out["restart"] = timed_search(port)
        if remote:
            procs.wait_idle([proc.pid, *quiet_pids], quiet=1.0, timeout=1800)
            time.sleep(REFRESH_SECONDS + 1)
            out["aged"] = timed_search(port)
            procs.wait_idle([proc.pid, *quiet_pids], quiet=1.0, timeout=1800)
    finally:
        procs.stop(proc)
    return out


def row(store: str, r: dict) -> list[str]:
    return [store, r["label"], report.ms(r["fresh"]), report.ms(r["restart"]),
            report.ms(r["aged"]) if "aged" in r else "–"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--triples", type=float, default=1e6, help="triples to generate (default 1e6)")
    p.add_argument("--out", default=str(HERE / "results" / "search-restart.md"))
    args = p.parse_args(argv)
    triples = int(args.triples)
    source = generator.dataset_file(triples)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-search-restart-") as tmp:
        work = Path(tmp)
        log = work / "serve.log"
        embedded = work / "embedded"
        elapsed, _ = procs.run_timed([*GUIDEGRAPH, "load", str(source), "--data-dir", str(embedded),
                                      "--base-iri", BASE_IRI], log, timeout=3600)
        print(f"loaded {triples:,} triples into guidegraph in {elapsed:.1f} s", file=sys.stderr)
        for variant in VARIANTS:
            r = measure(variant, ["--data-dir", str(embedded)], embedded, log, [], remote=False)
            rows.append(row("embedded", r))
            print(f"  {rows[-1]}", file=sys.stderr)
        virtuoso = Virtuoso(work / "virtuoso", timeout=300.0)
        if virtuoso.unavailable():
            print(f"bench_search_restart: {virtuoso.unavailable()}", file=sys.stderr)
            return 2
        loaded = virtuoso.load(source)
        print(f"loaded {triples:,} triples into Virtuoso in {loaded.seconds:.1f} s", file=sys.stderr)
        virtuoso.start()
        try:
            for i, variant in enumerate(VARIANTS):
                data_dir = work / f"remote-{i}"
                remote_args = ["--store", "remote", "--remote-dialect", "virtuoso", "--endpoint", virtuoso.endpoint_url(),
                               "--data-dir", str(data_dir), "--timeout", "300", "--remote-refresh", str(REFRESH_SECONDS)]
                r = measure(variant, remote_args, data_dir, log, [virtuoso.proc.pid], remote=True)
                rows.append(row("on Virtuoso", r))
                print(f"  {rows[-1]}", file=sys.stderr)
        finally:
            virtuoso.stop()
    lines = [*report.run_header("A reader's search after a restart, and past a remote store's refresh age",
                                "bench_search_restart.py", argv if argv is not None else sys.argv[1:], virtuoso=True),
             f"{report.scale_name(triples)} triples. One `GET /api/search` per cell, a term not asked before, timed by "
             "the client once the server (and Virtuoso) were quiet; ms. The first search on a fresh data directory "
             "builds the index in every variant.", "",
             *report.table(["store", "server", "first search, fresh data directory", "first search after a restart",
                            f"search past the refresh age ({REFRESH_SECONDS} s)"], rows)]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
