"""Cross-guide linking time (guidegraph.knowledge) at 10^5 and 10^6 triples.

Builds a guide-shaped corpus of at least N triples from the seed guides' real
outlines, renumbered (tests/synthetic_corpus.py), loads it into an in-memory
pyoxigraph store and times each linker of ``LINKERS`` and the whole
``derive_links``, then prints one table.

    python benchmarks/bench_linking.py [--triples 100000 1000000]
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

from synthetic_corpus import synthetic_nquads  # noqa: E402

from guidegraph.knowledge import LINKERS, derive_links  # noqa: E402

BASE = "http://127.0.0.1:8000/id/"


def measure(min_triples: int) -> list[tuple[str, int, float]]:
    nquads, guides = synthetic_nquads(min_triples)
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    rows = []
    for name in LINKERS:
        module = importlib.import_module(f"guidegraph.knowledge.{name}")
        start = time.perf_counter()
        count = len(set(module.link(store, BASE)))
        rows.append((name, count, time.perf_counter() - start))
    start = time.perf_counter()
    count = len(derive_links(store, BASE))
    rows.append(("all (derive_links)", count, time.perf_counter() - start))
    print(f"\n{len(store):,} quads, {guides} guides")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    print(f"{'triples':>10}  {'linker':<20} {'links':>8} {'seconds':>8}")
    for n in args.triples:
        for name, count, seconds in measure(n):
            print(f"{n:>10,}  {name:<20} {count:>8,} {seconds:>8.2f}")


if __name__ == "__main__":
    main()
