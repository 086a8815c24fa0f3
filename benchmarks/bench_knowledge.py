"""Linking time of every registered linker (guidegraph.knowledge.LINKERS) at 10^5 and 10^6 triples.

The corpus is tests/synthetic_corpus.py: whole copies of the seed guides,
each renumbered as its own guide, so every resource kind occurs as in real
guides. Each size is loaded into a pyoxigraph Store (as at corpus load), then
each linker runs alone and all run together through
``guidegraph.knowledge.derive_links``, the call the corpus load makes.

    .venv/bin/python benchmarks/bench_knowledge.py [--sizes 100000 1000000] [--repeat 1]

Copies of the same seeds are a hard case for a similarity linker: every
direction has an identical twin in each copy of its guide, so the sparse
similarity product is as dense as the corpus allows (a real corpus of the
same size has more distinct vocabulary and fewer such ties).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

DIRECTIONS = """PREFIX gg: <https://w3id.org/guidegraph/ontology#>
SELECT (COUNT(?d) AS ?n) WHERE { VALUES ?c { gg:Direction gg:SubDirection } ?d a ?c }"""


def build(triples: int) -> tuple[ox.Store, int, int, int]:
    from synthetic_corpus import synthetic_nquads

    nquads, guides = synthetic_nquads(triples)
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    directions = int(next(iter(store.query(DIRECTIONS, use_default_graph_as_union=True)))["n"].value)
    return store, len(store), guides, directions


def timed(fn, repeat: int) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, triples produced), best of ``repeat`` runs.

    CPU time is printed too because the machine may be shared: wall time then includes waiting."""
    best, best_cpu, size = float("inf"), float("inf"), 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        size = len(list(fn()))
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best, best_cpu, size


def main(argv: list[str] | None = None) -> int:
    from guidegraph.knowledge import LINKERS, derive_links

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="minimum triples per corpus")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (the best is printed)")
    args = parser.parse_args(argv)
    if not LINKERS:
        print("no linkers registered", file=sys.stderr)
        return 1
    print(f"{'triples':>9}  {'guides':>6}  {'directions':>10}  {'linker':<14}  {'wall s':>7}  {'cpu s':>6}  {'link triples':>12}")
    for size in args.sizes:
        t0 = time.perf_counter()
        store, triples, guides, directions = build(size)
        print(f"# {triples} triples built and loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        rows = []
        for name in LINKERS:
            module = importlib.import_module(f"guidegraph.knowledge.{name}")
            rows.append((name, *timed(lambda: module.link(store, None), args.repeat)))
        rows.append(("all (derive)", *timed(lambda: derive_links(store, None), args.repeat)))
        for name, seconds, cpu, produced in rows:
            print(f"{triples:>9}  {guides:>6}  {directions:>10}  {name:<14}  {seconds:>7.2f}  {cpu:>6.2f}  {produced:>12}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
