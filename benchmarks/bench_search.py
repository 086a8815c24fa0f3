"""Full-text search speed at 10^5 and 10^6 triples: index build, query latency, and the trigram alternative.

For each size it builds a guide-shaped store (the seed guides' real outlines,
renumbered: tests/synthetic_corpus.py), starts the real server on a loopback
port and prints one table:

- index build time (reading the store by SPARQL, tokenising, writing the
  SQLite file) and the index's size and document count;
- search latency, p50 and p99, of ``SearchService.search`` in process and of
  ``GET /api/search`` over HTTP, for a mix of rare and very common terms
  (the index is current, so no rebuild is timed);
- the first search after a write (which rebuilds the index);
- for comparison, FTS5's trigram tokenizer over the same text: its size and
  build time, its latency for terms of three or more characters, and the
  ``LIKE`` scan two-character terms would need with it (trigrams cannot
  find a two-character word, the commonest length in Chinese).

    python benchmarks/bench_search.py [--sizes 100000 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

# Rare words (one direction or office per guide copy), phrases, numbers, names, and very common
# terms (研究, 技术, 细胞 occur in a large share of all documents: the slowest case for ranking).
QUERIES = [
    "城市智能交通系统", "中医临床", "卵母细胞发育的质量控制", "CAR-T 肝癌", "古建筑修缮", "无创脑机接口", "脂溢性脱发",
    "稀散金属 富集", "新冠病毒 呼吸道", "病原学与防疫技术体系研究", "泉城高端外专计划", "生物医药", "NGS基因分型",
    "脑类器官", "张春芳", "0351-4048940", "66608811", "苏科资发〔2025〕51号", "济南市科学技术局", "CAR-T",
    "细胞", "研究", "技术", "关键技术", "临床 研究", "不少于", "癌",
]
TWO_CHAR = [q for q in QUERIES if len(q) == 2]
LONG = [q for q in QUERIES if len(q) >= 3 and " " not in q and q.isalnum()]


def percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def cpu_timed(fn, *args) -> float:
    """CPU milliseconds of this thread: what a search costs when the machine is shared."""
    start = time.thread_time()
    fn(*args)
    return (time.thread_time() - start) * 1000


def http_get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=120) as response:
        json.load(response)


def trigram_comparison(documents, folder: Path, rounds: int) -> list[tuple]:
    from guidegraph.search.documents import FIELDS

    path = folder / "trigram.sqlite"
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.executescript(f"""PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE items (id INTEGER PRIMARY KEY, {", ".join(f"{f} TEXT" for f in FIELDS)});
        CREATE VIRTUAL TABLE tri USING fts5({", ".join(FIELDS)}, content='items', content_rowid='id', tokenize='trigram');""")
    rows = [(i, *(d.text(f) for f in FIELDS)) for i, d in enumerate(documents, 1)]
    marks = ", ".join("?" for _ in range(len(FIELDS) + 1))
    conn.executemany(f"INSERT INTO items VALUES ({marks})", rows)
    conn.executemany(f"INSERT INTO tri (rowid, {', '.join(FIELDS)}) VALUES ({marks})", rows)
    conn.commit()
    build = time.perf_counter() - start
    size = path.stat().st_size
    long_times, like_times = [], []
    for _ in range(rounds):
        for q in LONG:
            phrase = '"' + q.replace('"', '""') + '"'
            long_times.append(timed(lambda: conn.execute(
                "SELECT rowid FROM tri WHERE tri MATCH ? ORDER BY bm25(tri) LIMIT 20", (phrase,)).fetchall()))
        for q in TWO_CHAR:
            where = " OR ".join(f"{f} LIKE ?" for f in FIELDS)
            # every match, as a ranked search needs them all (stopping at 20 would flatter the scan)
            like_times.append(timed(lambda: conn.execute(
                f"SELECT count(*) FROM items WHERE {where}", [f"%{q}%"] * len(FIELDS)).fetchall()))
    conn.close()
    p50, p99 = percentiles(long_times)
    l50, l99 = percentiles(like_times)
    return [
        ("trigram index: build / size", "", f"{build:.2f} s", f"{size / 1e6:.1f} MB"),
        (f"trigram MATCH, {len(LONG)} terms of ≥3 chars", len(long_times), f"{p50:.2f}", f"{p99:.2f}"),
        (f"LIKE scan for {len(TWO_CHAR)} two-char terms (trigram's fallback)", len(like_times), f"{l50:.2f}", f"{l99:.2f}"),
    ]


def measure(triples: int, rounds: int) -> list[tuple]:
    from conftest import live_server
    from synthetic_corpus import synthetic_nquads

    from guidegraph.search.documents import read_documents
    from guidegraph.server import create_app
    from guidegraph.server.app import close_app

    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    nquads, guides = synthetic_nquads(triples)
    app = create_app({"data_dir": str(work / "data")})
    store = app.extensions["guidegraph.store"]
    store.bulk_load_nquads(nquads)
    quads = store.triple_count()
    service = app.extensions["guidegraph.search"]
    server = live_server(app)
    rows: list[tuple] = []
    try:
        service.ensure_current()
        info = service.last_build
        size = os.path.getsize(service.path)
        rows.append(("index build (SPARQL read + tokenise + write)", info.documents, f"{info.seconds:.2f} s", f"{size / 1e6:.1f} MB"))
        for q in QUERIES:  # warm the page cache of the file
            service.search(q)
        inproc = [timed(service.search, q) for _ in range(rounds) for q in QUERIES]
        p50, p99 = percentiles(inproc)
        rows.append((f"search in process, {len(QUERIES)} queries", len(inproc), f"{p50:.2f}", f"{p99:.2f}"))
        cpu = [cpu_timed(service.search, q) for _ in range(rounds) for q in QUERIES]
        u50, u99 = percentiles(cpu)
        rows.append(("  the same, CPU time of the searching thread", len(cpu), f"{u50:.2f}", f"{u99:.2f}"))
        common = [timed(service.search, q) for _ in range(rounds) for q in ("研究", "技术", "细胞")]
        c50, c99 = percentiles(common)
        rows.append(("  of which 研究 / 技术 / 细胞 (most matches)", len(common), f"{c50:.2f}", f"{c99:.2f}"))
        urls = [f"{server.url}/api/search?{urllib.parse.urlencode({'q': q})}" for q in QUERIES]
        over_http = [timed(http_get, url) for _ in range(rounds) for url in urls]
        h50, h99 = percentiles(over_http)
        rows.append(("GET /api/search over HTTP", len(over_http), f"{h50:.2f}", f"{h99:.2f}"))
        store.update('INSERT DATA { GRAPH <urn:bench:g> { <urn:bench:o> a <https://w3id.org/guidegraph/ontology#Office> ; '
                     '<https://w3id.org/guidegraph/ontology#name> "基准测试处" } }')
        after_write = timed(http_get, f"{server.url}/api/search?{urllib.parse.urlencode({'q': '基准测试处'})}")
        rows.append(("first search after a write (rebuilds)", 1, f"{after_write:.0f}", ""))
        rows += trigram_comparison(read_documents(store), work, rounds)
    finally:
        server.stop()
        close_app(app)
        shutil.rmtree(work, ignore_errors=True)
    return [(f"{quads:,} quads, {guides} guides",)] + rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3, help="times each query is run (default 3)")
    args = parser.parse_args(argv)
    print(f"{'':62} {'n':>6} {'p50 ms':>10} {'p99 ms':>10}")
    print(f"(machine load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for size in args.sizes:
        rows = measure(size, args.rounds)
        print(rows[0][0])
        for name, n, a, b in rows[1:]:
            print(f"  {name:60} {n!s:>6} {a:>10} {b:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
