"""Serving from memory, persisting on disk (store/memory_mirror.py), on the real engine."""

from __future__ import annotations

import os
import signal
import threading
import time

import pyoxigraph as ox
import pytest

from guidegraph.store.base import QueryTimeout
from guidegraph.store.embedded import EmbeddedStore
from guidegraph.store.memory_mirror import SNAPSHOT_FILE, STAMP_FILE, MirroredStore, invalidate_snapshot

EX = "http://example.org/mirror/"


def rows(store, query: str) -> list[str]:
    body = store.query(query, result_format="tsv", graph_format="ntriples").body.decode()
    return sorted(body.splitlines()[1:])


def count(store) -> int:
    return int(rows(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0].split("^^")[0].strip('"'))


def engine_reply(store, op, **kwargs):
    return store._engine.call(op, None, **kwargs)


def test_a_restart_loses_nothing_and_starts_from_the_snapshot(tmp_path):
    path = tmp_path / "data"
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g1", f'<{EX}a> <{EX}p> "一" .\n<{EX}b> <{EX}p> "二" .\n'.encode())
        store.update(f'INSERT DATA {{ GRAPH <{EX}g2> {{ <{EX}c> <{EX}p> "三" }} }}')
        store.bulk_load_nquads(f'<{EX}d> <{EX}p> "四" <{EX}g3> .\n'.encode())
        assert count(store) == 4
    # closing brought the snapshot up to date and stamped it
    assert (path / STAMP_FILE).exists() and (path / SNAPSHOT_FILE).exists()
    with EmbeddedStore(path, memory=True) as store:
        assert count(store) == 4
        assert rows(store, f"SELECT ?o WHERE {{ <{EX}c> <{EX}p> ?o }}") == ['"三"']
        assert store.named_graphs() == [f"{EX}g1", f"{EX}g2", f"{EX}g3"]


def test_the_snapshot_loses_its_stamp_before_the_disk_changes(tmp_path):
    path = tmp_path / "data"
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g", f'<{EX}a> <{EX}p> "1" .\n'.encode())
    assert (path / STAMP_FILE).exists()
    store = EmbeddedStore(path, memory=True)
    try:
        store.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}b> <{EX}p> "2" }} }}')
        # the write is on disk and in memory, and the old snapshot no longer counts
        assert not (path / STAMP_FILE).exists()
        os.kill(store.engine_pid, signal.SIGKILL)  # no orderly close: no new snapshot written
        time.sleep(0.2)
    finally:
        store.close()
    # what was committed is read back from disk, not from the stale snapshot
    with EmbeddedStore(path, memory=True) as again:
        assert count(again) == 2


def test_a_snapshot_written_by_the_engine_matches_the_disk(tmp_path):
    path = tmp_path / "data"
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g", "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(50)).encode())
    snapshot = {str(q) for q in ox.parse(path=str(path / SNAPSHOT_FILE), format=ox.RdfFormat.N_QUADS)}
    disk = ox.Store.read_only(str(path))
    assert snapshot == {str(q) for q in disk.quads_for_pattern(None, None, None, None)}
    assert len(snapshot) == 50


def test_writing_the_disk_by_another_way_needs_invalidate(tmp_path):
    path = tmp_path / "data"
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g", f'<{EX}a> <{EX}p> "1" .\n'.encode())
    disk = ox.Store(str(path))
    invalidate_snapshot(path)  # what `guidegraph load` does before writing
    disk.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}b> <{EX}p> "2" }} }}')
    disk.flush()
    del disk
    with EmbeddedStore(path, memory=True) as store:
        assert count(store) == 2


