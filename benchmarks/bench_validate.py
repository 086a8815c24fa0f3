"""Validation time per seed guide and for the whole corpus; prints a table.

    .venv/bin/python benchmarks/bench_validate.py [--repeat N]

For each seed: ingest time (read + parse + map to RDF), SHACL validation time
(pyshacl, no inference; best of N warm runs) and the number of triples. The
first validation in a process also pays for building the SPARQL parser and
preparing the constraint queries; that cold figure is reported apart. Target:
a single seed validates in well under a second.
"""

from __future__ import annotations

import argparse
import time

from pyshacl import validate as shacl_validate

from guidegraph.corpus import seed_paths
from guidegraph.validation import _cached_shapes, _data_graph, _from_path


def _shacl_seconds(graph) -> float:
    start = time.perf_counter()
    shacl_validate(graph, shacl_graph=_cached_shapes(), inference="none", advanced=False,
                   allow_warnings=True, allow_infos=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per seed (best is reported)")
    args = parser.parse_args()
    inputs = []
    rows = []
    for path in seed_paths():
        start = time.perf_counter()
        given = _from_path(path)
        ingest = time.perf_counter() - start
        inputs.append(given)
        rows.append([path.name, len(given.graph), ingest])
    cold = _shacl_seconds(inputs[0].graph)
    for row, given in zip(rows, inputs):
        row.append(min(_shacl_seconds(given.graph) for _ in range(args.repeat)))
    corpus = _data_graph(t for given in inputs for t in given.graph)
    corpus_time = min(_shacl_seconds(corpus) for _ in range(max(1, args.repeat // 2)))
    header = f"{'guide':<28} {'triples':>8} {'ingest s':>9} {'validate s':>11}"
    print(header)
    print("-" * len(header))
    for name, triples, ingest, shacl in rows:
        print(f"{name:<28} {triples:>8} {ingest:>9.3f} {shacl:>11.3f}")
    print("-" * len(header))
    print(f"{'whole corpus (one graph)':<28} {len(corpus):>8} {sum(r[2] for r in rows):>9.3f} {corpus_time:>11.3f}")
    print(f"first validation in a process (cold, {rows[0][0]}): {cold:.3f} s")


if __name__ == "__main__":
    main()
