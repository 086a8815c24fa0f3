"""Query latency side by side: our endpoint over HTTP, pyoxigraph in-process, rdflib-endpoint.

Runs each query on the seed corpus and on a synthetic corpus (default 1,000,000
triples) and prints one table. "in-process" is pyoxigraph's Store.query (on-disk
store, like the endpoint's) plus serialisation to SPARQL JSON / N-Triples in this
process (what the endpoint must at least do); "endpoint" is `guidegraph serve`
over HTTP on loopback; "rdflib-endpoint" serves the same data from an rdflib
Dataset (union default graph) under uvicorn. In-process and endpoint runs
alternate, so a slow moment of the machine falls on both. Targets from issue 5:
endpoint/in-process <= 1.5 on every query; rdflib-endpoint/endpoint >= 10 on the
heavier ones.

Below the table, the floor every HTTP endpoint pays: the same GET answered by a
no-op WSGI app on waitress (same threads, same client), and by a one-route Flask
app on waitress.

    python benchmarks/bench_endpoint.py [--synthetic-triples N] [--repeat R] [--skip-rdflib]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

QUERIES: list[tuple[str, str, str]] = [
    # (name, weight, query)
    ("ask", "light", "ASK { ?s a ?t }"),
    ("count-all", "heavy", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
    ("per-graph", "heavy", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n) LIMIT 20"),
    ("top-predicates", "heavy", "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) LIMIT 10"),
    ("text-search", "heavy", 'SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "研究")) } LIMIT 200'),
    ("types", "light", "SELECT DISTINCT ?t WHERE { ?s a ?t }"),
    ("page-1000", "light", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000"),
    ("rows-20000", "heavy", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 20000"),
    ("construct-2000", "light", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2000"),
]

SYN = "https://w3id.org/guidegraph/bench/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
WORDS = ["研究", "开发", "示范", "关键技术", "装备", "材料", "健康", "农业", "智能", "平台", "应用", "标准"]


def synthetic_nquads(triples: int, seed: int = 7) -> bytes:
    """Guide-shaped data: guides (one graph each) -> directions with labels, funding and indicators."""
    rng = random.Random(seed)
    lines: list[str] = []
    guide = 0
    while len(lines) < triples:
        g = f"<{SYN}guide/{guide}/graph>"
        gs = f"<{SYN}guide/{guide}>"
        lines.append(f"{gs} <{RDF_TYPE}> <{SYN}Guide> {g} .")
        lines.append(f'{gs} <{LABEL}> "合成指南 {guide}"@zh {g} .')
        for d in range(250):
            ds = f"<{SYN}guide/{guide}/direction/{d}>"
            words = "".join(rng.choice(WORDS) for _ in range(4))
            lines.append(f"{ds} <{RDF_TYPE}> <{SYN}Direction> {g} .")
            lines.append(f'{ds} <{LABEL}> "{words}方向 {d}"@zh {g} .')
            lines.append(f"{ds} <{SYN}partOf> {gs} {g} .")
            lines.append(f'{ds} <{SYN}funding> "{rng.randint(50, 5000)}"^^<http://www.w3.org/2001/XMLSchema#integer> {g} .')
            for k in range(4):
                lines.append(f'{ds} <{SYN}indicator> "{rng.choice(WORDS)}指标 {k}: 不少于{rng.randint(1, 99)}项" {g} .')
        guide += 1
    return ("\n".join(lines[:triples]) + "\n").encode("utf-8")


def seed_nquads() -> bytes:
    from guidegraph.formats import rdf_format
    from guidegraph.ingest.corpus import corpus_dataset
    from guidegraph.rdf_io import serialize_dataset

    return serialize_dataset(corpus_dataset(), rdf_format("nquads"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


class HttpClient:
    def __init__(self, port: int, path: str) -> None:
        self.port, self.path = port, path
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def run(self, query: str, accept: str) -> float:
        url = self.path + "?" + urllib.parse.urlencode({"query": query})
        started = time.perf_counter()
        self.conn.request("GET", url, headers={"Accept": accept})
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
        return elapsed


def accept_for(query: str) -> str:
    return "application/n-triples" if query.lstrip().upper().startswith("CONSTRUCT") else "application/sparql-results+json"


def in_process(store: ox.Store, query: str) -> float:
    started = time.perf_counter()
    results = store.query(query, use_default_graph_as_union=True)
    if isinstance(results, ox.QueryTriples):
        results.serialize(format=ox.RdfFormat.N_TRIPLES)
    else:
        results.serialize(format=ox.QueryResultsFormat.JSON)
    return time.perf_counter() - started


def median_time(run, repeat: int, budget: float) -> float | None:
    """Median of ``repeat`` runs after one warm-up; None if the peer fails."""
    try:
        first = run()
    except Exception as exc:  # noqa: BLE001 - a failing peer is reported, not fatal
        print(f"    ! {exc}", file=sys.stderr)
        return None
    if first > budget:
        return first
    return statistics.median(run() for _ in range(repeat))


def paired_medians(run_a, run_b, repeat: int, budget: float) -> tuple[float | None, float | None]:
    """Medians of ``run_a`` and ``run_b`` measured alternately (after one warm-up each)."""
    try:
        first_a, first_b = run_a(), run_b()
    except Exception as exc:  # noqa: BLE001
        print(f"    ! {exc}", file=sys.stderr)
        return None, None
    if max(first_a, first_b) > budget:
        return first_a, first_b
    a_times, b_times = [], []
    for _ in range(repeat):
        a_times.append(run_a())
        b_times.append(run_b())
    return statistics.median(a_times), statistics.median(b_times)


FLOOR_APPS = {
    "no-op WSGI app": textwrap.dedent(
        """
        import sys, waitress
        BODY = b'{"head":{},"boolean":true}'
        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                                      ("Content-Length", str(len(BODY)))])
            return [BODY]
        waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
        """
    ),
    "one-route Flask app": textwrap.dedent(
        """
        import sys, waitress
        from flask import Flask, Response, request
        app = Flask(__name__)
        @app.route("/sparql")
        def sparql():
            request.args.get("query")
            return Response(b'{"head":{},"boolean":true}', content_type="application/sparql-results+json")
        waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
        """
    ),
}


def engine_round_trip(calls: int = 1000) -> tuple[float, float]:
    """Median ask through guidegraph's engine process (no HTTP) and in-process, in seconds."""
    from guidegraph.store.embedded import EmbeddedStore

    query = QUERIES[0][2]
    with tempfile.TemporaryDirectory(prefix="gg-bench-engine-") as tmp:
        local = ox.Store()
        store = EmbeddedStore(Path(tmp) / "store")
        try:
            nquads = b"<urn:x:s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:x:T> <urn:x:g> .\n"
            store.bulk_load_nquads(nquads)
            local.load(nquads, format=ox.RdfFormat.N_QUADS)
            engine_times, local_times = [], []
            for _ in range(calls):
                started = time.perf_counter()
                store.query(query, result_format="json", graph_format="turtle")
                engine_times.append(time.perf_counter() - started)
                local_times.append(in_process(local, query))
        finally:
            store.close()
    return statistics.median(engine_times), statistics.median(local_times)


