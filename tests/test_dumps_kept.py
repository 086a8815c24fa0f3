"""Dump files outlive a restart while the store holds what they were made from.

Each case runs the real server app on a real data directory, stops it, and
starts it again; a file written anew has a new inode (every dump file is
replaced atomically), one kept has the same.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import WRITE_TOKEN
from load_runs import guidegraph
from guidegraph.server import create_app
from guidegraph.server.app import close_app
from guidegraph.store import content_token

EX = "http://example.org/kept/"
TURTLE = {"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITE_TOKEN}"}


def run_server(data_dir: Path, **config):
    return create_app({"data_dir": str(data_dir), "write_token": WRITE_TOKEN, "warm_cache": False, **config})


def dumps_of(app) -> dict[str, int]:
    """Ask for the dumps as a harvester does; the inode of each file they list."""
    with app.test_client().get("/dumps/index.json") as listing:
        assert listing.status_code == 200
        rows = listing.get_json()
    folder = Path(app.extensions["guidegraph.dumps"].path)
    return {row["name"]: (folder / row["name"]).stat().st_ino for row in rows}


def dumps_after_a_start(data_dir: Path, **config) -> dict[str, int]:
    """Start the server, let a harvester ask for the dumps, stop it."""
    app = run_server(data_dir, **config)
    try:
        return dumps_of(app)
    finally:
        close_app(app)


def put_graph(app, graph: str, turtle: str) -> None:
    r = app.test_client().put(f"/graph-store?graph={graph}", data=turtle.encode(), headers=TURTLE)
    assert r.status_code in (201, 204), r.data


@pytest.fixture()
def data_dir(tmp_path):
    path = tmp_path / "data"
    app = run_server(path)
    try:
        put_graph(app, EX + "g", f"<{EX}a> <{EX}p> \"one\" .")
        dumps_of(app)
    finally:
        close_app(app)
    return path


def test_a_restart_serves_the_dumps_it_wrote_before(data_dir):
    before = dumps_after_a_start(data_dir)
    assert "dataset.nq.gz" in before
    assert dumps_after_a_start(data_dir) == before  # the same files, none written again


def test_a_write_makes_them_anew_and_they_hold_it(data_dir):
    app = run_server(data_dir)
    try:
        before = dumps_of(app)
        put_graph(app, EX + "g", f"<{EX}a> <{EX}p> \"two\" .")
        after = dumps_of(app)
        assert after["dataset.nq.gz"] != before["dataset.nq.gz"]
        with app.test_client().get("/dumps/dataset.nq.gz") as r:
            nquads = r.data
    finally:
        close_app(app)
    import gzip

    assert '"two"' in gzip.decompress(nquads).decode("utf-8")
    assert dumps_after_a_start(data_dir) == after  # and those are kept in turn


def test_a_bulk_load_between_runs_makes_them_anew(data_dir, tmp_path):
    before = dumps_after_a_start(data_dir)
    source = tmp_path / "more.nq"
    source.write_text(f"<{EX}b> <{EX}p> \"loaded\" <{EX}h> .\n", encoding="utf-8")
    load = guidegraph("load", str(source), "--data-dir", str(data_dir))
    assert load.returncode == 0, load.stderr
    after = dumps_after_a_start(data_dir)
    assert after["dataset.nq.gz"] != before["dataset.nq.gz"]
    assert len(set(after) - set(before)) == 2  # the loaded graph's Turtle and JSON-LD


def test_a_lost_token_or_another_base_makes_them_anew(data_dir):
    before = dumps_after_a_start(data_dir)
    # What a crash in the middle of a write leaves: no token.
    content_token.forget(data_dir)
    after_crash = dumps_after_a_start(data_dir)
    assert after_crash["dataset.nq.gz"] != before["dataset.nq.gz"]
    # The same data published under another base: file names and prefixes are cut from it.
    elsewhere = dumps_after_a_start(data_dir, base_iri="http://example.org/elsewhere/id/")
    assert elsewhere["dataset.nq.gz"] != after_crash["dataset.nq.gz"]


def test_a_failed_write_still_names_the_data(data_dir):
    """A refused update costs the next start nothing: the data is named again at once."""
    app = run_server(data_dir)
    try:
        store = app.extensions["guidegraph.store"]
        before = store.content_token()
        # well-formed, so it reaches the engine, which refuses it: the graph exists
        r = app.test_client().post("/sparql", data={"update": f"CREATE GRAPH <{EX}g>"},
                                   headers={"Authorization": f"Bearer {WRITE_TOKEN}"})
        assert r.status_code >= 400
        assert store.content_token() not in (None, before)
    finally:
        close_app(app)


def test_a_temporary_store_keeps_nothing():
    app = create_app({"warm_cache": False})
    try:
        assert app.extensions["guidegraph.store"].content_token() is None
        assert dumps_of(app)  # written, just never stamped
        assert not (Path(app.extensions["guidegraph.dumps"].path) / ".made-from.json").exists()
    finally:
        close_app(app)


def test_readers_asking_at_once_all_get_the_token_one_of_them_mints(tmp_path):
    """After a write the dumps and the search index ask for the token at the same moment; a reader
    that found another minting was told there was none, and the dumps were written again at the
    next start. A write still makes readers get None."""
    import threading

    keeper = content_token.TokenKeeper(tmp_path, writable=True)
    slow_mint, minting = content_token.mint, threading.Event()

    def mint_slowly(data_dir):
        minting.set()
        time.sleep(0.3)
        return slow_mint(data_dir)

    content_token.mint = mint_slowly
    try:
        first: list = []
        t = threading.Thread(target=lambda: first.append(keeper.current()))
        t.start()
        assert minting.wait(5)
        second = keeper.current()
        t.join(5)
    finally:
        content_token.mint = slow_mint
    assert first[0] is not None and second == first[0] == content_token.read(tmp_path)
    with keeper.changing():
        assert keeper.current() is None
    assert content_token.read(tmp_path) is None
