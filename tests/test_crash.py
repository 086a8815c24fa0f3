"""Crash tests: SIGKILL real processes mid-write, restart, and check no graph is mixed.

Each scenario runs `guidegraph serve` (or `guidegraph ingest -o`) as a real
process on loopback, starts a write, kills at a random moment within the
write's measured duration, restarts on the same data directory and checks
that every graph is exactly its old or its new version, by triple count and
a canonical checksum (blank nodes named by structure, see serve_process).

The moments come from one seeded generator: the seed and every kill are
printed (run with -s to see them, or read the report at the end). The default
run makes a few kills; GUIDEGRAPH_CRASH_KILLS=N makes N per scenario (the long
run), GUIDEGRAPH_CRASH_SEED=S replays a run.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

pytestmark = pytest.mark.slow  # real servers killed and restarted

from serve_process import TOKEN, ServeProcess, dataset_fingerprints, graph_fingerprint, request

SEED = int(os.environ.get("GUIDEGRAPH_CRASH_SEED") or random.SystemRandom().randrange(2**32))
LONG_KILLS = int(os.environ.get("GUIDEGRAPH_CRASH_KILLS") or 0)
BASE_IRI = "http://example.org/crash/id/"
EX = "http://example.org/crash/"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NT = {"Accept": "application/n-triples"}

KILL_LOG: list[str] = []


def kills(default: int) -> int:
    return LONG_KILLS or default


def report(line: str) -> None:
    KILL_LOG.append(line)
    print(line, flush=True)


@pytest.fixture(scope="module", autouse=True)
def kill_report():
    yield
    print(f"\ncrash tests: seed {SEED}, {sum(1 for l in KILL_LOG if ' kill ' in l)} kills", flush=True)
    for line in KILL_LOG:
        print("  " + line)


def rng_for(scenario: str) -> random.Random:
    return random.Random(f"{SEED}:{scenario}")


def versioned_graph(version: int, n: int) -> bytes:
    """n subjects with a literal each; every tenth also a blank node with a note (so checksums meet them)."""
    lines = []
    for i in range(n):
        s = f"<{EX}s{i}>"
        lines.append(f'{s} <{EX}v> "{version}-{i}" .')
        if i % 10 == 0:
            lines.append(f"{s} <{EX}detail> _:b{i} .")
            lines.append(f'_:b{i} <{EX}note> "note {version}-{i}" .')
    return ("\n".join(lines) + "\n").encode()


def gsp_path(graph: str) -> str:
    return "/graph-store?" + urllib.parse.urlencode({"graph": graph})


def read_graph(server: ServeProcess, graph: str) -> tuple[int, str]:
    """The graph's fingerprint; a read the engine's death interrupts is asked again for a while."""
    deadline = time.monotonic() + 60
    while True:
        answer = request(server.port, "GET", gsp_path(graph), headers=NT)
        if answer.status == 200:
            return graph_fingerprint(answer.body)
        if answer.status == 404:
            return (0, "absent")
        assert answer.status == 503 and time.monotonic() < deadline, (answer.status, answer.body[:300])
        time.sleep(0.2)


def fingerprint(data: bytes) -> tuple[int, str]:
    return graph_fingerprint(data)


class Background:
    """Run one HTTP request in a thread; remember its answer or the error it died with."""

    def __init__(self, fn) -> None:
        self.result = None
        self.thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self.thread.start()

    def _run(self, fn) -> None:
        try:
            self.result = fn()
        except OSError as exc:  # the connection dies with the server
            self.result = exc

    def join(self) -> object:
        self.thread.join(120)
        assert not self.thread.is_alive(), "request still pending two minutes after the kill"
        return self.result


def _outcome(result) -> str:
    return f"HTTP {result.status}" if hasattr(result, "status") else type(result).__name__


def kill_during(server: ServeProcess, rng: random.Random, window: float, start_write, name: str, i: int) -> str:
    """Start a write, kill server and engine (or the engine alone) at a random moment in ``window``."""
    target = rng.choice(("server+engine", "server+engine", "engine"))
    delay = rng.uniform(0, window)
    pending = Background(start_write)
    time.sleep(delay)
    if target == "engine":
        server.kill_engine()
    else:
        server.kill_all()
    outcome = _outcome(pending.join())
    report(f"{name} #{i}: kill {target} at {delay * 1000:.0f} ms of a {window * 1000:.0f} ms window -> write saw {outcome}")
    if target != "engine":
        server.start().wait_up()
    return target


# --- Graph Store PUT ---------------------------------------------------------

def test_kill_during_graph_store_put(tmp_path):
    rng = rng_for("gsp-put")
    graph, bystander = EX + "big", EX + "bystander"
    small, large = 4_000, 12_000
    versions = {v: versioned_graph(v, n) for v, n in ((1, small), (2, large))}
    prints = {v: fingerprint(data) for v, data in versions.items()}
    server = ServeProcess(tmp_path / "data", "--no-corpus", "--write-token", TOKEN).start().wait_up()
    try:
        by_print = request(server.port, "PUT", gsp_path(bystander), versioned_graph(7, 500),
                           {**AUTH, "Content-Type": "application/n-triples"})
        assert by_print.status in (201, 204)
        bystander_print = fingerprint(versioned_graph(7, 500))
        started = time.monotonic()
        assert request(server.port, "PUT", gsp_path(graph), versions[2], {**AUTH, "Content-Type": "application/n-triples"}).status == 201
        window = 1.3 * (time.monotonic() - started)
        current = 2
        for i in range(kills(2)):
            new = 1 if current == 2 else 2
            kill_during(server, rng, window, lambda: request(
                server.port, "PUT", gsp_path(graph), versions[new], {**AUTH, "Content-Type": "application/n-triples"}),
                "gsp-put", i)
            got = read_graph(server, graph)
            assert got in (prints[current], prints[new]), f"graph is neither old nor new after the kill: {got} (seed {SEED})"
            assert read_graph(server, bystander) == bystander_print
            report(f"gsp-put #{i}: graph is the {'new' if got == prints[new] else 'old'} version ({got[0]} triples)")
            current = new if got == prints[new] else current
    finally:
        server.stop()


# --- SPARQL Update -----------------------------------------------------------

UPDATE = f"""
DELETE {{ GRAPH <{EX}big> {{ ?s <{EX}v> ?o }} }}
INSERT {{ GRAPH <{EX}big> {{ ?s <{EX}v> ?n }} }}
WHERE {{ GRAPH <{EX}big> {{ ?s <{EX}v> ?o }} BIND(CONCAT(STR(?o), "+") AS ?n) }} ;
DELETE {{ GRAPH <{EX}big> {{ ?b <{EX}note> ?o }} }}
INSERT {{ GRAPH <{EX}big> {{ ?b <{EX}note> ?n }} }}
WHERE {{ GRAPH <{EX}big> {{ ?b <{EX}note> ?o }} BIND(CONCAT(STR(?o), "+") AS ?n) }}
"""


def after_update(ntriples: bytes) -> tuple[int, str]:
    """What UPDATE makes of a graph, computed apart on an in-memory store."""
    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(EX + "big"))
    store.update(UPDATE)
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(EX + "big"))]
    return fingerprint(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def test_kill_during_sparql_update(tmp_path):
    rng = rng_for("update")
    graph = EX + "big"
    server = ServeProcess(tmp_path / "data", "--no-corpus", "--write-token", TOKEN, "--timeout", "120").start().wait_up()
    try:
        data = versioned_graph(1, 8_000)
        assert request(server.port, "PUT", gsp_path(graph), data, {**AUTH, "Content-Type": "application/n-triples"}).status == 201
        started = time.monotonic()
        assert request(server.port, "POST", "/sparql", UPDATE.encode(), {**AUTH, "Content-Type": "application/sparql-update"}).status == 204
        window = 1.3 * (time.monotonic() - started)
        for i in range(kills(2)):
            old = request(server.port, "GET", gsp_path(graph), headers=NT).body
            old_print, new_print = fingerprint(old), after_update(old)
            assert old_print != new_print
            kill_during(server, rng, window, lambda: request(
                server.port, "POST", "/sparql", UPDATE.encode(), {**AUTH, "Content-Type": "application/sparql-update"}),
                "update", i)
            got = read_graph(server, graph)
            assert got in (old_print, new_print), f"graph is neither old nor new after the kill: {got} (seed {SEED})"
            report(f"update #{i}: graph is the {'new' if got == new_print else 'old'} version")
    finally:
        server.stop()


# --- first corpus load -------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_reference():
    """Every graph a first load must produce, computed in this process, and how long that took."""
    from guidegraph.ingest.corpus import corpus_nquads
    from guidegraph.knowledge import nquads_with_links

    started = time.monotonic()
    nquads = nquads_with_links(corpus_nquads(None, BASE_IRI), BASE_IRI)
    elapsed = time.monotonic() - started
    # through a store, so literals are in the store's canonical form ("1.0"^^xsd:decimal comes back as "1")
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    prints = dataset_fingerprints(store.dump(format=ox.RdfFormat.N_QUADS))
    prints.setdefault(None, graph_fingerprint(b""))  # the default graph stays empty
    return prints, elapsed


def wait_for_log(server: ServeProcess, text: str, timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while text not in server.log_text():
        assert server.proc.poll() is None, server.log_text()[-2000:]
        assert time.monotonic() < deadline, f"no {text!r} in the log"
        time.sleep(0.01)
    return time.monotonic()


def graph_prints(server: ServeProcess) -> dict[str | None, tuple[int, str]]:
    dump = request(server.port, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT ?g WHERE { GRAPH ?g {} }", "format": "csv"}))
    assert dump.status == 200, dump.body[:300]
    graphs = [g for g in dump.body.decode().splitlines()[1:] if g.strip()]
    prints = {g: read_graph(server, g) for g in graphs}
    default = request(server.port, "GET", "/graph-store?default", headers=NT)
    assert default.status == 200
    prints[None] = graph_fingerprint(default.body)
    return prints


def test_kill_during_first_corpus_load(tmp_path, corpus_reference):
    reference, duration = corpus_reference
    duration *= 1.3  # the load also writes the store
    rng = rng_for("corpus")
    for i in range(kills(1)):
        data = tmp_path / f"data{i}"
        server = ServeProcess(data, "--base-iri", BASE_IRI).start()
        try:
            loading = wait_for_log(server, "loading the bundled corpus")
            delay = rng.uniform(0, duration)
            time.sleep(max(0.0, loading + delay - time.monotonic()))
            server.kill_all()
            report(f"corpus #{i}: kill server+engine at {delay * 1000:.0f} ms of a {duration * 1000:.0f} ms window")
            server.start().wait_up()
            got = graph_prints(server)
        finally:
            server.stop()
        assert set(got) <= set(reference), f"graphs no complete load has: {set(got) - set(reference)}"
        mixed = {g: p for g, p in got.items() if p != reference[g]}
        assert not mixed, f"graphs that are neither absent nor complete: {mixed} (seed {SEED})"
        assert got == reference, f"the restart did not finish the load: missing {set(reference) - set(got)}"
        report(f"corpus #{i}: after restart all {len(got)} graphs complete")


# --- guidegraph ingest -o ----------------------------------------------------

def ingest(inputs: list[Path], out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "guidegraph.cli", "ingest", *map(str, inputs), "-o", str(out), "--no-progress",
         "--base-iri", BASE_IRI],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_kill_during_ingest_output(tmp_path):
    from guidegraph.corpus import seed_paths

    seeds = seed_paths()
    rng = rng_for("ingest")
    ref_old, ref_new = tmp_path / "ref-old.nq", tmp_path / "ref-new.nq"
    assert ingest(seeds[:1], ref_old).wait(300) == 0
    started = time.monotonic()
    assert ingest(seeds[:2], ref_new).wait(300) == 0
    window = 1.2 * (time.monotonic() - started)
    versions = {"old": dataset_fingerprints(ref_old.read_bytes()), "new": dataset_fingerprints(ref_new.read_bytes())}
    assert versions["old"] != versions["new"]
    out = tmp_path / "out" / "graph.nq"
    out.parent.mkdir()
    for i in range(kills(2)):
        shutil.copyfile(ref_old, out)
        proc = ingest(seeds[:2], out)
        delay = rng.uniform(0, window)
        try:
            proc.wait(delay)
            finished = True
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)
            finished = False
        got = dataset_fingerprints(out.read_bytes())
        which = [name for name, prints in versions.items() if prints == got]
        report(f"ingest #{i}: kill at {delay * 1000:.0f} ms of a {window * 1000:.0f} ms run"
               f"{' (it had already finished)' if finished else ''} -> output is the {which[0] if which else 'MIXED'} file")
        assert which, f"{out} is neither the old nor the new output (seed {SEED})"
