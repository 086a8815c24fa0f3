"""The benchmark's SPARQL clients: one keep-alive HTTP connection, and many in separate processes.

Time is client wall time from sending the request to the last byte of the
body (SPARQL JSON). Every request is bounded by a socket timeout; a server
that closes the connection gets one fresh connection and the request again.
"""

from __future__ import annotations

import http.client
import multiprocessing
import re
import statistics
import time
import urllib.parse
from dataclasses import dataclass, field

from guidegraph.store.remote_http import acknowledge_at_once

JSON_RESULTS = "application/sparql-results+json"
CACHE_HEADERS = ("cache-status", "x-cache", "x-cache-status", "x-guidegraph-cache")


class QueryFailed(RuntimeError):
    pass


@dataclass
class Answer:
    seconds: float
    body: bytes
    cache: str | None = None  # the response's cache header, when it sends one
    server_seconds: float | None = None  # the server's own time (Server-Timing: total;dur=), when it says


_TOTAL = re.compile(r"(?:^|,)\s*total\s*;(?:[^,]*;)?\s*dur=([0-9.]+)")


def server_time(header: str | None) -> float | None:
    """Seconds from a Server-Timing header's ``total`` metric (RFC: dur is in milliseconds)."""
    match = _TOTAL.search(header or "")
    return float(match.group(1)) / 1000 if match else None


class SparqlClient:
    """GET {path}?query=... over one keep-alive connection to 127.0.0.1:port."""

    def __init__(self, port: int, path: str = "/sparql", timeout: float = 300.0) -> None:
        self.port, self.path, self.timeout = port, path, timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def query(self, text: str) -> Answer:
        url = self.path + "?" + urllib.parse.urlencode({"query": text})
        for attempt in (1, 2):
            conn = self._connection()
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Accept": JSON_RESULTS})
                acknowledge_at_once(conn.sock)  # as guidegraph's own client: see remote_http
                response = conn.getresponse()
                acknowledge_at_once(conn.sock)
                body = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
                continue
            except TimeoutError:
                self.close()
                raise QueryFailed(f"no answer within {self.timeout:g} s") from None
            elapsed = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close" or response.will_close:
                self.close()
            if response.status != 200:
                raise QueryFailed(f"HTTP {response.status}: {body[:300].decode('utf-8', 'replace')}")
            cache = next((f"{h}: {response.getheader(h)}" for h in CACHE_HEADERS if response.getheader(h)), None)
            return Answer(elapsed, body, cache, server_time(response.getheader("Server-Timing")))
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- many clients -------------------------------------------------------------

@dataclass
class LoadResult:
    clients: int
    requests: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    server_cpu: float | None = None  # CPU seconds the server's process tree used during the run
    threads: int | None = None  # the server's process tree's threads right after the run

    @property
    def cpu_per_request(self) -> float | None:
        return self.server_cpu / self.requests if self.server_cpu is not None and self.requests else None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _worker(port: int, path: str, texts: list[str], timeout: float, ready, start, out) -> None:
    client = SparqlClient(port, path, timeout)
    try:
        client.query(texts[0])  # opens the connection before the clock starts
    except Exception:  # noqa: BLE001 - counted as errors below
        pass
    ready.put(1)
    start.wait(timeout)
    began = time.monotonic()
    latencies, errors = [], 0
    for text in texts:
        try:
            latencies.append(client.query(text).seconds)
        except Exception:  # noqa: BLE001 - a failing request is counted, the run goes on
            errors += 1
    out.put((began, time.monotonic(), latencies, errors))
    client.close()


def concurrent_load(port: int, path: str, texts_per_client: list[list[str]], timeout: float) -> LoadResult:
    """Each list of texts sent by its own process over its own connection, all starting together."""
    ctx = multiprocessing.get_context("spawn")
    start, ready, out = ctx.Event(), ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(port, path, texts, timeout, ready, start, out), daemon=True)
             for texts in texts_per_client]
    for proc in procs:
        proc.start()
    results = []
    try:
        for _ in procs:  # every client imported and connected
            ready.get(timeout=timeout + 60)
        start.set()
        deadline = time.monotonic() + timeout * 2 + 60
        for _ in procs:
            results.append(out.get(timeout=max(1.0, deadline - time.monotonic())))
    finally:
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
    began = min(r[0] for r in results)
    ended = max(r[1] for r in results)
    latencies = [x for r in results for x in r[2]]
    return LoadResult(len(procs), len(latencies), ended - began, latencies, sum(r[3] for r in results))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
