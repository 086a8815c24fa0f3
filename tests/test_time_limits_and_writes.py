"""A read's time limit kills the engine; a write running in that engine must not be lost to it.

Before the kill was held back, a researcher's slow query that hit the limit while an
officer's write ran made the write fail with "outcome not known" (WriteOutcomeUnknown).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest

from guidegraph.store import QueryTimeout
from guidegraph.store.embedded import EmbeddedStore
from guidegraph.store.engine_kills import EngineKills, Request

EX = "http://example.org/"
# A cross join counted: ~1-3 s on 2,000 triples, whatever the engine's mode.
SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def slow_write(graph: str) -> str:
    """An update that takes seconds to evaluate and adds one triple."""
    return (f"INSERT {{ GRAPH <{graph}> {{ <{EX}x> <{EX}count> ?n }} }} WHERE "
            f"{{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}big> {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }} }} }}")


def load(store: EmbeddedStore, n: int) -> None:
    store.replace_graph(f"{EX}big", "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(n)).encode())


def count_in(store: EmbeddedStore, graph: str) -> int:
    return store.triple_count(graph)


def in_thread(fn):
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            outcome["error"] = exc
        outcome["ended"] = time.monotonic()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def engine_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("memory", [True, False], ids=["memory", "disk"])
def test_a_read_past_its_limit_is_stopped_once_the_running_write_has_finished(tmp_path, memory):
    with EmbeddedStore(tmp_path / "data", memory=memory) as store:
        load(store, 220)
        pid = store.engine_pid
        writer, written = in_thread(lambda: store.update(slow_write(f"{EX}w")))
        time.sleep(0.3)  # the write is running
        with pytest.raises(QueryTimeout):
            store.query(SLOW_COUNT, result_format="json", graph_format="turtle", timeout=0.2)
        stopped = time.monotonic()
        writer.join(60)
        assert "error" not in written, written.get("error")
        assert count_in(store, f"{EX}w") == 1  # the write took effect and said so
        assert stopped >= written["ended"] - 0.05  # (the two threads wake in either order)
        assert not engine_alive(pid)  # the read's work really stopped, with its engine
        assert count_in(store, f"{EX}big") == 220


def test_an_update_past_its_limit_waits_for_the_write_before_it(tmp_path):
    """Writes run one at a time: an update queued behind a long write, stopped by its own
    limit, writes nothing, and the write it waited for is kept."""
    with EmbeddedStore(tmp_path / "data", memory=True) as store:
        load(store, 220)
        first, written = in_thread(lambda: store.update(slow_write(f"{EX}first")))
        time.sleep(0.3)
        with pytest.raises(QueryTimeout, match="nothing was written"):
            store.update(slow_write(f"{EX}second"), timeout=0.2)
        first.join(60)
        assert "error" not in written, written.get("error")
        assert count_in(store, f"{EX}first") == 1
        assert count_in(store, f"{EX}second") == 0


@pytest.fixture
def engine_proc():
    """A process standing in for an engine: something the bookkeeping can kill."""
    proc = subprocess.Popen(["sleep", "60"])
    yield proc
    proc.kill()
    proc.wait()


def killed(proc) -> bool:
    try:
        proc.wait(1)
    except subprocess.TimeoutExpired:
        return False
    return True


def test_a_held_back_read_that_answers_keeps_its_answer_and_the_engine(engine_proc):
    kills = EngineKills()
    write, read = Request(engine_proc), Request(engine_proc)
    kills.write_began(write)
    kills.time_limit_struck(read)
    assert not kills.finished(read)  # the answer came: it is kept
    assert not kills.finished(write)
    assert not killed(engine_proc)


def test_every_read_held_back_is_stopped_when_the_last_write_ends(engine_proc):
    kills = EngineKills()
    first, second, read, late = (Request(engine_proc) for _ in range(4))
    kills.write_began(first)
    kills.write_began(second)
    kills.time_limit_struck(read)
    kills.time_limit_struck(late)
    kills.finished(first)
    assert not killed(engine_proc)  # the second write still runs
    kills.finished(second)
    assert killed(engine_proc)
    assert kills.finished(read) and kills.finished(late)  # each learns its limit stopped it


def test_a_write_past_its_own_limit_holds_nothing_back(engine_proc):
    kills = EngineKills()
    update = Request(engine_proc)
    kills.write_began(update)
    kills.time_limit_struck(update)
    assert killed(engine_proc)
    assert kills.finished(update)


def test_a_time_limit_that_strikes_after_the_answer_kills_nothing(engine_proc):
    kills = EngineKills()
    read = Request(engine_proc)
    assert not kills.finished(read)
    kills.time_limit_struck(read)  # the time-limit thread, a moment late
    assert not killed(engine_proc)


def test_a_write_that_begins_after_the_limit_struck_does_not_hold_the_kill_back(engine_proc):
    kills = EngineKills()
    running, read, later = (Request(engine_proc) for _ in range(3))
    kills.write_began(running)
    kills.time_limit_struck(read)
    kills.write_began(later)
    kills.finished(running)
    assert killed(engine_proc)
    assert kills.finished(read)
