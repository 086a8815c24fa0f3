"""`guidegraph serve` as a real child process, for fault tests that kill it.

The server runs in its own session (process group), so one ``killpg`` takes
the server and its engine child down together, as a power cut or an OOM kill
of the service would. Its log goes to a file (an unread pipe would stall it).
Also here: a canonical checksum of an RDF graph, the same for isomorphic graphs
whatever their blank node labels.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

TOKEN = "fault-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 120) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})
    finally:
        conn.close()


def children(pid: int) -> list[int]:
    """Child processes of ``pid``, whichever of its threads started them."""
    pids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def descendants(pid: int) -> list[int]:
    """Children, their children, and so on, nearest first."""
    found, frontier = [], [pid]
    while frontier:
        frontier = [c for p in frontier for c in children(p)]
        found += frontier
    return found


def rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class ServeProcess:
    """One `guidegraph serve` on 127.0.0.1 with its own data directory."""

    def __init__(self, data_dir: Path, *args: str, port: int | None = None, log: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.args = list(args)
        self.port = port or free_port()
        self.log = log or self.data_dir.parent / f"{self.data_dir.name}-serve.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServeProcess":
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "guidegraph.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                 "--data-dir", str(self.data_dir), *self.args],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        return self

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_up(self, timeout: float = 180) -> "ServeProcess":
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"guidegraph serve exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            try:
                if request(self.port, "GET", "/health", timeout=5).status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"guidegraph serve did not come up:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)

    def engine_pid(self) -> int | None:
        """The query engine (not the validation jobs the server also starts): a child of the
        server process, or of its granian worker."""
        for pid in descendants(self.proc.pid) if self.proc else []:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"guidegraph.store.engine" in cmdline:
                return pid
        return None

    def rss(self) -> tuple[int, int]:
        """(server RSS, engine RSS) in bytes; the server's is its own and its HTTP worker's."""
        engine = self.engine_pid()
        server = [self.proc.pid] + [p for p in children(self.proc.pid) if p != engine]
        return sum(rss_bytes(p) for p in server), rss_bytes(engine) if engine else 0

    def kill_all(self) -> None:
        """SIGKILL server and engine at once (the whole process group)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)
        # the engine is in the same group; make sure it is gone before the store is reopened
        deadline = time.monotonic() + 30
        while _group_alive(self.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def kill_engine(self) -> int | None:
        pid = self.engine_pid()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return pid

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.kill_all()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- canonical checksums ---------------------------------------------------------

def _term_key(term, colours: dict) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + colours[term.value]
    return str(term)


def canonical_lines(triples: list) -> list[str]:
    """The triples as sorted N-Triples lines with blank nodes named by their structure.

    Blank node labels are arbitrary (the store renames them), so each blank node
    gets a name from colour refinement: start alike, then repeatedly hash each
    node's colour with the sorted colours of its edges until the partition stops
    getting finer. Isomorphic graphs give the same lines; a changed literal or IRI
    anywhere near a blank node changes them.
    """
    blanks = {t.value for tr in triples for t in (tr.subject, tr.object) if isinstance(t, ox.BlankNode)}
    colours = {b: "b" for b in blanks}
    distinct = 1 if blanks else 0
    while blanks:
        edges: dict[str, list[str]] = {b: [] for b in blanks}
        for tr in triples:
            if isinstance(tr.subject, ox.BlankNode):
                edges[tr.subject.value].append(f"out {tr.predicate} {_term_key(tr.object, colours)}")
            if isinstance(tr.object, ox.BlankNode):
                edges[tr.object.value].append(f"in {tr.predicate} {_term_key(tr.subject, colours)}")
        refined = {b: hashlib.sha256("\n".join([colours[b], *sorted(edges[b])]).encode()).hexdigest()[:24]
                   for b in blanks}
        colours = refined
        now = len(set(colours.values()))
        if now == distinct:
            break
        distinct = now
    return sorted(f"{_term_key(t.subject, colours)} {t.predicate} {_term_key(t.object, colours)} ." for t in triples)


def graph_fingerprint(ntriples: bytes) -> tuple[int, str]:
    """(triple count, SHA-256 of the canonical lines) of an N-Triples document."""
    triples = [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
    lines = canonical_lines(triples)
    return len(lines), hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def dataset_fingerprints(nquads: bytes) -> dict[str | None, tuple[int, str]]:
    """Per graph (None: the default graph), the fingerprint of its triples, from N-Quads."""
    by_graph: dict[str | None, list] = {}
    for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        name = None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        by_graph.setdefault(name, []).append(q.triple)
    out = {}
    for name, triples in by_graph.items():
        lines = canonical_lines(triples)
        out[name] = (len(lines), hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest())
    return out
