"""Soak test: a mixed workload from N clients against a real `guidegraph serve`, for a fixed time.

    .venv/bin/python benchmarks/soak.py --seconds 120 --clients 8

Starts its own server on 127.0.0.1 (a fresh data directory, so the bundled
corpus is loaded first) with a short time limit. Each client picks requests
at random (seeded): SPARQL queries, resource pages, the home page, dumps,
validation uploads, canned queries, queries that run into the time limit and
malformed queries. Every kind has the statuses it may get; anything else (or
no answer) is an unexpected error. Server and engine memory (RSS) are sampled
every few seconds.

Prints requests and status counts, p50/p99 latency per kind and the memory
samples. Exits 1 on any unexpected error, or when memory grows by more than
--max-growth-mb between the first and the last fifth of the run (medians, so
one sample does not decide), or when the server stops.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from serve_process import TOKEN, ServeProcess, request  # noqa: E402

GG = "https://w3id.org/guidegraph/ontology#"
GUIDE = "一、支持方向\n1.示例方向\n研究内容：开展研究。\n考核指标：完成不少于100例。\n支持强度：每个项目500万元。\n"


def sparql(query: str, **params) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **params})


QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    f"SELECT ?d ?t WHERE {{ ?d a <{GG}Direction> ; ?p ?t }} LIMIT 100",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    'SELECT ?s WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "研究")) } LIMIT 50',
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 500",
]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MALFORMED = ["SELECT * WHERE { ?s ?p ?o", "SELEC * {}", "SELECT * WHERE { ?s nope:p ?o }", "ASK {" * 300]


class Workload:
    """What each kind of request sends and which statuses it may get."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.iris = self._resources()
        names = request(port, "GET", "/api/queries", headers={"Accept": "application/json"})
        self.canned = self._canned_names(names.body) if names.status == 200 else []
        self.kinds = {
            "sparql": (30, self.query, {200}),
            "page": (20, self.page, {200, 303}),
            "home": (5, lambda rng: ("GET", "/", None, {"Accept": "text/html"}), {200}),
            "dump": (5, self.dump, {200}),
            "canned": (10, self.canned_query, {200}),
            "validate": (3, self.validate, {200}),
            "time-limit": (2, lambda rng: ("GET", sparql(SLOW), None, {}), {503}),
            "malformed": (10, lambda rng: ("GET", sparql(rng.choice(MALFORMED)), None, {}), {400}),
        }

    def _resources(self) -> list[str]:
        answer = request(self.port, "GET", sparql(f"SELECT ?d WHERE {{ ?d a <{GG}Direction> }} LIMIT 200", format="csv"))
        iris = [line.strip() for line in answer.body.decode().splitlines()[1:] if line.strip()]
        assert iris, "no resources to ask for"
        return [urllib.parse.urlsplit(iri).path for iri in iris]

    @staticmethod
    def _canned_names(body: bytes) -> list[str]:
        import json

        data = json.loads(body)
        items = data.get("queries", data) if isinstance(data, dict) else data
        return [q["name"] for q in items if isinstance(q, dict) and "name" in q and not q.get("parameters")]

    def query(self, rng):
        return "GET", sparql(rng.choice(QUERIES)), None, {}

    def page(self, rng):
        path = rng.choice(self.iris)
        if rng.random() < 0.5:
            return "GET", path, None, {"Accept": "text/html"}
        return "GET", path.replace("/id/", "/doc/", 1) + ".ttl", None, {}

    def dump(self, rng):
        return "GET", rng.choice(["/dumps/", "/dumps/dataset.nq.gz", "/.well-known/void"]), None, {}

    def canned_query(self, rng):
        if not self.canned:
            return "GET", "/api/queries", None, {"Accept": "application/json"}
        return "GET", f"/api/queries/{rng.choice(self.canned)}", None, {"Accept": "application/json"}

    def validate(self, rng):
        return "POST", "/api/validate?name=guide.txt", GUIDE.encode("utf-8"), {"Content-Type": "text/plain", "Accept": "application/json"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--threads", type=int, default=None, help="server worker threads (default: the serve default)")
    p.add_argument("--time-limit", type=float, default=5.0, help="server query time limit in seconds (short, so time-limit requests end soon)")
    p.add_argument("--max-growth-mb", type=float, default=150.0, help="memory growth that fails the run")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--data-dir", type=Path, default=None, help="data directory (default: a fresh temporary one)")
    args = p.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="guidegraph-soak-"))
    data_dir = args.data_dir or root / "data"
    extra = ["--timeout", str(args.time_limit), "--write-token", TOKEN]
    if args.threads:
        extra += ["--threads", str(args.threads)]
    server = ServeProcess(data_dir, *extra, log=root / "serve.log").start()
    print(f"starting guidegraph serve on port {server.port} (data in {data_dir}, log {server.log})", flush=True)
    server.wait_up(timeout=600)
    try:
        return soak(server, args)
    finally:
        server.stop()


