"""Light queries through guidegraph on Virtuoso while it writes its dump files, and after.

Loads generated guide-shaped N-Quads (benchmarks/engines/generator.py) into a
Virtuoso started for the run (tests/virtuoso_server.py), then starts
``guidegraph serve --store remote`` in front of it on a fresh data directory, so
it writes every dump file as it starts. Side by side in one run:

- dumps written in the worker (waitress): the server's own process writes
  them, as before guidegraph/dumps_process.py (benchmarks/engines/serve_dumps_in_worker.py);
- dumps written by a child process (waitress): the same server, today's code;
- dumps written by a child process (granian): ``guidegraph serve`` as shipped.

While the files are being written, the two light queries of the engines
benchmark (a point lookup, a direction's indicators; a new text each time, so no
cache answers) go alternately to guidegraph and to Virtuoso direct; then again
once the server's process tree is quiet. Each row gives the median and 90th
percentile of the client's wall time. Last, once the files are older than the
refresh age (--remote-refresh), the time a harvester waits for /dumps/index.json.

    python benchmarks/bench_remote_refresh.py [--triples 1000000] [--out FILE]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engines import generator, procs, report  # noqa: E402
from engines.procs import BENCH_BASE_IRI as BASE_IRI, GUIDEGRAPH  # noqa: E402
from engines.client import SparqlClient  # noqa: E402
from engines.queries import shape_queries  # noqa: E402
from engines.systems import Virtuoso  # noqa: E402

IN_WORKER = [sys.executable, str(HERE / "engines" / "serve_dumps_in_worker.py")]
VARIANTS = [
    ("dumps written in the worker (waitress, as before)", IN_WORKER, "waitress"),
    ("dumps written by a child process (waitress)", GUIDEGRAPH, "waitress"),
    ("dumps written by a child process (granian, as shipped)", GUIDEGRAPH, "granian"),
]
AFTER_ROUNDS = 200
REFRESH_SECONDS = 5


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def measure(variant, virtuoso: Virtuoso, work: Path, light, counter) -> dict:
    label, command, http_server = variant
    data_dir = work / f"data-{http_server}-{len(label)}"
    port = procs.free_port()
    log = work / f"serve-{port}.log"
    proc = procs.start([*command, "serve", "--store", "remote", "--remote-dialect", "virtuoso",
                        "--endpoint", virtuoso.endpoint_url(), "--host", "127.0.0.1", "--port", str(port),
                        "--base-iri", BASE_IRI, "--data-dir", str(data_dir), "--http-server", http_server,
                        "--timeout", "300", "--remote-refresh", str(REFRESH_SECONDS)], log)
    started = time.monotonic()
    ours, direct = SparqlClient(port), SparqlClient(virtuoso.port, "/sparql")
    index = data_dir / "dumps" / "index.json"
    during: dict[str, list[float]] = {"ours": [], "direct": []}
    after: dict[str, list[float]] = {"ours": [], "direct": []}
    try:
        procs.wait_http(port, "/health", proc, timeout=600)
        while not index.exists() and time.monotonic() - started < 1800:
            run = next(counter)
            text = light[run % len(light)].variant(run)
            during["ours"].append(ours.query(text).seconds)
            during["direct"].append(direct.query(text).seconds)
        written = time.monotonic() - started
        procs.wait_idle([proc.pid, virtuoso.proc.pid], quiet=1.0, timeout=1800)
        for _ in range(AFTER_ROUNDS):
            run = next(counter)
            text = light[run % len(light)].variant(run)
            after["ours"].append(ours.query(text).seconds)
            after["direct"].append(direct.query(text).seconds)
        time.sleep(REFRESH_SECONDS + 1)
        asked = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
        conn.request("GET", "/dumps/index.json")
        conn.getresponse().read()
        conn.close()
        aged = time.perf_counter() - asked
        procs.wait_idle([proc.pid, virtuoso.proc.pid], quiet=1.0, timeout=1800)
    finally:
        ours.close()
        direct.close()
        procs.stop(proc)
    return {"label": label, "written": written, "during": during, "after": after, "aged": aged}


def row(result: dict) -> list[str]:
    def cells(samples: dict[str, list[float]]) -> list[str]:
        ours, direct = samples["ours"], samples["direct"]
        if not ours:
            return ["–"] * 4
        return [f"{report.ms(statistics.median(ours))} / {report.ms(percentile(ours, 0.9))}",
                f"{report.ms(statistics.median(direct))} / {report.ms(percentile(direct, 0.9))}",
                report.ratio(statistics.median(ours), statistics.median(direct)), f"{len(ours):,}"]

    return [result["label"], f"{result['written']:.1f}", *cells(result["during"]), *cells(result["after"]),
            report.ms(result["aged"])]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--triples", type=float, default=1e6, help="triples to generate (default 1e6)")
    p.add_argument("--out", default=str(HERE / "results" / "remote-refresh.md"))
    args = p.parse_args(argv)
    triples = int(args.triples)
    light = [q for q in shape_queries(generator.sample_iris()) if q.weight == "light"]
    counter = iter(range(10**9))
    with tempfile.TemporaryDirectory(prefix="bench-remote-refresh-") as tmp:
        work = Path(tmp)
        virtuoso = Virtuoso(work / "virtuoso", timeout=300.0)
        if virtuoso.unavailable():
            print(f"bench_remote_refresh: {virtuoso.unavailable()}", file=sys.stderr)
            return 2
        loaded = virtuoso.load(generator.dataset_file(triples))
        print(f"loaded {triples:,} triples into Virtuoso in {loaded.seconds:.1f} s", file=sys.stderr)
        virtuoso.start()
        try:
            results = []
            for variant in VARIANTS:
                results.append(measure(variant, virtuoso, work, light, counter))
                print(f"  {row(results[-1])}", file=sys.stderr)
        finally:
            virtuoso.stop()
    lines = [*report.run_header("Light queries through guidegraph on Virtuoso while it writes its dumps",
                                "bench_remote_refresh.py", argv if argv is not None else sys.argv[1:], virtuoso=True),
             f"{report.scale_name(triples)} triples. A fresh data directory each time, so the server writes every dump "
             "file as it starts. Light queries (point lookup, indicators; a new text each time) alternate between "
             "guidegraph and Virtuoso direct: while the files are written (until index.json appears), and "
             f"{AFTER_ROUNDS} rounds once the server and Virtuoso are quiet. Client wall time, median / 90th percentile (ms).",
             "", *report.table(
                 ["server", "dumps written s", "during: guidegraph", "during: Virtuoso direct", "during: ratio",
                  "during: n", "after: guidegraph", "after: Virtuoso direct", "after: ratio", "after: n",
                  f"/dumps/index.json past the refresh age ({REFRESH_SECONDS} s), ms"],
                 [row(r) for r in results])]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
