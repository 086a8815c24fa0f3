"""Disk faults under the store and the server: a full disk and a read-only data directory.

Real mounts (a tiny tmpfs, a read-only bind mount), the real store, the real server on loopback
and the real ``guidegraph serve`` process. A full disk fails a write cleanly (507, naming the
cause), keeps reads going, and writes work again as soon as space is freed, without a restart.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from conftest import WRITE_TOKEN, free_port, send
from guidegraph.store import open_store
from mounts import fill, read_only, tmpfs

EX = "http://example.org/disk/"
AUTH = {"Authorization": f"Bearer {WRITE_TOKEN}"}


def ntriples(n: int, tag: str) -> bytes:
    return "".join(f'<{EX}s{i}> <{EX}p> "{tag} {i} {"x" * 40}" .\n' for i in range(n)).encode()


def put(url: str, graph: str, body: bytes):
    return send("PUT", url + "/graph-store?" + urllib.parse.urlencode({"graph": graph}), body,
                {**AUTH, "Content-Type": "application/n-triples"})


def count(url: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = send("GET", url + "/sparql?" + urllib.parse.urlencode({"query": query}),
             headers={"Accept": "application/sparql-results+json"})
    assert r.status == 200, r.text()
    return int(json.loads(r.body)["results"]["bindings"][0]["n"]["value"])


def guidegraph(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegraph.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def assert_one_clean_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_put_on_a_full_disk_answers_507_and_writes_work_again_once_space_is_freed(make_server, tmp_path):
    with tmpfs(tmp_path / "disk", "32m") as disk:
        server = make_server({"data_dir": str(disk / "data"), "write_token": WRITE_TOKEN, "timeout": 30})
        store = server.app.extensions["guidegraph.store"]
        try:
            graph = EX + "g"
            assert put(server.url, graph, ntriples(10, "old")).status == 201
            filler = fill(disk)
            for _ in range(2):  # the first failure, and one more while the disk is still full
                r = put(server.url, graph, ntriples(5000, "new"))
                assert r.status == 507, r.text()
                assert "no space left" in r.text() and str(disk / "data") in r.text(), r.text()
                assert count(server.url, graph) == 10  # reads go on, and the graph is the old one
            filler.unlink()
            r = put(server.url, graph, ntriples(5000, "new"))  # same server, no restart
            assert r.status == 204, r.text()
            assert count(server.url, graph) == 5000
            r = send("POST", server.url + "/sparql", f'INSERT DATA {{ GRAPH <{graph}> {{ <{EX}x> <{EX}p> "1" }} }}'.encode(),
                     {**AUTH, "Content-Type": "application/sparql-update"})
            assert r.status == 204, r.text()
            assert count(server.url, graph) == 5001
        finally:
            server.stop()
            store.close()


def test_a_full_disk_is_a_filesystem_error_naming_the_store(tmp_path):
    from guidegraph.errors import FileSystemError

    with tmpfs(tmp_path / "disk", "32m") as disk:
        store = open_store({"data_dir": str(disk / "data")})
        try:
            store.replace_graph(EX + "g", ntriples(10, "old"))
            filler = fill(disk)
            with pytest.raises(FileSystemError) as err:
                store.add_to_graph(EX + "g", ntriples(5000, "more"))
            assert err.value.reason == "no-space" and err.value.exit_code == 74
            assert str(disk / "data") in str(err.value)
            filler.unlink()
            store.add_to_graph(EX + "g", ntriples(3, "more"))
            assert store.triple_count(EX + "g") == 13
        finally:
            store.close()


def _serve(data_dir, *extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidegraph.cli", "serve", "--port", str(port), "--data-dir", str(data_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait_up(proc: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/health", timeout=2).read()
            return
        except OSError:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)


def test_stopping_the_server_on_a_full_disk_shows_no_traceback_and_keeps_the_data(tmp_path):
    with tmpfs(tmp_path / "disk", "32m") as disk:
        proc, url = _serve(disk / "data", "--no-corpus", "--write-token", WRITE_TOKEN)
        try:
            _wait_up(proc, url)
            assert put(url, EX + "kept", ntriples(2000, "kept")).status == 201
            filler = fill(disk)
        finally:
            proc.send_signal(signal.SIGINT)  # Ctrl-C: the server closes the store, which flushes
            _, stderr = proc.communicate(timeout=60)
        assert proc.returncode in (0, 130), stderr
        assert "Traceback" not in stderr, stderr
        filler.unlink()
        with open_store({"data_dir": str(disk / "data")}) as store:
            assert store.triple_count(EX + "kept") == 2000  # committed writes survive the failed flush


def test_a_read_only_data_directory_is_refused_with_a_clear_message(tmp_path):
    data = tmp_path / "ro" / "data"
    with open_store({"data_dir": str(data)}) as store:
        store.replace_graph(EX + "g", ntriples(3, "a"))
    with read_only(tmp_path / "ro"):
        done = guidegraph("serve", "--port", str(free_port()), "--data-dir", str(data), "--no-corpus")
    line = assert_one_clean_line(done.stderr)
    assert done.returncode == 74, done.stderr
    assert str(data) in line and "read-only" in line, line
    assert "process" not in line and "using it" not in line, line  # nothing else holds it: do not send the user looking


def test_a_data_directory_that_cannot_be_created_names_the_path(tmp_path):
    (tmp_path / "ro").mkdir()
    data = tmp_path / "ro" / "new" / "data"
    with read_only(tmp_path / "ro"):
        done = guidegraph("serve", "--port", str(free_port()), "--data-dir", str(data))
    line = assert_one_clean_line(done.stderr)
    assert done.returncode == 74, done.stderr
    assert "read-only" in line and str(tmp_path / "ro" / "new") in line, line


@pytest.mark.slow
def test_a_full_disk_during_the_first_corpus_load_says_what_to_do(tmp_path):
    with tmpfs(tmp_path / "disk", "3m") as disk:
        done = guidegraph("serve", "--port", str(free_port()), "--data-dir", str(disk / "data"), timeout=300)
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 74, done.stderr
    assert len(errors) == 1 and "no space left" in errors[0] and str(disk / "data") in errors[0], done.stderr
    assert "OSError" not in errors[0], errors[0]
