"""The systems compared: how each loads the data, starts, answers, reports its memory and stops.

- ``guidegraph``: ``guidegraph serve`` on its embedded store (loaded by ``guidegraph load`` when that
  command exists, else by pyoxigraph's bulk loader into the same on-disk store).
- ``guidegraph-virtuoso``: ``guidegraph serve --store remote`` in front of the Virtuoso below.
- ``oxigraph``: Oxigraph's own server (``oxigraph load`` + ``oxigraph serve --union-default-graph``).
- ``virtuoso``: Virtuoso's /sparql, started by tests/virtuoso_server.py.
- ``pyoxigraph``: pyoxigraph in memory without HTTP (query + SPARQL JSON, timed in the child process
  of the benchmark that holds the store, so a runaway query can be stopped).

Every server runs in its own process group on 127.0.0.1 and is stopped (group-wide) by ``stop``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import procs
from .client import Answer, SparqlClient
from .generator import BASE

VENV_BIN = Path(sys.executable).parent
ASK = "ASK { ?s ?p ?o }"
START_SECONDS = 120.0  # a server not answering by then is reported as not started


@dataclass
class LoadInfo:
    seconds: float
    peak_bytes: int | None
    how: str


class System:
    name = ""
    label = ""
    http = True  # measured over HTTP (concurrency applies)
    answers_queries = True  # False: takes part in the light-query runs only (the floor)

    def __init__(self, work: Path, timeout: float) -> None:
        self.work, self.timeout = work / self.name, timeout
        self.work.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.path = "/sparql"
        self.startup_seconds: float | None = None
        self.settle_seconds: float | None = None

    def unavailable(self) -> str | None:
        """Why this system cannot run here, or None."""
        return None

    def load(self, data: Path) -> LoadInfo:
        raise NotImplementedError

    def start(self) -> None:
        raise NotImplementedError

    def client(self):
        return SparqlClient(self.port, self.path, self.timeout)

    def _serve(self, argv: list[str], ready_path: str | None = None, cwd: Path | None = None,
               env: dict[str, str] | None = None) -> None:
        self.port = self.port or procs.free_port()
        started = time.monotonic()
        self.proc = procs.start(argv, self.work / "server.log", cwd=cwd, env=env)
        try:
            procs.wait_http(self.port, ready_path or self._ask_path(), self.proc, timeout=START_SECONDS)
        except Exception as exc:
            self.stop()
            raise RuntimeError(f"{exc}; last log line: {self._last_log_line()}") from None
        self.startup_seconds = time.monotonic() - started
        self.settle_seconds = procs.wait_idle(self._settle_pids(), timeout=self.timeout)

    def _serve_on_granian(self, module: str, env: dict[str, str] | None = None) -> None:
        """A WSGI app of benchmarks/engines on granian, with the worker and threads ``guidegraph serve`` uses."""
        self.port = procs.free_port()
        self._serve([str(VENV_BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(self.port),
                     "--workers", "1", "--blocking-threads", "8", f"benchmarks.engines.{module}:app"],
                    cwd=Path(__file__).resolve().parents[2], env=env)

    def _settle_pids(self) -> list[int]:
        """The processes whose start-up work must be done before measuring."""
        return [self.proc.pid]

    def _last_log_line(self) -> str:
        try:
            lines = (self.work / "server.log").read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return lines[-1][-300:] if lines else "(empty log)"

    def _ask_path(self) -> str:
        from urllib.parse import quote

        return f"{self.path}?query={quote(ASK)}"

    def resident_bytes(self) -> int | None:
        return procs.resident_bytes(self.proc.pid) if self.proc and self.proc.poll() is None else None

    def peak_bytes(self) -> int | None:
        return procs.peak_memory_bytes(self.proc.pid) if self.proc and self.proc.poll() is None else None

    def stop(self) -> None:
        if self.proc is not None:
            procs.stop(self.proc)
            self.proc = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.work, ignore_errors=True)

    def versions(self) -> dict[str, str]:
        return {}


class GuidegraphEmbedded(System):
    name, label = "guidegraph", "guidegraph (embedded)"

    def load(self, data: Path) -> LoadInfo:
        store = self.work / "data"
        shutil.rmtree(store, ignore_errors=True)
        log = self.work / "load.log"
        if _has_load_command():
            seconds, peak = procs.run_timed([str(VENV_BIN / "guidegraph"), "load", "--data-dir", str(store), str(data)],
                                            log, timeout=self.timeout * 20)
            how = "guidegraph load"
        else:
            code = ("import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
                    "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush()")
            seconds, peak = procs.run_timed([sys.executable, "-c", code, str(store), str(data)], log,
                                            timeout=self.timeout * 20)
            how = "pyoxigraph Store(dir).bulk_load (no `guidegraph load` on this branch)"
        from guidegraph.bundled_corpus import record_base_iri

        record_base_iri(store, BASE)
        return LoadInfo(seconds, peak, how)

    def start(self) -> None:
        self._serve([str(VENV_BIN / "guidegraph"), "serve", "--data-dir", str(self.work / "data"), "--no-corpus",
                     "--host", "127.0.0.1", "--port", str(self._port()), "--base-iri", BASE,
                     "--timeout", f"{self.timeout:g}"])

    def _port(self) -> int:
        self.port = procs.free_port()
        return self.port


class GuidegraphRemote(System):
    """guidegraph's remote store in front of a SPARQL endpoint another System serves."""

    name, label = "guidegraph-virtuoso", "guidegraph on Virtuoso"
    serve_options: tuple[str, ...] = ()

    def __init__(self, work: Path, timeout: float, backend: "System") -> None:
        super().__init__(work, timeout)
        self.backend = backend

    def unavailable(self) -> str | None:
        return self.backend.unavailable()

    def load(self, data: Path) -> LoadInfo:
        return LoadInfo(float("nan"), None, f"none of its own: the data is {self.backend.label}'s")

    def start(self) -> None:
        self.port = procs.free_port()
        dialect = ["--remote-dialect", "virtuoso"] if "--remote-dialect" in _serve_help() else []
        self._serve([str(VENV_BIN / "guidegraph"), "serve", "--store", "remote", *dialect,
                     "--endpoint", self.backend.endpoint_url(),
                     "--host", "127.0.0.1", "--port", str(self.port), "--base-iri", BASE,
                     "--timeout", f"{self.timeout:g}", *self.serve_options])

    def _settle_pids(self) -> list[int]:
        # Its start-up work (writing the dumps, measuring the catalogue: 45 s at 10^6 triples) keeps
        # the back end busy too, and that began after its own first quiet second: watched alone, it
        # read as settled after 1 s, and lookups through it took 2-20 ms against 1 direct.
        backend = getattr(self.backend, "proc", None)
        return [self.proc.pid, *([backend.pid] if backend is not None else [])]


