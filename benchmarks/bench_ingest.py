"""Ingest speed on the seed corpus: parse time and throughput per file and for the whole corpus.

Prints one table, stages side by side: reading and decoding, paragraph
recovery, the outline tree, and the full outline (all extractors, coverage),
plus RDF mapping. Each figure is the best of ``--repeat`` runs.

    .venv/bin/python benchmarks/bench_ingest.py [--repeat 5] [FILES...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.assemble import assemble, starts_block
from guidegraph.ingest.parse.lines import logical_paragraphs
from guidegraph.ingest.parse.outline import OutlineBuilder
from guidegraph.ingest.readers import read_source
from guidegraph.ingest.corpus import outline_to_dataset


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = args.files or seed_paths()

    rows = []
    totals = [0.0] * 5
    total_bytes = 0
    for path in paths:
        size = path.stat().st_size
        total_bytes += size
        src = read_source(path)
        t_read = best_of(args.repeat, lambda: read_source(path))
        t_paras = best_of(args.repeat, lambda: logical_paragraphs(src.text, starts_block))
        paras = logical_paragraphs(src.text, starts_block).paras
        t_tree = best_of(args.repeat, lambda: OutlineBuilder(paras).build())
        t_full = best_of(args.repeat, lambda: assemble(src.text, path.name))
        outline = assemble(src.text, path.name)
        t_rdf = best_of(args.repeat, lambda: outline_to_dataset(outline))
        for i, t in enumerate((t_read, t_paras, t_tree, t_full, t_rdf)):
            totals[i] += t
        rows.append((path.name, size, t_read, t_paras, t_tree, t_full, t_rdf))

    header = ("file", "KB", "read ms", "paragraphs ms", "tree ms", "full outline ms", "to RDF ms", "outline MB/s")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for name, size, *ts in rows:
        mbps = size / 1e6 / ts[3]
        print(" | ".join([name, f"{size / 1024:.0f}", *(f"{t * 1000:.1f}" for t in ts), f"{mbps:.2f}"]))
    mbps = total_bytes / 1e6 / totals[3]
    print(" | ".join(["corpus", f"{total_bytes / 1024:.0f}", *(f"{t * 1000:.1f}" for t in totals), f"{mbps:.2f}"]))


if __name__ == "__main__":
    main()