def test_an_update_that_would_differ_when_run_again_is_read_back_from_disk(tmp_path):
    path = tmp_path / "data"
    with EmbeddedStore(path, memory=True) as store:
        store.update(f"INSERT {{ GRAPH <{EX}g> {{ <{EX}x> <{EX}id> ?u ; <{EX}at> ?t }} }} "
                     "WHERE { BIND(STRUUID() AS ?u) BIND(NOW() AS ?t) }")
        served = rows(store, f"SELECT ?u ?t WHERE {{ <{EX}x> <{EX}id> ?u ; <{EX}at> ?t }}")
    with EmbeddedStore(path, memory=False) as disk:
        assert rows(disk, f"SELECT ?u ?t WHERE {{ <{EX}x> <{EX}id> ?u ; <{EX}at> ?t }}") == served
    assert len(served) == 1


def test_a_stopped_update_writes_nothing_to_memory_or_disk(tmp_path):
    path = tmp_path / "data"
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g", "".join(f'<{EX}s{i}> <{EX}p> {i} .\n' for i in range(1000)).encode())
        slow = (f"INSERT {{ GRAPH <{EX}h> {{ ?a <{EX}q> ?c }} }} WHERE {{ GRAPH ?g {{ ?a <{EX}p> ?x . ?b <{EX}p> ?y . "
                f"?c <{EX}p> ?z }} FILTER(STR(?x) = CONCAT(STR(?y), STR(?z), \"never\")) }}")
        with pytest.raises(QueryTimeout, match="nothing was written"):
            store.update(slow, timeout=0.5)
        assert count(store) == 1000
    with EmbeddedStore(path, memory=False) as disk:
        assert count(disk) == 1000


def test_answers_come_from_memory_and_files_from_disk(tmp_path):
    """The served copy answers queries; graphs and dumps are written in the disk's order,
    so their bytes are the same as a disk-only store's."""
    path = tmp_path / "data"
    data = "".join(f'<{EX}s{i % 7}> <{EX}p{i % 3}> "{i}" .\n' for i in range(200)).encode()
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g", data)
        from_memory_engine = store.get_graph(f"{EX}g", "turtle")
        assert engine_reply(store, "ping") == "pong"
    with EmbeddedStore(path, memory=False) as disk:
        assert disk.get_graph(f"{EX}g", "turtle") == from_memory_engine


def test_clear_leaves_the_same_graphs_in_memory_as_on_disk(tmp_path):
    with EmbeddedStore(tmp_path / "data", memory=True) as store:
        store.replace_graph(f"{EX}g", f'<{EX}a> <{EX}p> "1" .\n'.encode())
        store.update("CLEAR ALL")
        assert rows(store, "SELECT ?g WHERE { GRAPH ?g { } }") == []
        assert store.replace_graph(f"{EX}g", f'<{EX}a> <{EX}p> "1" .\n'.encode()) is False  # a new graph again


def test_guidegraph_load_takes_the_stamp_so_the_next_start_sees_what_it_loaded(tmp_path):
    from guidegraph.cli import main

    path = tmp_path / "data"
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g", f'<{EX}a> <{EX}p> "1" .\n'.encode())
    assert (path / STAMP_FILE).exists()
    more = tmp_path / "more.nq"
    more.write_text(f'<{EX}b> <{EX}p> "2" <{EX}h> .\n<{EX}c> <{EX}p> "3" <{EX}h> .\n', encoding="utf-8")
    assert main(["load", str(more), "--data-dir", str(path), "--no-progress"]) == 0
    assert not (path / STAMP_FILE).exists()
    with EmbeddedStore(path, memory=True) as store:
        assert count(store) == 3


class GatedMirror(MirroredStore):
    """The real mirror on the real on-disk store, whose fill from disk waits for a gate once it has
    taken its checkpoint (the moment the copy is of)."""

    def __init__(self, *args, **kwargs) -> None:
        self.gate = threading.Event()
        super().__init__(*args, **kwargs)

    def _read_checkpoint(self, work):
        assert self.gate.wait(60)
        return super()._read_checkpoint(work)