class GuidegraphRemoteCached(GuidegraphRemote):
    """The same, keeping answers for a minute (``--remote-cache 60``)."""

    name, label = "guidegraph-virtuoso-cached", "guidegraph on Virtuoso, --remote-cache 60"
    serve_options = ("--remote-cache", "60")


class PythonFrontFloor(System):
    """Not a SPARQL server: benchmarks/engines/noop_app.py on granian, with the worker and threads
    ``guidegraph serve`` uses. Its light-query times and throughput are the floor of any answer
    made in Python behind granian; it takes part in the light-query runs only."""

    name, label = "floor", "floor: no-op WSGI app on granian"
    answers_queries = False

    def load(self, data: Path) -> LoadInfo:
        return LoadInfo(float("nan"), None, "nothing: it answers every request with an empty result")

    def start(self) -> None:
        self._serve_on_granian("noop_app")


class EngineFloor(System):
    """Not guidegraph: benchmarks/engines/engine_floor_app.py on granian as ``guidegraph serve`` runs,
    each request one call to guidegraph's engine process (``op`` "ping": the hop alone; "query": the
    query run and serialised there). The floor of any design that runs queries in a killable process."""

    answers_queries = False

    def __init__(self, work: Path, timeout: float, op: str) -> None:
        self.name, self.label = f"engine-{op}", f"floor: engine process, {op} per request"
        self.op = op
        super().__init__(work, timeout)

    def load(self, data: Path) -> LoadInfo:
        store = self.work / "data"
        shutil.rmtree(store, ignore_errors=True)
        if self.op == "ping":
            store.mkdir(parents=True)
            return LoadInfo(float("nan"), None, "nothing: the engine answers a ping")
        seconds, peak = procs.run_timed([str(VENV_BIN / "guidegraph"), "load", "--data-dir", str(store), str(data)],
                                        self.work / "load.log", timeout=self.timeout * 20)
        return LoadInfo(seconds, peak, "guidegraph load")

    def start(self) -> None:
        self._serve_on_granian("engine_floor_app",
                               {"GUIDEGRAPH_FLOOR_OP": self.op, "GUIDEGRAPH_FLOOR_DATA": str(self.work / "data")})


