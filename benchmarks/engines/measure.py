"""What is measured for each (system, query), and the concurrent light-query runs.

- first: the first run of the query on a freshly started server;
- cold: after one warm-up, the median of ``repeat`` runs whose texts differ by a
  comment (``# run 3``), so no result cache can answer;
- repeated: after one run of the plain text, the median of ``repeat`` runs of
  that identical text (a result cache may answer; its header is recorded).
A query whose first run takes longer than ``slow_seconds`` gets 3 runs per
median instead; beyond six times that, the first run is the only one (its
cold figure, no repeated one), so one slow engine cannot stretch the run
without bound.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from . import procs
from .client import LoadResult, QueryFailed, concurrent_load
from .fingerprint import Fingerprint, fingerprint
from .queries import BenchQuery


@dataclass
class QueryMeasure:
    first: float | None = None
    cold: float | None = None
    repeated: float | None = None
    runs: int = 0
    fingerprint: Fingerprint | None = None
    repeat_fingerprint: Fingerprint | None = None
    cache: str | None = None
    repeated_server: float | None = None  # median server time of the repeated runs, when the server reports it
    error: str | None = None


@dataclass
class SystemRun:
    queries: dict[str, QueryMeasure] = field(default_factory=dict)
    load: object = None
    startup: float | None = None
    settle: float | None = None
    resident: int | None = None
    peak: int | None = None
    concurrency: dict[tuple[int, str], LoadResult] = field(default_factory=dict)
    steady: dict[str, float] = field(default_factory=dict)  # light query -> median of the interleaved rounds
    error: str | None = None


def measure_query(client, query: BenchQuery, repeat: int, slow_seconds: float, salt: str = "") -> QueryMeasure:
    """``salt`` (the system's name) makes its texts its own: guidegraph on Virtuoso and Virtuoso
    share one server, whose caches would otherwise give the second the first one's work."""
    out = QueryMeasure()
    try:
        answer = client.query(query.variant(f"{salt} first"))
        out.first = answer.seconds
        out.fingerprint = fingerprint(answer.body, query.ordered, query.concatenated)
        if answer.seconds > 6 * slow_seconds:
            out.cold, out.runs = answer.seconds, 1  # the first run is the only one: it is cold too
            return out
        runs = repeat if answer.seconds <= slow_seconds else min(repeat, 3)
        out.runs = runs
        client.query(query.variant(f"{salt} warm-up"))
        out.cold = statistics.median(client.query(query.variant(f"{salt} {i}")).seconds for i in range(1, runs + 1))
        plain = client.query(query.text)
        out.repeat_fingerprint = fingerprint(plain.body, query.ordered, query.concatenated)
        times, server = [], []
        for _ in range(runs):
            answer = client.query(query.text)
            times.append(answer.seconds)
            if answer.server_seconds is not None:
                server.append(answer.server_seconds)
        out.repeated = statistics.median(times)
        out.repeated_server = statistics.median(server) if len(server) == runs else None
        out.cache = answer.cache
    except (QueryFailed, OSError, ValueError) as exc:
        out.error = " ".join(str(exc).split())[:200]
    return out


def light_texts(queries: list[BenchQuery], count: int, client_number: int, repeated: bool, salt: str = "") -> list[str]:
    """``count`` texts alternating over the light queries: all distinct (and ``salt``'s own), or the same few over and over."""
    light = [q for q in queries if q.weight == "light"]
    if repeated:
        return [light[i % len(light)].text for i in range(count)]
    return [light[i % len(light)].variant(f"{salt} client {client_number} request {i}") for i in range(count)]


def measure_concurrency(system, queries: list[BenchQuery], clients: list[int], requests: int,
                        timeout: float) -> dict[tuple[int, str], LoadResult]:
    out = {}
    for n in clients:
        for mode in ("distinct", "repeated"):
            texts = [light_texts(queries, requests, c, mode == "repeated", system.name) for c in range(n)]
            pid = system.proc.pid if system.proc is not None else None
            before = procs.cpu_seconds(pid) if pid else None
            result = concurrent_load(system.port, system.path, texts, timeout)
            if before is not None:
                # includes the clients' connection set-up and first request, before the clock starts
                result.server_cpu = procs.cpu_seconds(pid) - before
            out[(n, mode)] = result
    return out


def measure_steady_light(clients: dict, queries: list[BenchQuery], rounds: int) -> dict[str, dict[str, float]]:
    """Light queries one after another over many rounds, each round asking every system a new
    text (its own) in turn: the per-request cost with every system equally warm (the cold medians above
    take 5 texts right after the system's first run of that query). Returns system -> query -> median."""
    out: dict[str, dict[str, float]] = {name: {} for name in clients}
    for query in (q for q in queries if q.weight == "light"):
        times: dict[str, list[float]] = {name: [] for name in clients}
        for r in range(rounds):
            for name, client in clients.items():
                try:
                    times[name].append(client.query(query.variant(f"{name} steady {r}")).seconds)
                except (QueryFailed, OSError, ValueError):
                    pass
        for name, values in times.items():
            if len(values) > rounds // 2:
                out[name][query.name] = statistics.median(values[rounds // 10:])  # the first tenth warms up
    return out
