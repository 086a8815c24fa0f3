"""Dumps and the catalogue made from a remote store: kept while current, made again after our own
writes or once older than the refresh age (store/freshness.py), against a real Oxigraph server."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import time
import uuid

import pyoxigraph as ox
import pytest

from conftest import send
from guidegraph.store import freshness

GG = "https://w3id.org/guidegraph/ontology#"


def _dump_names(server) -> set[str]:
    body = gzip.decompress(send("GET", server.url + "/dumps/dataset.nq.gz").body)
    return {q.object.value for q in ox.parse(body, format=ox.RdfFormat.N_QUADS) if q.predicate.value == GG + "name"}


def _catalogue_triples(server) -> int:
    r = send("GET", server.url + "/.well-known/void", headers={"Accept": "application/n-triples"})
    assert r.status == 200, r.text()[:300]
    counts = [int(m) for m in re.findall(r'<http://rdfs.org/ns/void#triples> "(\d+)"', r.text())]
    assert counts, r.text()[:500]
    return max(counts)  # the whole dataset's count is the largest


def _write_behind(config: dict, graph: str, name: str) -> None:
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#o> a <{GG}Office> ; <{GG}name> "{name}" }} }}'
    r = send("POST", config["update_endpoint"], update.encode(), {"Content-Type": "application/sparql-update"})
    assert r.status in (200, 204), r.text()


def _write_ours(server, graph: str, name: str) -> None:
    server.app.extensions["guidegraph.store"].update(
        f'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#o> a <{GG}Office> ; <{GG}name> "{name}" }} }}')


def test_dumps_and_catalogue_are_kept_until_our_own_write_or_the_refresh_age(make_server, scratch_remote_config):
    server = make_server(dict(scratch_remote_config, remote_refresh_seconds=3600))
    graph = f"urn:x:fresh-{uuid.uuid4().hex}"
    _write_ours(server, graph, "我们写入一")
    assert "我们写入一" in _dump_names(server)
    triples = _catalogue_triples(server)
    dump_file = next(p for p in server.app.extensions["guidegraph.dumps"].path.iterdir() if p.name == "dataset.nq.gz")
    written = dump_file.stat().st_mtime_ns

    _write_behind(scratch_remote_config, graph + "-behind", "背后写入一")
    assert "背后写入一" not in _dump_names(server)  # kept: younger than an hour, and we wrote nothing since
    assert dump_file.stat().st_mtime_ns == written  # not written again for the second request
    assert _catalogue_triples(server) == triples

    _write_ours(server, graph, "我们写入二")
    names = _dump_names(server)
    assert {"我们写入二", "背后写入一"} <= names  # made again: it holds the other writer's triples too
    assert _catalogue_triples(server) == triples + 3  # the other writer's two, and our second name


def test_past_the_refresh_age_the_files_served_stay_while_new_ones_are_made(make_server, scratch_remote_config):
    server = make_server(dict(scratch_remote_config, remote_refresh_seconds=0))
    graph = f"urn:x:fresh-{uuid.uuid4().hex}"
    before = _catalogue_triples(server)
    assert "背后写入零" not in _dump_names(server)
    _write_behind(scratch_remote_config, graph, "背后写入零")
    # Answered at once from what was made before (a child process makes the new files meanwhile)...
    assert "背后写入零" not in _dump_names(server)
    assert _catalogue_triples(server) == before
    # ...which then take their place, the catalogue describing them.
    eventually(lambda: "背后写入零" in _dump_names(server))
    eventually(lambda: _catalogue_triples(server) == before + 2)
    sha = next(f["sha256"] for f in json.loads(send("GET", server.url + "/dumps/index.json").body)
               if f["name"] == "dataset.nq.gz")
    assert sha == hashlib.sha256(send("GET", server.url + "/dumps/dataset.nq.gz").body).hexdigest()
    eventually(lambda: sha in send("GET", server.url + "/.well-known/void",
                                   headers={"Accept": "application/n-triples"}).text(), what="(its checksum)")


def eventually(check, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not so within {timeout:g} s {what}"
        time.sleep(0.2)


def test_what_a_tracked_store_made_stays_current_until_it_is_written(tmp_path):
    from guidegraph.store import open_store

    with open_store({"data_dir": str(tmp_path / "d")}) as store:
        made = freshness.made_now(store)
        assert freshness.is_current(made, store, refresh_seconds=0)  # no age limit: it tracks every write
        store.update('INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> "o" } }')
        assert not freshness.is_current(made, store)
        assert not freshness.is_current(None, store)


def test_serve_refuses_a_negative_refresh_age(capsys):
    from guidegraph import cli

    assert cli.main(["serve", "--store", "remote", "--endpoint", "http://127.0.0.1:9/q", "--remote-refresh", "-1"]) == 2
    assert "--remote-refresh must be 0 or more seconds" in capsys.readouterr().err


@pytest.mark.parametrize("age", [0.0, 3600.0])
def test_the_search_index_takes_the_same_refresh_age(make_server, scratch_remote_config, age):
    server = make_server(dict(scratch_remote_config, remote_refresh_seconds=age))
    assert server.app.extensions["guidegraph.search"].refresh_seconds == age