def soak(server: ServeProcess, args) -> int:
    workload = Workload(server.port)
    kinds = list(workload.kinds)
    weights = [workload.kinds[k][0] for k in kinds]
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    unexpected: list[str] = []
    memory: list[tuple[float, int, int]] = []
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + args.seconds
    stop = threading.Event()

    def client(index: int) -> None:
        rng = random.Random(f"{args.seed}:{index}")
        while time.monotonic() < deadline and not stop.is_set():
            kind = rng.choices(kinds, weights)[0]
            _, make, allowed = workload.kinds[kind]
            method, path, body, headers = make(rng)
            sent = time.perf_counter()
            try:
                answer = request(server.port, method, path, body, headers, timeout=60)
                status, detail = answer.status, answer.body[:160]
            except OSError as exc:
                status, detail = 0, f"{type(exc).__name__}: {exc}".encode()
            spent = time.perf_counter() - sent
            with lock:
                latencies[kind].append(spent)
                statuses[kind][status] += 1
                if status not in allowed or (kind == "time-limit" and b"time limit" not in detail):
                    unexpected.append(f"{kind} {method} {path[:120]} -> {status} {detail!r}")

    def sampler() -> None:
        while not stop.wait(2.0):
            server_rss, engine_rss = server.rss()
            memory.append((time.monotonic() - started, server_rss, engine_rss))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    watcher = threading.Thread(target=sampler, daemon=True)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + 120)
    stop.set()
    watcher.join(5)
    elapsed = time.monotonic() - started
    alive = server.proc.poll() is None

    total = sum(len(v) for v in latencies.values())
    print(f"\nsoak: {args.clients} clients, {elapsed:.0f} s, {total} requests ({total / elapsed:.1f}/s), "
          f"{len(unexpected)} unexpected errors, server {'up' if alive else 'DOWN'}\n")
    print("| kind | requests | statuses | p50 ms | p99 ms |\n|---|---:|---|---:|---:|")
    for kind in kinds:
        if latencies[kind]:
            counts = ", ".join(f"{s}: {n}" for s, n in sorted(statuses[kind].items()))
            print(f"| {kind} | {len(latencies[kind])} | {counts} | {percentile(latencies[kind], 0.5) * 1000:.1f} | "
                  f"{percentile(latencies[kind], 0.99) * 1000:.1f} |")
    print("\n| t (s) | server RSS MB | engine RSS MB | total MB |\n|---:|---:|---:|---:|")
    step = max(1, len(memory) // 12)
    for t, s, e in memory[::step] + memory[-1:]:
        print(f"| {t:.0f} | {s / 2**20:.0f} | {e / 2**20:.0f} | {(s + e) / 2**20:.0f} |")
    failed = bool(unexpected) or not alive
    for line in unexpected[:20]:
        print("unexpected:", line)
    if len(memory) >= 10:
        fifth = len(memory) // 5
        first = statistics.median(s + e for _, s, e in memory[:fifth])
        last = statistics.median(s + e for _, s, e in memory[-fifth:])
        growth = (last - first) / 2**20
        print(f"\nmemory: median {first / 2**20:.0f} MB in the first fifth, {last / 2**20:.0f} MB in the last "
              f"({growth:+.0f} MB; bound {args.max_growth_mb:.0f} MB)")
        if growth > args.max_growth_mb:
            print("FAIL: memory grew beyond the bound")
            failed = True
    waitress_queue = server.log_text().count("Task queue depth")
    print(f"waitress 'Task queue depth' warnings: {waitress_queue}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