class ForwardFloor(System):
    """Not guidegraph: benchmarks/engines/forward_floor_app.py on granian as ``guidegraph serve`` runs,
    passing each query to another System's endpoint over guidegraph's remote client. The floor of
    any Python layer in front of a remote engine."""

    name, label = "forward-floor", "floor: pass-through app on granian"
    answers_queries = False

    def __init__(self, work: Path, timeout: float, backend: System) -> None:
        super().__init__(work, timeout)
        self.backend = backend

    def load(self, data: Path) -> LoadInfo:
        return LoadInfo(float("nan"), None, f"none of its own: the data is {self.backend.label}'s")

    def start(self) -> None:
        self._serve_on_granian("forward_floor_app", {"GUIDEGRAPH_FLOOR_REMOTE": self.backend.endpoint_url()})


class OxigraphServer(System):
    name, label = "oxigraph", "Oxigraph server"

    def unavailable(self) -> str | None:
        return None if (VENV_BIN / "oxigraph").exists() else "the `oxigraph` command is not installed (pip install oxigraph)"

    def load(self, data: Path) -> LoadInfo:
        store = self.work / "data"
        shutil.rmtree(store, ignore_errors=True)
        seconds, peak = procs.run_timed([str(VENV_BIN / "oxigraph"), "load", "--location", str(store), "--file", str(data)],
                                        self.work / "load.log", timeout=self.timeout * 20)
        return LoadInfo(seconds, peak, "oxigraph load")

    def start(self) -> None:
        self.port = procs.free_port()
        self._serve([str(VENV_BIN / "oxigraph"), "serve", "--location", str(self.work / "data"),
                     "--bind", f"127.0.0.1:{self.port}", "--union-default-graph",
                     "--timeout-s", str(int(self.timeout))], ready_path="/query?query=" + "ASK%7B%7D")
        self.path = "/query"

    def versions(self) -> dict[str, str]:
        out = subprocess.run([str(VENV_BIN / "oxigraph"), "--version"], capture_output=True, text=True, timeout=30)
        return {"oxigraph server": out.stdout.strip().removeprefix("oxigraph ").strip()}


class PyoxigraphInMemory(System):
    """pyoxigraph in memory, no HTTP: Store.query + SPARQL JSON, timed where the store lives.

    The store lives in a child process of the benchmark, so a query that runs
    past the timeout can be stopped (pyoxigraph's query has no time limit of
    its own); the time is taken around query and serialisation inside it."""

    name, label = "pyoxigraph", "pyoxigraph in memory (no HTTP)"
    http = False

    def __init__(self, work: Path, timeout: float) -> None:
        super().__init__(work, timeout)
        self.worker = None
        self.conn = None

    def load(self, data: Path) -> LoadInfo:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.worker = ctx.Process(target=_in_memory_store, args=(child, str(data)), daemon=True)
        self.worker.start()
        child.close()
        if not self.conn.poll(self.timeout * 20):
            self.stop()
            raise RuntimeError(f"the in-memory store did not load within {self.timeout * 20:g} s")
        kind, seconds = self.conn.recv()
        if kind != "loaded":
            self.stop()
            raise RuntimeError(f"the in-memory store failed to load: {seconds}")
        return LoadInfo(seconds, procs.peak_memory_bytes(self.worker.pid), "Store().bulk_load (in memory)")

    def start(self) -> None:
        self.startup_seconds = None  # nothing to start: the load is the start

    def client(self):
        return InMemoryClient(self)

    def resident_bytes(self) -> int | None:
        return procs.resident_bytes(self.worker.pid) if self.worker and self.worker.is_alive() else None

    def peak_bytes(self) -> int | None:
        return procs.peak_memory_bytes(self.worker.pid) if self.worker and self.worker.is_alive() else None

    def stop(self) -> None:
        if self.worker is not None:
            if self.worker.is_alive():
                self.worker.kill()
            self.worker.join(10)
            self.worker = None
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class InMemoryClient:
    def __init__(self, system: PyoxigraphInMemory) -> None:
        self.system = system

    def query(self, text: str) -> Answer:
        from .client import QueryFailed

        conn = self.system.conn
        if conn is None:
            raise QueryFailed("the in-memory store was stopped after an earlier query ran past the timeout")
        conn.send(text)
        if not conn.poll(self.system.timeout):
            self.system.stop()
            raise QueryFailed(f"no answer within {self.system.timeout:g} s (the store process was stopped)")
        kind, seconds, body = conn.recv()
        if kind != "ok":
            raise QueryFailed(body)
        return Answer(seconds, body)

    def close(self) -> None:
        pass


