"""Linked-data publishing speed at 10^6 triples: resource pages, dumps, memory, side by side.

One run builds a guide-shaped store of at least N triples (default 1,000,000;
the seed guides' real outlines, renumbered: tests/synthetic_corpus.py), then
prints one table:

- page latency, p50 and p99, with the server's page cache on and off: the
  home page, guide pages, and resource pages (HTML and Turtle) over a sample
  of every resource kind, next to our SPARQL endpoint answering
  ``DESCRIBE <iri>`` (the floor a page stands on);
- dump throughput (quads/s) and peak memory (max RSS of the process tree)
  of ``guidegraph dump`` (all the dump files) and of the N-Quads file alone,
  next to ``oxigraph dump`` of the same store as the reference.

    python benchmarks/bench_linked_data.py [--triples N] [--sample K]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

BASE = "http://127.0.0.1:{port}/id/"
KINDS = ("GuideDocument", "SpecialProgramme", "Programme", "FieldSection", "Direction", "SubDirection", "Indicator",
         "AcceptingOffice", "ContactPoint", "Field", "Jurisdiction", "FundingAmount", "SourceSpan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Linux keeps a process's peak RSS across exec, so a command started straight from this
# (large) process would report this process's size. A small launcher runs it instead and
# reports the peak of the command and the children it waited for.
_LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, status)
"""


def run_measured(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of ``cmd`` and the children it waited for."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], capture_output=True, text=True, check=True)
    elapsed, rss, status = done.stdout.split()
    if int(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed: {done.stderr[-500:]}")
    return float(elapsed), int(rss)


def build_store(data_dir: Path, triples: int, port: int) -> int:
    from synthetic_corpus import synthetic_nquads

    from guidegraph.bundled_corpus import record_base_iri
    from guidegraph.store import open_store

    nquads, guides = synthetic_nquads(triples)
    del guides
    with open_store({"data_dir": str(data_dir)}) as store:
        store.bulk_load_nquads(nquads.replace(b"https://w3id.org/guidegraph/id/", BASE.format(port=port).encode()))
        count = store.triple_count()
    record_base_iri(data_dir, BASE.format(port=port))
    return count


def wait_up(url: str) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def get(url: str, accept: str) -> float:
    request = urllib.request.Request(url, headers={"Accept": accept})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - start) * 1000


def iris_of_kind(endpoint: str, kind: str, limit: int = 2000) -> list[str]:
    query = f"SELECT ?x WHERE {{ ?x a <https://w3id.org/guidegraph/ontology#{kind}> }} LIMIT {limit}"
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})) as r:
        return [b["x"]["value"] for b in json.load(r)["results"]["bindings"]]


def sample_iris(endpoint: str, per_kind: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    out = []
    for kind in KINDS:
        rows = iris_of_kind(endpoint, kind)
        out += rng.sample(rows, min(per_kind, len(rows)))
    rng.shuffle(out)
    return out


def percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    p99 = values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]
    return statistics.median(values), p99


def wait_unlocked(data: Path, seconds: float = 120) -> None:
    """Wait until no process holds the store (an engine of the previous step may still be exiting)."""
    import pyoxigraph

    deadline = time.monotonic() + seconds
    while True:
        try:
            store = pyoxigraph.Store(str(data))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
            continue
        del store
        return


def measure_pages(guidegraph: str, data: Path, port: int, per_kind: int, cache: bool) -> list[tuple]:
    """p50/p99 of the home page, guide pages and resource pages on a fresh server."""
    flags = [] if cache else ["--no-page-cache"]
    wait_unlocked(data)
    log = open(data.parent / f"serve-{'cached' if cache else 'uncached'}.log", "w+b")
    server = subprocess.Popen([guidegraph, "serve", "--port", str(port), "--data-dir", str(data), "--no-corpus", *flags],
                              stdout=log, stderr=subprocess.STDOUT)
    label = "cache on" if cache else "cache off"
    rows = []
    try:
        origin = f"http://127.0.0.1:{port}"
        try:
            wait_up(origin + "/health")
        except RuntimeError:
            log.seek(0)
            raise RuntimeError("the server did not start: " + log.read().decode("utf-8", "replace")[-2000:]) from None
        base = BASE.format(port=port)
        iris = sample_iris(origin + "/sparql", per_kind)
        guides = iris_of_kind(origin + "/sparql", "GuideDocument")
        get(origin + "/", "text/html")  # the first home page computes the guide table
        requests = [
            ("SPARQL DESCRIBE <iri> (floor)", [origin + "/sparql?" + urllib.parse.urlencode({"query": f"DESCRIBE <{i}>"}) for i in iris], "text/turtle"),
            ("home page", [origin + "/"] * 50, "text/html"),
            ("guide page, HTML", [origin + "/doc/" + g[len(base):] + ".html" for g in guides[:40]] * 2, "text/html"),
            ("resource page, Turtle", [origin + "/doc/" + i[len(base):] + ".ttl" for i in iris] * 2, "text/turtle"),
            ("resource page, HTML", [origin + "/doc/" + i[len(base):] + ".html" for i in iris] * 2, "text/html"),
        ]
        for name, urls, accept in requests:
            times = [get(url, accept) for url in urls]
            p50, p99 = percentiles(times)
            rows.append((f"{name} ({label}; each page twice)" if "page" in name and name != "home page" else f"{name} ({label})",
                         len(times), f"{p50:.1f}", f"{p99:.1f}"))
    finally:
        server.terminate()
        server.wait(60)
        log.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=30, help="resources per kind (default 30)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-ld-"))
    port = free_port()
    data = work / "data"
    t0 = time.perf_counter()
    quads = build_store(data, args.triples, port)
    print(f"store: {quads:,} quads built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    rows = []
    guidegraph = str(Path(sys.executable).with_name("guidegraph"))
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))

    # dumps, each in a fresh process against the closed store
    seconds, rss = run_measured([oxigraph, "dump", "--location", str(data), "--file", str(work / "ox.nq")])
    rows.append(("oxigraph dump → N-Quads (reference)", f"{seconds:.1f} s", f"{quads / seconds:,.0f}", f"{rss / 1024:,.0f}"))
    seconds, rss = run_measured([guidegraph, "dump", "-o", str(work / "dumps"), "--data-dir", str(data)])
    files = json.loads((work / "dumps" / "index.json").read_text())
    rows.append((f"guidegraph dump → all {len(files)} files", f"{seconds:.1f} s", f"{quads / seconds:,.0f}", f"{rss / 1024:,.0f}"))
    code = ("import sys; from guidegraph.store import open_store\n"
            "with open_store({'data_dir': sys.argv[1]}) as s: s.dump_to_file(sys.argv[2], 'nquads', None, False, None)")
    seconds, rss = run_measured([sys.executable, "-c", code, str(data), str(work / "gg.nq")])
    rows.append(("guidegraph store → N-Quads file", f"{seconds:.1f} s", f"{quads / seconds:,.0f}", f"{rss / 1024:,.0f}"))
    same = (work / "gg.nq").stat().st_size == (work / "ox.nq").stat().st_size
    print(f"N-Quads from guidegraph and oxigraph: {'same size' if same else 'sizes differ'}", file=sys.stderr)

    # pages on a running server, with the page cache on and off
    page_rows = []
    try:
        for cache in (True, False):
            page_rows += measure_pages(guidegraph, data, port, args.sample, cache)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n## Linked data at {quads:,} quads ({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})\n")
    print("| dump | time | quads/s | peak RSS MiB |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("\n| request | n | p50 ms | p99 ms |\n|---|---|---|---|")
    for row in page_rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
