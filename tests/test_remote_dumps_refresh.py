"""Dump files made from a remote store in a child process (guidegraph/dumps_process.py): kept
across a restart for the same endpoint, served on when making them again fails, and the child's
own failures said in one line. Against real Oxigraph servers."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import close_app, live_server, remote_config, send, start_oxigraph
from guidegraph.dumps_process import FAILED, DumpWriter, DumpWriterFailed
from guidegraph.server.app import create_app

GG = "https://w3id.org/guidegraph/ontology#"


def _write_behind(oxigraph_url: str, name: str) -> None:
    graph = f"urn:x:refresh-{uuid.uuid4().hex}"
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#o> a <{GG}Office> ; <{GG}name> "{name}" }} }}'
    r = send("POST", oxigraph_url + "/update", update.encode(), {"Content-Type": "application/sparql-update"})
    assert r.status in (200, 204), r.text()


def _served(server) -> tuple[bytes, bytes]:
    """The listing and the lossless dump, as a harvester fetches them."""
    index = send("GET", server.url + "/dumps/index.json")
    dump = send("GET", server.url + "/dumps/dataset.nq.gz")
    assert index.status == 200 and dump.status == 200, (index.status, dump.status)
    return index.body, gzip.decompress(dump.body)


def _eventually(check, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not so within {timeout:g} s"
        time.sleep(0.2)


@pytest.fixture
def own_oxigraph(tmp_path_factory):
    """An Oxigraph server of this test's own, which it may stop."""
    server = start_oxigraph(tmp_path_factory)
    url = next(server)
    yield url, lambda: next(server, None)
    next(server, None)


def _start(config: dict):
    app = create_app(config)
    return app, live_server(app)


def _stop(app, server) -> None:
    server.stop()
    close_app(app)


def test_a_restart_serves_the_files_made_from_the_same_endpoint_and_then_makes_them_anew(own_oxigraph, tmp_path):
    url, _ = own_oxigraph
    data_dir = str(tmp_path / "data")
    _write_behind(url, "重启之前")
    app, server = _start(remote_config(url, data_dir=data_dir, remote_refresh_seconds=3600))
    index_before, dump_before = _served(server)
    assert "重启之前".encode() in dump_before
    _stop(app, server)

    _write_behind(url, "重启之后")  # by another writer while no guidegraph ran
    app, server = _start(remote_config(url, data_dir=data_dir, remote_refresh_seconds=3600))
    try:
        index_now, dump_now = _served(server)
        assert (index_now, dump_now) == (index_before, dump_before)  # at once: the files made before
        _eventually(lambda: "重启之后".encode() in _served(server)[1])  # then made anew in the background
        listed = {f["name"]: f["byte_size"] for f in json.loads(_served(server)[0])}
        on_disk = {p.name: p.stat().st_size for p in (Path(data_dir) / "dumps").iterdir() if not p.name.startswith(".")}
        assert on_disk == {**listed, "SHA256SUMS": on_disk["SHA256SUMS"], "index.json": on_disk["index.json"]}
    finally:
        _stop(app, server)

    # The same folder behind another endpoint's name: its files are not taken for this one's.
    other = remote_config(url.replace("127.0.0.1", "localhost"), data_dir=data_dir, remote_refresh_seconds=3600)
    _write_behind(url, "换了端点")
    app, server = _start(other)
    try:
        assert "换了端点".encode() in _served(server)[1]  # written before the first answer
    finally:
        _stop(app, server)


def test_when_the_remote_store_goes_away_the_files_made_are_served_on(own_oxigraph, tmp_path):
    url, stop_oxigraph = own_oxigraph
    _write_behind(url, "离线之前")
    app, server = _start(remote_config(url, data_dir=str(tmp_path / "data"), remote_refresh_seconds=0))
    try:
        before = _served(server)
        stop_oxigraph()
        for _ in range(3):  # each too old: each starts making them again, which fails
            assert _served(server) == before
            time.sleep(1.0)
        sums = send("GET", server.url + "/dumps/SHA256SUMS")
        assert sums.status == 200 and b"dataset.nq.gz" in sums.body
    finally:
        _stop(app, server)


def test_the_writer_says_in_one_line_why_it_could_not_write(tmp_path):
    writer = DumpWriter({"store": "remote", "endpoint": "http://127.0.0.1:9/query", "remote_dialect": "standard"},
                        tmp_path / "out", None)
    with pytest.raises(DumpWriterFailed) as failed:
        writer.run()
    message = str(failed.value)
    assert message.startswith("writing the dump files failed: cannot reach the remote store at http://127.0.0.1:9/query")
    assert "Traceback" not in message and "\n" not in message
    assert not (tmp_path / "out" / "index.json").exists()


def test_the_writer_stops_when_its_parent_closes_the_pipe(own_oxigraph, tmp_path):
    url, _ = own_oxigraph
    _write_behind(url, "父进程离开")
    request = {"config": remote_config(url), "directory": str(tmp_path / "out"), "base_iri": None}
    child = subprocess.Popen([sys.executable, "-m", "guidegraph.dumps_process"], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    child.stdin.write(json.dumps(request).encode() + b"\n")
    child.stdin.close()  # as when the server is gone
    assert child.wait(timeout=30) == FAILED
    child.stderr.close()
    assert not (tmp_path / "out" / "index.json").exists()


def test_the_credentials_travel_on_the_pipe_not_the_command_line(own_oxigraph, tmp_path):
    url, _ = own_oxigraph
    config = {**remote_config(url), "remote_user": "reader", "remote_password": "s3cret-pass"}
    writer = DumpWriter(config, tmp_path / "out", None)
    import threading

    seen: list[str] = []

    def watch() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not seen:
            proc = writer._proc
            if proc is not None:
                seen.append(Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode(errors="replace"))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        writer.run()
    except DumpWriterFailed:
        pass  # Oxigraph asks for no credentials; what matters is where they went
    watcher.join()
    assert seen and "s3cret-pass" not in seen[0] and "guidegraph.dumps_process" in seen[0]


@pytest.mark.parametrize("argv, env, wanted", [
    (["--store", "remote", "--endpoint", "http://127.0.0.1:9/q"], None, None),  # a temporary folder, as before
    (["--store", "remote", "--endpoint", "http://127.0.0.1:9/q", "--data-dir", "kept"], None, "kept"),
    (["--store", "remote", "--endpoint", "http://127.0.0.1:9/q"], "from-env", "from-env"),
    ([], None, "guidegraph-data"),  # the embedded store's default is unchanged
])
def test_serve_keeps_a_remote_stores_dumps_in_the_data_directory_it_is_given(monkeypatch, tmp_path, argv, env, wanted):
    from guidegraph.cli import build_parser
    from guidegraph.commands.serve import settings_from_args

    monkeypatch.chdir(tmp_path)
    if env is None:
        monkeypatch.delenv("GUIDEGRAPH_DATA_DIR", raising=False)
    else:
        monkeypatch.setenv("GUIDEGRAPH_DATA_DIR", env)
    config = settings_from_args(build_parser().parse_args(["serve", *argv]))
    assert config["data_dir"] == (None if wanted is None else str(tmp_path / wanted))
