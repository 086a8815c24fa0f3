"""What `--remote-cache` buys in front of Virtuoso: the engines benchmark's queries, three ways.

Loads generated guide-shaped N-Quads (benchmarks/engines/generator.py) into a
Virtuoso started for the run (tests/virtuoso_server.py) and measures, side by
side in one run, Virtuoso direct, ``guidegraph serve --store remote`` in front
of it as shipped (nothing kept), and the same with ``--remote-cache 60``.
Each query as in the engines benchmark (benchmarks/engines/measure.py): cold
(a new text each run, median) and repeated (the identical text, median), client
wall time in ms over one keep-alive connection; then the geometric mean over
the queries with half the requests repeated.

    python benchmarks/bench_remote_cache.py [--triples 100000] [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engines import generator, report  # noqa: E402
from engines.measure import measure_query  # noqa: E402
from engines.queries import all_queries  # noqa: E402
from engines.systems import GuidegraphRemote, GuidegraphRemoteCached, Virtuoso  # noqa: E402


def run(triples: int, repeat: int, work: Path) -> tuple[list, dict]:
    virtuoso = Virtuoso(work, timeout=300.0)
    why = virtuoso.unavailable()
    if why:
        raise SystemExit(f"cannot run: {why}")
    virtuoso.load(generator.dataset_file(triples))
    systems = [virtuoso, GuidegraphRemote(work, 300.0, virtuoso), GuidegraphRemoteCached(work, 300.0, virtuoso)]
    queries = all_queries(generator.sample_iris())
    results: dict[str, dict] = {}
    try:
        virtuoso.start()
        for system in systems:
            if system is not virtuoso:
                system.start()
            client = system.client()
            results[system.name] = {q.name: measure_query(client, q, repeat, 5.0, salt=system.name) for q in queries}
            client.close()
            print(f"  {system.label}: measured", file=sys.stderr)
            if system is not virtuoso:
                system.stop()
    finally:
        for system in reversed(systems):
            system.stop()
    return systems, {"queries": queries, "results": results}


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def markdown(triples: int, systems: list, measured: dict, argv: list[str]) -> str:
    queries, results = measured["queries"], measured["results"]
    direct = systems[0].name
    lines = report.run_header("Remote answer cache benchmark", "bench_remote_cache.py", argv, virtuoso=True)
    lines += [f"{triples:,} triples. Client ms, medians; the ratio columns divide by Virtuoso direct.", ""]
    for what in ("cold", "repeated"):
        header = ["query"] + [s.label for s in systems] + [f"{s.label} / direct" for s in systems[1:]]
        lines += [f"### {what}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for q in queries:
            values = [getattr(results[s.name][q.name], what) for s in systems]
            cells = [f"{v * 1000:.2f}" if v is not None else "–" for v in values]
            cells += [report.ratio(v, values[0]) for v in values[1:]]
            lines.append(f"| {q.name} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["### Geometric mean, half the requests repeated (ms)", "", "| system | geomean | / direct |", "|---|---|---|"]
    means = {}
    for s in systems:
        mixed = [(m.cold + m.repeated) / 2 for m in results[s.name].values() if m.cold and m.repeated]
        means[s.name] = geomean(mixed) * 1000
    for s in systems:
        lines.append(f"| {s.label} | {means[s.name]:.2f} | {means[s.name] / means[direct]:.2f}x |")
    caches = {s.label: next((m.cache for m in results[s.name].values() if m.cache), None) for s in systems}
    lines += ["", "Cache headers on repeated runs: " + "; ".join(f"{k}: {v}" for k, v in caches.items() if v) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=lambda s: int(float(s)), default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-remote-cache-") as tmp:
        systems, measured = run(args.triples, args.repeat, Path(tmp))
    report.publish(markdown(args.triples, systems, measured, sys.argv[1:] if argv is None else argv), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
