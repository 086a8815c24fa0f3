"""Light-query throughput against its floors: how far a killable engine process lets guidegraph go.

#13 asks for light-query throughput at 4 and 16 clients at least Oxigraph
server's. This measures, side by side and in rounds that alternate the
systems (so drift hits them alike), with distinct light texts from the engines
benchmark (benchmarks/engines/queries.py) over generated guide-shaped data:

- Oxigraph server;
- guidegraph as shipped (``guidegraph serve``);
- three floors on granian as ``guidegraph serve`` runs it (one worker, 8 threads):
  a no-op app (the Python front alone), one round trip to guidegraph's engine
  process per request (the hop alone), and the query run and serialised in
  that engine (every design that keeps the time limit real by killing a
  process; benchmarks/engines/engine_floor_app.py).

Each cell is the median over the rounds of requests per second and of the
server's CPU per request (its whole process tree; the clients share the same
cores, see the machine table).

    python benchmarks/bench_throughput_floor.py [--triples 100000] [--clients 4,16] [--rounds 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engines import generator, procs, report  # noqa: E402
from engines.client import concurrent_load  # noqa: E402
from engines.measure import light_texts  # noqa: E402
from engines.queries import all_queries  # noqa: E402
from engines.systems import EngineFloor, GuidegraphEmbedded, OxigraphServer, PythonFrontFloor  # noqa: E402


def make_systems(work: Path, timeout: float) -> list:
    return [OxigraphServer(work, timeout), GuidegraphEmbedded(work, timeout), PythonFrontFloor(work, timeout),
            EngineFloor(work, timeout, "ping"), EngineFloor(work, timeout, "query")]


def run(triples: int, clients: list[int], rounds: int, requests: int, work: Path) -> tuple[list, dict]:
    data = generator.dataset_file(triples)
    queries = all_queries(generator.sample_iris())
    systems = make_systems(work, 300.0)
    measured: dict[tuple[str, int], list] = {}
    try:
        for system in systems:
            system.load(data)
        for round_ in range(rounds):
            for n in clients:
                for system in systems:
                    # Started afresh for each run: Oxigraph server keeps a thread per query until that
                    # query's time limit has passed, and fails once it cannot start more (see the report).
                    system.start()
                    salt = f"{system.name} round {round_}"
                    texts = [light_texts(queries, requests, c, False, salt) for c in range(n)]
                    before = procs.cpu_seconds(system.proc.pid)
                    result = concurrent_load(system.port, system.path, texts, 300.0)
                    result.server_cpu = procs.cpu_seconds(system.proc.pid) - before
                    result.threads = procs.thread_count(system.proc.pid)
                    system.stop()
                    measured.setdefault((system.name, n), []).append(result)
                    print(f"  round {round_ + 1}, {n} clients, {system.label}: {result.rate:,.0f} req/s, "
                          f"{result.errors} failed, {result.threads} threads after", file=sys.stderr)
    finally:
        for system in systems:
            system.cleanup()
    return systems, measured


def markdown(triples: int, clients: list[int], systems: list, measured: dict, argv: list[str]) -> str:
    lines = report.run_header("Light-query throughput and its floors", "bench_throughput_floor.py", argv)
    rounds = len(next(iter(measured.values())))
    lines += [f"{triples:,} triples; distinct light texts; medians over {rounds} alternating rounds "
              "(each round's rate in brackets), every system started afresh for each run. CPU: the server's "
              "process tree, µs per request. Threads: the server's process tree right after the run.", ""]
    header = (["system"] + [f"{n} clients req/s" for n in clients] + [f"{n} clients / Oxigraph" for n in clients]
              + [f"{n} clients CPU µs" for n in clients] + [f"{n} clients threads after" for n in clients] + ["failed"])
    rows = []
    oxigraph = systems[0].name
    rate = {k: statistics.median(r.rate for r in v) for k, v in measured.items()}
    for s in systems:
        cells = [f"{rate[s.name, n]:,.0f} ({', '.join(f'{r.rate:,.0f}' for r in measured[s.name, n])})" for n in clients]
        cells += [f"{rate[s.name, n] / rate[oxigraph, n]:.2f}x" for n in clients]
        cells += [f"{statistics.median(r.cpu_per_request for r in measured[s.name, n]) * 1e6:,.0f}" for n in clients]
        cells += [f"{max(r.threads for r in measured[s.name, n]):,}" for n in clients]
        cells.append(f"{sum(r.errors for n in clients for r in measured[s.name, n]):,}")
        rows.append([s.label] + cells)
    lines += report.table(header, rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=lambda s: int(float(s)), default=100_000)
    parser.add_argument("--clients", default="4,16", help="concurrent client processes (default 4,16)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=600, help="requests per client per run (default 600)")
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-throughput-floor-") as tmp:
        systems, measured = run(args.triples, clients, args.rounds, args.requests, Path(tmp))
    report.publish(markdown(args.triples, clients, systems, measured, sys.argv[1:] if argv is None else argv), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
