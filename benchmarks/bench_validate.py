"""Validation time per seed guide and for the whole corpus; prints a table.

    .venv/bin/python benchmarks/bench_validate.py [--repeat N]

For each seed: ingest time (read + parse + map to RDF) and SHACL validation
time (pyshacl, no inference; best of N warm runs), as shipped: the data
graph in guidegraph's triple-index store, SHACL-SPARQL constraints answered
by a pyoxigraph mirror of it. The mirror is built inside every timed run;
its share is shown apart. The mirror holds only the triples whose predicates
the constraints can read. Side by side, the plainer set-up this replaces: the
data graph in rdflib's default Memory store and a mirror of every triple. (Plain rdflib SPARQL is not compared: the
constraints are written for an engine that plans property paths, and rdflib
takes minutes on them.) The first validation in a process also pays for
parsing the shapes; that cold figure is reported apart. Target: a single
seed validates in well under a second.
"""

from __future__ import annotations

import argparse
import time

from pyshacl import validate as shacl_validate

from guidegraph.corpus import seed_paths
from guidegraph.validation.oxigraph_graph import OxigraphQueryGraph
from guidegraph.validation.validate import _cached_shapes, _collector_paused, _data_graph, _from_path


def _timed(graph: OxigraphQueryGraph) -> tuple[float, float]:
    """(whole validation, mirror build) in seconds for a freshly built graph."""
    with _collector_paused():
        start = time.perf_counter()
        graph._store()
        mirrored = time.perf_counter()
        shacl_validate(graph, shacl_graph=_cached_shapes(), inference="none", advanced=False,
                       allow_warnings=True, allow_infos=True)
        done = time.perf_counter()
    return done - start, mirrored - start


def _shipped(triples) -> tuple[float, float]:
    return _timed(_data_graph(triples))


def _memory_store(triples) -> tuple[float, float]:
    graph = OxigraphQueryGraph()  # rdflib's default Memory store, every triple mirrored
    for triple in triples:
        graph.add(triple)
    return _timed(graph)


def _best(runs: int, measure, triples):
    return min((measure(triples) for _ in range(runs)), key=lambda timings: timings[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per seed (best is reported)")
    args = parser.parse_args()
    rows = []
    everything = []
    for path in seed_paths():
        start = time.perf_counter()
        given = _from_path(path)
        ingest = time.perf_counter() - start
        triples = list(given.graph)
        everything.extend(triples)
        rows.append((path.name, triples, ingest))
    cold = _shipped(rows[0][1])[0]
    rows.append(("whole corpus (one graph)", everything, sum(r[2] for r in rows)))
    header = (f"{'guide':<26} {'triples':>8} {'ingest s':>9} {'validate s':>11} {'(mirror s)':>11}"
              f" {'plain set-up s':>15} {'speed-up':>9}")
    print(header)
    print("-" * len(header))
    for name, triples, ingest in rows:
        runs = args.repeat if name != "whole corpus (one graph)" else max(1, args.repeat // 2)
        shipped, mirror = _best(runs, _shipped, triples)
        memory = _best(runs, _memory_store, triples)[0]
        print(f"{name:<26} {len(set(triples)):>8} {ingest:>9.3f} {shipped:>11.3f} {mirror:>11.3f}"
              f" {memory:>15.3f} {memory / shipped:>8.1f}x")
    print(f"first validation in a process (cold, {rows[0][0]}): {cold:.3f} s")


if __name__ == "__main__":
    main()
