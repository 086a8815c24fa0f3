"""The catalogue's measurements outlive a restart while they describe the data the store holds.

Each case starts the real server on a loopback port over a real data
directory, asks for the VoID description over HTTP as a harvester does, stops
it and starts it again. Every measuring is counted (and can be held), so
what a start took up and what it measured again is certain.
"""

from __future__ import annotations

import threading

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from conftest import running, send, write_behind
from load_runs import guidegraph
from guidegraph import iris
from guidegraph.server import catalog_pages
from guidegraph.server.catalog_kept import kept_file

EX = "http://example.org/kept-catalog/"
GRAPH = "urn:x:kept-catalog"


@pytest.fixture()
def measurings(monkeypatch):
    """Counts the catalogue's measurings; ``hold`` makes them wait for ``release``."""

    class Measurings:
        count = 0
        hold = False
        release = threading.Event()

    real = catalog_pages.dataset_statistics

    def counted(store):
        Measurings.count += 1
        if Measurings.hold:
            assert Measurings.release.wait(30)
        return real(store)

    monkeypatch.setattr(catalog_pages, "dataset_statistics", counted)
    return Measurings


def void_triples(server) -> int:
    """The dataset's void:triples, as /.well-known/void says it."""
    r = send("GET", f"{server.url}/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status == 200, r.body[:300]
    graph = Graph().parse(data=r.body.decode("utf-8"), format="turtle")
    base = server.app.extensions["guidegraph.settings"].data_base_iri
    return int(graph.value(URIRef(iris.dataset_iri(base)), VOID.triples))


def insert(n: int) -> str:
    return f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{EX}s{n}> <{EX}p> "{n}" }} }}'


def write(server, n: int) -> None:
    server.app.extensions["guidegraph.store"].update(insert(n))


def triples_after_a_first_run(config: dict) -> int:
    """Start a server, write one triple, read the VoID as a harvester does, stop; its triple count."""
    with running(config) as server:
        write(server, 1)
        return void_triples(server)


def test_an_embedded_restart_serves_what_it_measured_before(tmp_path, measurings):
    data = tmp_path / "data"
    before = triples_after_a_first_run({"data_dir": str(data)})
    assert measurings.count == 1
    inode = kept_file(data).stat().st_ino
    measurings.hold = True  # a measuring now would hang the request for 30 s
    with running({"data_dir": str(data)}) as server:
        assert void_triples(server) == before
        sitemap = send("GET", f"{server.url}/sitemap.xml")
        assert sitemap.status == 200
    assert measurings.count == 1
    assert kept_file(data).stat().st_ino == inode  # not written again


def test_a_write_between_runs_is_measured_again(tmp_path, measurings):
    data = tmp_path / "data"
    before = triples_after_a_first_run({"data_dir": str(data)})
    with running({"data_dir": str(data)}) as server:  # a write, and nobody asks for the catalogue
        write(server, 2)
    with running({"data_dir": str(data)}) as server:
        assert void_triples(server) == before + 1
    assert measurings.count == 2
    with running({"data_dir": str(data)}) as server:  # and that measuring is kept in turn
        assert void_triples(server) == before + 1
    assert measurings.count == 2


def test_a_bulk_load_between_runs_is_measured_again(tmp_path, measurings):
    data = tmp_path / "data"
    before = triples_after_a_first_run({"data_dir": str(data)})
    source = tmp_path / "more.nq"
    source.write_text(f'<{EX}loaded> <{EX}p> "loaded" <{GRAPH}> .\n', encoding="utf-8")
    load = guidegraph("load", str(source), "--data-dir", str(data))
    assert load.returncode == 0, load.stderr
    with running({"data_dir": str(data)}) as server:
        assert void_triples(server) == before + 1
    assert measurings.count == 2


def test_another_base_or_a_damaged_file_is_measured_again(tmp_path, measurings):
    data = tmp_path / "data"
    before = triples_after_a_first_run({"data_dir": str(data)})
    with running({"data_dir": str(data), "base_iri": "http://example.org/elsewhere/id/"}) as server:
        assert void_triples(server) == before  # page paths are cut from the base: measured under this one
    assert measurings.count == 2
    kept_file(data).write_bytes(b'{"stamp": ')
    with running({"data_dir": str(data)}) as server:
        assert void_triples(server) == before
    assert measurings.count == 3
    assert kept_file(data).read_bytes().startswith(b'{"stamp":{')  # written whole again


def test_a_temporary_store_keeps_nothing(measurings):
    with running({}) as server:
        write(server, 1)
        assert void_triples(server) > 0
        assert server.app.extensions["guidegraph.catalog"]._kept_file is None


@pytest.fixture()
def remote_with_data_dir(tmp_path, scratch_remote_config):
    yield {**scratch_remote_config, "data_dir": str(tmp_path / "data")}
    write_behind(scratch_remote_config, f"DROP SILENT GRAPH <{GRAPH}>")


def test_a_remote_restart_serves_the_old_measuring_while_it_measures_again(remote_with_data_dir, measurings):
    config = remote_with_data_dir
    before = triples_after_a_first_run(config)
    write_behind(config, insert(2))  # while we were down
    measurings.hold = True
    with running(config) as server:
        assert void_triples(server) == before  # at once, from the earlier run
        catalog = server.app.extensions["guidegraph.catalog"]
        measuring = catalog._remeasuring
        assert measuring is not None
        measurings.release.set()
        measuring.join(30)
        assert void_triples(server) == before + 1
    assert measurings.count == 2
    # what was measured from another endpoint is never taken for this one's
    other = {**config, "endpoint": config["endpoint"].replace("127.0.0.1", "localhost")}
    with running(other) as server:
        assert void_triples(server) == before + 1
    assert measurings.count == 3


def test_our_write_before_the_first_request_is_not_hidden_by_what_was_kept(remote_with_data_dir, measurings):
    config = remote_with_data_dir
    before = triples_after_a_first_run(config)
    with running(config) as server:  # writes before anyone asks: the kept figures must not answer for it
        write(server, 2)
        assert void_triples(server) == before + 1
    assert measurings.count == 2