def _in_memory_store(conn, path: str) -> None:
    """The child process holding the in-memory store: load, then answer query texts until the pipe closes."""
    import pyoxigraph as ox

    try:
        started = time.perf_counter()
        store = ox.Store()
        store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
        conn.send(("loaded", time.perf_counter() - started))
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("error", str(exc)))
        return
    while True:
        try:
            text = conn.recv()
        except EOFError:
            return
        try:
            started = time.perf_counter()
            results = store.query(text, use_default_graph_as_union=True)
            body = results.serialize(format=ox.QueryResultsFormat.JSON)
            conn.send(("ok", time.perf_counter() - started, body))
        except Exception as exc:  # noqa: BLE001 - a failing query is the parent's to report
            conn.send(("error", 0.0, " ".join(str(exc).split())[:300]))


class Virtuoso(System):
    """Virtuoso 7 through the launcher of tests/virtuoso_server.py (from the virtuoso branch).

    The launcher starts a fresh database; the benchmark loads it there, shuts it
    down and starts ``virtuoso-t`` again on the same files, so the first runs
    meet a freshly started server like the other systems' do."""

    name, label = "virtuoso", "Virtuoso (direct)"

    def __init__(self, work: Path, timeout: float, memory_mb: int = 2048) -> None:
        super().__init__(work, timeout)
        self.server = None
        self.memory_mb = memory_mb

    def unavailable(self) -> str | None:
        if shutil.which("virtuoso-t") is None:
            return "`virtuoso-t` is not installed (Debian package virtuoso-opensource)"
        if _virtuoso_launcher() is None:
            return "tests/virtuoso_server.py (the Virtuoso launcher of the virtuoso branch) is not in this checkout"
        return None

    def load(self, data: Path) -> LoadInfo:
        launcher = _virtuoso_launcher()
        directory = self.work / "db"
        shutil.rmtree(directory, ignore_errors=True)
        self.server = launcher.start_virtuoso(directory, memory_mb=self.memory_mb, threads=os.cpu_count() or 2,
                                              timeout=max(120.0, self.timeout))
        try:
            seconds = self.server.bulk_load(data)
            peak = procs.peak_memory_bytes(self.server.process.pid)
        finally:
            self.server.stop()
        return LoadInfo(seconds, peak, "ld_dir + rdf_loader_run (tests/virtuoso_server.py)")

    def start(self) -> None:
        launcher = _virtuoso_launcher()
        server = self.server
        self.port = server.http_port
        self._serve([launcher.VIRTUOSO, "+foreground", "+configfile", str(server.directory / "virtuoso.ini")],
                    cwd=server.directory)
        server.process = self.proc

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None and self.server is not None:
            self.server.stop()  # a clean shutdown through isql, killed if it hangs
        super().stop()

    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.server.http_port}/sparql"

    def versions(self) -> dict[str, str]:
        return {}


def _serve_help() -> str:
    try:
        out = subprocess.run([str(VENV_BIN / "guidegraph"), "serve", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout


def _has_load_command() -> bool:
    try:
        out = subprocess.run([str(VENV_BIN / "guidegraph"), "load", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and "--data-dir" in out.stdout


def _virtuoso_launcher():
    tests = Path(__file__).resolve().parents[2] / "tests"
    if not (tests / "virtuoso_server.py").exists():
        return None
    if str(tests) not in sys.path:
        sys.path.insert(0, str(tests))
    import importlib

    return importlib.import_module("virtuoso_server")


SYSTEM_NAMES = ("guidegraph", "guidegraph-virtuoso", "oxigraph", "virtuoso", "pyoxigraph", "floor")


def make_systems(names: list[str], work: Path, timeout: float) -> list[System]:
    made: dict[str, System] = {}
    virtuoso = Virtuoso(work, timeout) if {"virtuoso", "guidegraph-virtuoso"} & set(names) else None
    for name in SYSTEM_NAMES:
        if name not in names:
            continue
        if name == "guidegraph":
            made[name] = GuidegraphEmbedded(work, timeout)
        elif name == "oxigraph":
            made[name] = OxigraphServer(work, timeout)
        elif name == "pyoxigraph":
            made[name] = PyoxigraphInMemory(work, timeout)
        elif name == "virtuoso":
            made[name] = virtuoso
        elif name == "guidegraph-virtuoso":
            made[name] = GuidegraphRemote(work, timeout, virtuoso)
        elif name == "floor":
            made[name] = PythonFrontFloor(work, timeout)
    return list(made.values())