COUNTER = f"<{EX}counter>"
INCREMENT = (f"DELETE {{ GRAPH <{EX}c> {{ {COUNTER} <{EX}n> ?n }} }} INSERT {{ GRAPH <{EX}c> {{ {COUNTER} <{EX}n> ?m }} }} "
             f"WHERE {{ GRAPH <{EX}c> {{ {COUNTER} <{EX}n> ?n }} BIND(?n + 1 AS ?m) }}")


def counter(store) -> list[str]:
    return [s["n"].value for s in store.query(f"SELECT ?n WHERE {{ GRAPH ?g {{ {COUNTER} <{EX}n> ?n }} }}")]


@pytest.mark.parametrize("unrepeatable", [False, True], ids=["replayed", "read-again"])
def test_writes_go_on_while_the_copy_fills_and_the_copy_gets_each_once(tmp_path, unrepeatable):
    path = tmp_path / "data"
    disk = ox.Store(str(path))
    disk.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> "1" }} GRAPH <{EX}c> {{ {COUNTER} <{EX}n> 0 }} '
                f'GRAPH <{EX}gone> {{ <{EX}b> <{EX}p> "x" }} }}')
    mirror = GatedMirror(disk, str(path))
    try:
        query = f"SELECT ?o WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}p> ?o }} }}"
        assert [str(s["o"]) for s in mirror.query(query)] == ['"1"']  # from disk, at once
        deadline = time.monotonic() + 10
        while mirror._pending is None and time.monotonic() < deadline:  # the fill has taken its checkpoint
            time.sleep(0.01)
        # Writes commit at once while the copy fills; each reader sees them, from disk.
        # NOW() gives another answer when replayed, so the copy is read from disk again there; the
        # increments after it are in that read and must not be replayed on top of it.
        last = (f'INSERT {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}when> ?t }} }} WHERE {{ BIND(NOW() AS ?t) }}' if unrepeatable
                else f"CLEAR GRAPH <{EX}gone>")
        writes = [f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> "2" }} }}', *([last] if unrepeatable else []),
                  INCREMENT, INCREMENT, *([] if unrepeatable else [last])]
        writer = threading.Thread(target=lambda: [mirror.update(w) for w in writes])
        writer.start()
        writer.join(10)
        assert not writer.is_alive() and not mirror.filled.is_set()  # done before the copy is whole
        assert sorted(str(s["o"]) for s in mirror.query(query)) == ['"1"', '"2"']
        assert counter(mirror) == ["2"]
        mirror.gate.set()
        assert mirror.filled.wait(30) and mirror.memory is not None and mirror.loaded_from == "disk"
        assert mirror._pending is None
        # The copy holds every write once: the counter went up twice, not three or four times.
        assert sorted(str(s["o"]) for s in mirror.memory.query(query)) == ['"1"', '"2"']
        assert counter(mirror.memory) == ["2"]
        assert len(mirror.memory) == len(disk) == (5 if unrepeatable else 3)
        assert set(mirror.memory.named_graphs()) == set(disk.named_graphs())  # the cleared graph is gone from both
        mirror.update(INCREMENT)  # and it keeps up after
        assert counter(mirror.memory) == counter(disk) == ["3"]
    finally:
        mirror.gate.set()
        mirror.close()


def test_an_engine_stopped_at_a_time_limit_answers_again_at_once(tmp_path):
    """The new engine answers from disk until its copy is whole, then from memory."""
    path = tmp_path / "data"
    data = "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(300)).encode()
    with EmbeddedStore(path, memory=True) as store:
        store.replace_graph(f"{EX}g", data)
        with pytest.raises(QueryTimeout):
            store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", result_format="json",
                        graph_format="turtle", timeout=0.5)
        assert count(store) == 300
        assert store.wait_for_memory_copy(30)
        status = engine_reply(store, "memory_copy")
        assert status["answers_from"] == "memory" and status["filled"]
        assert status["loaded_from"] in ("snapshot", "disk")  # a snapshot if it was written before the stop
        assert count(store) == 300
