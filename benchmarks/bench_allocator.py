"""The engine's query mix on each malloc, side by side: why guidegraph preloads one (guidegraph.allocator).

For each allocator (glibc's, and mimalloc and jemalloc where installed) a child
process preloads it, loads the engines benchmark's guide-shaped data into an
in-memory pyoxigraph store (as the engine's memory copy holds it) and runs
every query of that benchmark's mix (benchmarks/engines/queries.py): a new
text each run, query plus serialisation to SPARQL JSON, median of REPEAT
after one warm-up. Prints a table of medians with each allocator's ratio to
glibc's, and the geometric mean over the mix, plus load seconds and peak RSS.

    python benchmarks/bench_allocator.py [--triples 100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from guidegraph import allocator  # noqa: E402

CHILD = """
import json, resource, statistics, sys, time
sys.path.insert(0, {here!r})
import pyoxigraph as ox
from engines import generator, queries
path = generator.dataset_file({triples}, {seed})
store = ox.Store()
started = time.perf_counter()
store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
load = time.perf_counter() - started
medians = {{}}
for q in queries.all_queries(generator.sample_iris({seed})):
    times = []
    for run in range({repeat} + 1):
        started = time.perf_counter()
        store.query(q.variant(run), use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
        times.append(time.perf_counter() - started)
    medians[q.name] = statistics.median(times[1:]) * 1000
print(json.dumps({{"load": load, "medians": medians,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def allocators() -> list[tuple[str, str]]:
    return [("glibc", "system"), *((name, str(path)) for name, path in allocator.installed())]


def run_child(choice: str, triples: int, repeat: int, seed: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", allocator.ENV_APPLIED)}
    env[allocator.ENV_CHOICE] = choice
    env = allocator.with_preload(env)
    code = CHILD.format(here=str(HERE), triples=triples, repeat=repeat, seed=seed)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=float, default=1e5)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    triples = int(args.triples)
    results = []
    for name, choice in allocators():
        print(f"  {name} ...", file=sys.stderr, flush=True)
        results.append((name, run_child(choice, triples, args.repeat, args.seed)))
    names = [n for n, _ in results]
    base = results[0][1]["medians"]
    header = ["query", *[f"{n} ms" for n in names], *[f"{n} / glibc" for n in names[1:]]]
    rows = []
    for query in base:
        values = [r["medians"][query] for _, r in results]
        rows.append([query, *[f"{v:.2f}" for v in values], *[f"{v / base[query]:.2f}x" for v in values[1:]]])
    means = [statistics.geometric_mean(r["medians"].values()) for _, r in results]
    rows.append(["geometric mean", *[f"{m:.2f}" for m in means], *[f"{m / means[0]:.2f}x" for m in means[1:]]])
    rows.append(["load s (bulk_load, in memory)", *[f"{r['load']:.2f}" for _, r in results], *[""] * (len(names) - 1)])
    rows.append(["peak RSS MiB", *[f"{r['rss']:.0f}" for _, r in results], *[""] * (len(names) - 1)])
    print(f"{triples:,} triples, in-memory pyoxigraph, median of {args.repeat} new texts after a warm-up\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