def http_floors(repeat: int) -> dict[str, float]:
    """Median round trip of the ASK request to servers that do nothing with it."""
    floors = {}
    for name, source in FLOOR_APPS.items():
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", source, str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port, "/sparql")
            client = HttpClient(port, "/sparql")
            floors[name] = median_time(lambda: client.run(QUERIES[0][2], "application/sparql-results+json"),
                                       repeat, 60.0)
        finally:
            proc.terminate()
            proc.wait(30)
    return floors


def start_ours(nquads_path: Path, workdir: Path) -> tuple[subprocess.Popen, int]:
    data_dir = workdir / "store"
    store = ox.Store(str(data_dir))
    store.bulk_load(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidegraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data_dir), "--no-corpus", "--timeout", "600", "--max-rows", "10000000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for(port, "/health")
    return proc, port


RDFLIB_SERVER = textwrap.dedent(
    """
    import sys, uvicorn, rdflib
    from rdflib_endpoint import SparqlEndpoint
    ds = rdflib.Dataset(default_union=True)
    ds.parse(sys.argv[1], format="nquads")
    app = SparqlEndpoint(graph=ds, path="/sparql", public_url="http://127.0.0.1:%s/sparql" % sys.argv[2])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
    """
)


def start_rdflib(nquads_path: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", RDFLIB_SERVER, str(nquads_path), str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, "/sparql?query=ASK%7B%7D")
    return proc, port


def bench_corpus(label: str, nquads: bytes, args, rows: list) -> None:
    with tempfile.TemporaryDirectory(prefix="gg-bench-") as tmp:
        workdir = Path(tmp)
        path = workdir / "data.nq"
        path.write_bytes(nquads)
        # On disk like the endpoint's store, so the comparison isolates the endpoint's overhead.
        store = ox.Store(str(workdir / "in-process"))
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.flush()
        quads = len(store)
        print(f"{label}: {quads:,} quads", file=sys.stderr)
        ours, our_port = start_ours(path, workdir)
        peer = None
        try:
            if not args.skip_rdflib:
                started = time.perf_counter()
                peer, peer_port = start_rdflib(path)
                print(f"  rdflib-endpoint loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            ours_client = HttpClient(our_port, "/sparql")
            peer_client = HttpClient(peer_port, "/sparql") if peer else None
            for name, weight, query in QUERIES:
                accept = accept_for(query)
                local, remote = paired_medians(lambda: in_process(store, query),
                                               lambda: ours_client.run(query, accept), args.repeat, args.budget)
                other = median_time(lambda: peer_client.run(query, accept), 1, args.budget) if peer_client else None
                rows.append((label, f"{quads:,}", name, weight, local, remote, other))
                print(f"  {name}: done", file=sys.stderr)
        finally:
            ours.terminate()
            ours.wait(30)
            if peer:
                peer.terminate()
                peer.wait(30)


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.1f}"


def print_table(rows: list) -> None:
    header = ("corpus", "quads", "query", "kind", "in-process ms", "endpoint ms", "overhead x", "rdflib-endpoint ms", "speed-up x")
    table = [header]
    for label, quads, name, weight, local, remote, other in rows:
        overhead = f"{remote / local:.2f}" if local and remote else "-"
        speedup = f"{other / remote:.1f}" if other and remote else "-"
        table.append((label, quads, name, weight, fmt_ms(local), fmt_ms(remote), overhead, fmt_ms(other), speedup))
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(str(c).rjust(w) if j >= 4 else str(c).ljust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic-triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds; a slower first run is reported as is, not repeated")
    parser.add_argument("--skip-rdflib", action="store_true", help="leave rdflib-endpoint out (it needs minutes on 1M triples)")
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    rows: list = []
    if not args.skip_seed:
        bench_corpus("seed", seed_nquads(), args, rows)
    bench_corpus("synthetic", synthetic_nquads(args.synthetic_triples), args, rows)
    floors = http_floors(max(args.repeat, 50))
    engine, local = engine_round_trip()
    print_table(rows)
    print()
    for name, seconds in floors.items():
        print(f"HTTP floor, {name} on waitress answering the ask request: {fmt_ms(seconds)} ms")
    print(f"ask through the engine process, no HTTP: {engine * 1000:.2f} ms (in-process {local * 1000:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
