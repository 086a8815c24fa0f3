"""The query engine killed (SIGKILL) idle, mid-read and mid-write, under a real server on loopback.

Reads that had not answered yet are re-run on the new engine; writes that never reached the
engine go to the new one; a write the engine had started is reported as of unknown outcome.
Whatever happened, every graph holds exactly its old or its new triples.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.parse

import pytest

from conftest import WRITE_TOKEN, send

EX = "http://example.org/faults/"
AUTH = {"Authorization": f"Bearer {WRITE_TOKEN}"}


def ntriples(n: int, tag: str) -> bytes:
    return "".join(f'<{EX}s{i}> <{EX}p> "{tag} {i}" .\n' for i in range(n)).encode()


def engine_state(pid: int) -> tuple[str, int]:
    """The process state letter and the CPU ticks it has used ("X", 0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):  # gone before, or while, its stat was read
        return "X", 0
    return fields[0], int(fields[11]) + int(fields[12])


def kill_and_wait(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while engine_state(pid)[0] not in ("Z", "X"):
        assert time.monotonic() < deadline, "the engine did not die"
        time.sleep(0.01)


def kill_once_busy(pid: int, ticks: int) -> None:
    """SIGKILL the engine once it has spent ``ticks`` CPU ticks (1/100 s) on the request in flight."""
    _, start = engine_state(pid)
    deadline = time.monotonic() + 30
    while engine_state(pid)[1] - start < ticks:
        assert engine_state(pid)[0] not in ("Z", "X"), "the engine died before it got busy"
        assert time.monotonic() < deadline, "the engine never got busy"
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)


def count(server, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = send("GET", server.sparql + "?" + urllib.parse.urlencode({"query": query}),
             headers={"Accept": "application/sparql-results+json"})
    assert r.status == 200, r.text()
    return int(json.loads(r.body)["results"]["bindings"][0]["n"]["value"])


def put(server, graph: str, body: bytes):
    return send("PUT", server.url + "/graph-store?" + urllib.parse.urlencode({"graph": graph}), body,
                {**AUTH, "Content-Type": "application/n-triples"})


@pytest.fixture(scope="module")
def faults_server(make_server, tmp_path_factory):
    server = make_server({"data_dir": str(tmp_path_factory.mktemp("engine-faults") / "data"),
                          "write_token": WRITE_TOKEN, "timeout": 60})
    server.store = server.app.extensions["guidegraph.store"]
    return server


def test_a_read_after_the_engine_died_idle_is_answered(faults_server):
    assert put(faults_server, EX + "idle-read", ntriples(5, "a")).status in (201, 204)
    kill_and_wait(faults_server.store.engine_pid)
    assert count(faults_server, EX + "idle-read") == 5


@pytest.mark.parametrize("kind", ["put", "update"])
def test_a_write_after_the_engine_died_idle_goes_to_the_new_engine(faults_server, kind):
    graph = EX + f"idle-write-{kind}"
    assert put(faults_server, graph, ntriples(3, "old")).status in (201, 204)
    kill_and_wait(faults_server.store.engine_pid)
    if kind == "put":
        r = put(faults_server, graph, ntriples(7, "new"))
        assert r.status == 204, r.text()
    else:
        update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{EX}x> <{EX}p> "1" , "2" , "3" , "4" }} }}'
        r = send("POST", faults_server.sparql, update.encode(), {**AUTH, "Content-Type": "application/sparql-update"})
        assert r.status == 204, r.text()
    assert count(faults_server, graph) == 7


def test_reads_interrupted_by_engine_death_are_rerun_on_the_new_engine(faults_server):
    """Each round kills the engine while a heavy query is running; every query still gets its answer."""
    n = 1500  # the cross join (2.25M rows) outlasts the 3 ticks kill_once_busy waits for
    graph = EX + "heavy"
    assert put(faults_server, graph, ntriples(n, "h")).status in (201, 204)
    kills, answers = 0, []
    for round_ in range(8):
        assert count(faults_server, graph) == n  # the engine is up before the round starts
        # and idle: a new engine fills its memory copy in the background, and that work would count
        # as the query's in kill_once_busy
        assert faults_server.store.wait_for_memory_copy(30)
        # each round its own text, so no kept answer spares the engine the work
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?a ?b ?c . ?d ?e ?f }} }} # round {round_}"
        url = faults_server.sparql + "?" + urllib.parse.urlencode({"query": query})
        result = {}
        thread = threading.Thread(target=lambda: result.update(r=send("GET", url, headers={"Accept": "text/csv"})))
        pid = faults_server.store.engine_pid
        thread.start()
        kill_once_busy(pid, ticks=3)
        kills += 1
        thread.join(60)
        answers.append((result["r"].status, result["r"].text()))
    assert kills == 8
    assert answers == [(200, f"n\r\n{n * n}\r\n")] * 8


def test_a_write_the_engine_had_started_is_reported_honestly_and_never_mixed(faults_server):
    graph = EX + "mid-write"
    old, new = 10, 30000
    assert put(faults_server, graph, ntriples(old, "old")).status in (201, 204)
    result = {}
    thread = threading.Thread(target=lambda: result.update(r=put(faults_server, graph, ntriples(new, "new"))))
    pid = faults_server.store.engine_pid
    thread.start()
    kill_once_busy(pid, ticks=30)  # well into the update (30k triples take seconds)
    thread.join(120)
    r = result["r"]
    assert r.status == 503, r.text()
    message = r.text()
    assert "not known" in message and "count" in message, message
    assert "\n" not in message.strip() and "Traceback" not in message
    assert count(faults_server, graph) in (old, new)  # exactly the old graph or the new one
    # and the write path works on the new engine
    assert put(faults_server, graph, ntriples(4, "after")).status == 204
    assert count(faults_server, graph) == 4


def test_a_query_stopped_at_its_limit_while_a_put_runs_leaves_the_put_whole(make_server, tmp_path):
    server = make_server({"data_dir": str(tmp_path / "data"), "write_token": WRITE_TOKEN, "timeout": 0.5})
    store = server.app.extensions["guidegraph.store"]
    graph, n = EX + "put-under-a-stopped-query", 60000
    assert put(server, EX + "base", ntriples(400, "base")).status == 201  # what the slow query joins
    result = {}
    thread = threading.Thread(target=lambda: result.update(r=put(server, graph, ntriples(n, "new"))))
    _, idle = engine_state(store.engine_pid)
    thread.start()
    while engine_state(store.engine_pid)[1] - idle < 10:  # the engine has taken the PUT up
        assert thread.is_alive(), "the PUT ended before the query could be sent"
        time.sleep(0.002)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    stopped = send("GET", server.sparql + "?" + urllib.parse.urlencode({"query": slow}),
                   headers={"Accept": "text/csv"})
    thread.join(120)
    assert stopped.status == 503 and "time limit" in stopped.text(), stopped.text()
    assert result["r"].status == 201, result["r"].text()  # not "outcome not known"
    assert count(server, graph) == n
