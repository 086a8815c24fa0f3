"""The search index outlives a restart while it describes the data the store holds.

Each case starts the real server on a loopback port over a real data
directory, searches over HTTP, stops it and starts it again. An index file
taken up keeps its inode (a build replaces the file whole); one built again
gets a new one.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import running, send, write_behind
from guidegraph.namespaces import GG
from guidegraph.search.service import index_file

CORPUS_JIANGSU = "corpus/004_757a5c273432423d.txt"
TITLE = "无创脑机接口精准调控关键技术研发"


def search(server, q: str) -> list[str]:
    r = send("GET", f"{server.url}/api/search?{urllib.parse.urlencode({'q': q})}")
    assert r.status == 200, r.body[:300]
    return [h["label"] for h in json.loads(r.body)["hits"]]


def service(server):
    return server.app.extensions["guidegraph.search"]


def office(iri: str, name: str, graph: str = "urn:x:kept") -> str:
    return f'INSERT DATA {{ GRAPH <{graph}> {{ <{iri}> a <{GG}Office> ; <{GG}name> "{name}" }} }}'


def hold_builds(server):
    """Builds wait for the event returned (a real build, only later), so what a search saw is certain."""
    svc, release = service(server), threading.Event()
    real = svc.rebuild
    svc.rebuild = lambda version: (release.wait(30), real(version))[1]
    return release


def test_an_embedded_restart_searches_the_index_it_built_before(tmp_path):
    from guidegraph.bundled_corpus import load_bundled_corpus

    data = tmp_path / "data"
    with running({"data_dir": str(data)}) as server:
        load_bundled_corpus(server.app.extensions["guidegraph.store"], paths=[CORPUS_JIANGSU])
        assert TITLE in search(server, "无创脑机接口")
        inode = index_file(data).stat().st_ino
        documents = service(server).last_build.documents
    with running({"data_dir": str(data)}) as server:
        hold_builds(server)  # a build would hang this search for 30 s; none is wanted
        started = time.perf_counter()
        assert TITLE in search(server, "无创脑机接口")
        assert time.perf_counter() - started < 10
        assert index_file(data).stat().st_ino == inode
        assert service(server).last_build.documents == documents
        assert service(server).last_build.seconds == 0.0  # taken up, not built


def test_an_index_from_before_a_write_is_built_again(tmp_path):
    data = tmp_path / "data"
    with running({"data_dir": str(data)}) as server:
        server.app.extensions["guidegraph.store"].update(office("urn:x:k1", "重启前办公室"))
        assert search(server, "重启前办公室") == ["重启前办公室"]
        inode = index_file(data).stat().st_ino
    with running({"data_dir": str(data)}) as server:  # a write, no search: the index file stays as it was
        server.app.extensions["guidegraph.store"].update(office("urn:x:k2", "停机间写入办公室"))
    assert index_file(data).stat().st_ino == inode
    with running({"data_dir": str(data)}) as server:
        assert search(server, "停机间写入办公室") == ["停机间写入办公室"]
        assert index_file(data).stat().st_ino != inode
        assert service(server).last_build.seconds > 0


@pytest.fixture()
def remote_with_data_dir(tmp_path, scratch_remote_config):
    """A remote store's settings with a data directory; what the test wrote is dropped after it."""
    yield {**scratch_remote_config, "data_dir": str(tmp_path / "data")}
    write_behind(scratch_remote_config, "DROP SILENT GRAPH <urn:x:kept>")


def searched_after_our_write(config: dict, iri: str, name: str) -> list[str]:
    """Start a server, write an office through it, search for it; the labels found."""
    with running(config) as server:
        server.app.extensions["guidegraph.store"].update(office(iri, name))
        return search(server, name)


def test_a_remote_restart_searches_the_old_index_while_it_builds_the_new(remote_with_data_dir):
    config = remote_with_data_dir
    assert searched_after_our_write(config, "urn:x:k3", "远程重启前办公室") == ["远程重启前办公室"]
    write_behind(config, office("urn:x:k4", "远程停机间办公室"))  # while we were down
    with running(config) as server:
        release = hold_builds(server)
        assert search(server, "远程重启前办公室") == ["远程重启前办公室"]  # the old index, at once
        assert search(server, "远程停机间办公室") == []
        release.set()
        assert service(server).wait_for_refresh(60)
        assert search(server, "远程停机间办公室") == ["远程停机间办公室"]
    # an index made from another endpoint is never taken for this one's
    other = {**config, "endpoint": config["endpoint"].replace("127.0.0.1", "localhost")}
    write_behind(config, office("urn:x:k5", "另一端点办公室"))
    with running(other) as server:
        assert search(server, "另一端点办公室") == ["另一端点办公室"]


def test_an_index_file_that_is_not_one_is_built_again(tmp_path):
    data = tmp_path / "data"
    index_file(data).parent.mkdir(parents=True)
    index_file(data).write_bytes(b"not an index")
    with running({"data_dir": str(data)}) as server:
        server.app.extensions["guidegraph.store"].update(office("urn:x:k6", "坏文件办公室"))
        assert search(server, "坏文件办公室") == ["坏文件办公室"]
    assert Path(index_file(data)).read_bytes()[:15] == b"SQLite format 3"


def test_our_write_before_the_first_search_is_not_hidden_by_an_earlier_index(remote_with_data_dir):
    assert searched_after_our_write(remote_with_data_dir, "urn:x:k7", "先前索引办公室") == ["先前索引办公室"]
    # the next start writes before its first search: the earlier index must not answer for it
    assert searched_after_our_write(remote_with_data_dir, "urn:x:k8", "首搜前写入办公室") == ["首搜前写入办公室"]
