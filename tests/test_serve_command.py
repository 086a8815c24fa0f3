"""``guidegraph serve`` end to end, and the first-start corpus load."""

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

from guidegraph.cli import main
from guidegraph.server import create_app
from guidegraph.commands.serve import open_served_store

ZH_TITLE = "2017年度山西省重点研发计划"  # the first seed's title (corpus/README.md)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    """A data directory that went through first start once."""
    path = tmp_path_factory.mktemp("served") / "data"
    store = open_served_store({"data_dir": str(path), "load_corpus": True}, "127.0.0.1", 8123)
    try:
        graphs, quads = store.named_graphs(), store.triple_count()
    finally:
        store.close()  # the directory is locked while a store has it open
    return path, graphs, quads


def test_fresh_data_directory_gets_the_seed_corpus(corpus_dir):
    path, graphs, quads = corpus_dir
    assert len(graphs) == 7  # one named graph per seed guide, one for the concepts they share, one of derived links
    assert quads > 1000
    # minted under the local server's own origin, and recorded so a later start maps the same IRIs
    assert all(g.startswith("http://127.0.0.1:8123/id/") for g in graphs)
    assert (path / "base-iri.txt").read_text(encoding="utf-8").strip() == "http://127.0.0.1:8123/id/"


def test_second_start_does_not_load_again(corpus_dir):
    path, graphs, quads = corpus_dir
    config = {"data_dir": str(path), "load_corpus": True}
    store = open_served_store(config, "127.0.0.1", 9999)
    app = create_app({**config, "store_instance": store})
    try:
        assert store.triple_count() == quads
        assert config["base_iri"] == "http://127.0.0.1:8123/id/"  # what the data holds, not the new port
        client = app.test_client()
        query = f'ASK {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{ZH_TITLE}")) }}'
        assert client.get("/sparql", query_string={"query": query}).get_json()["boolean"] is True
    finally:
        store.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("http_server", ["granian", "waitress"])
def test_serve_runs_a_production_server_and_logs_each_request(corpus_dir, http_server):
    path, graphs, _ = corpus_dir
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidegraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(path), "--timeout", "5", "--http-server", http_server],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as r:
                    health = json.loads(r.read())
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert health["store"] == "embedded" and health["quads"] > 0
        query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        with urllib.request.urlopen(base + "/sparql?" + urllib.parse.urlencode({"query": query}), timeout=10) as r:
            assert http_server in r.headers["Server"]  # production WSGI server, not the Flask dev server
            got = sorted(b["g"]["value"] for b in json.loads(r.read())["results"]["bindings"])
        assert got == sorted(graphs)
        if http_server == "granian":
            assert_revalidation_keeps_the_connection(port, query)
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its worker and engine too: they hold the data directory
            proc.communicate()
            raise AssertionError("the server did not stop within 30 s of SIGTERM") from None
    request_lines = [line for line in output.splitlines() if "guidegraph.access" in line]
    assert any("GET /health" in line and " 200 " in line and line.rstrip().endswith("ms") for line in request_lines), output
    assert any("GET /sparql?query=" in line for line in request_lines), output


def assert_revalidation_keeps_the_connection(port: int, query: str) -> None:
    """A 304 (and a kept answer) on one connection, then another request on it: no Connection: close."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    try:
        conn.request("GET", path)
        first = conn.getresponse()
        first.read()
        conn.request("GET", path, headers={"If-None-Match": first.getheader("ETag")})
        revalidated = conn.getresponse()
        assert revalidated.status == 304 and revalidated.read() == b""
        assert (revalidated.getheader("Connection") or "").lower() != "close"
        sock = conn.sock
        conn.request("GET", path)
        again = conn.getresponse()
        assert again.status == 200 and again.getheader("Cache-Status") == "guidegraph; hit"
        assert json.loads(again.read())["results"]["bindings"]
        assert conn.sock is sock  # the same connection carried all three
    finally:
        conn.close()


def test_serve_rejects_bad_options(capsys):
    assert main(["serve", "--store", "remote"]) == 2
    assert "--endpoint" in capsys.readouterr().err
    assert main(["serve", "--timeout", "0"]) == 2


def test_query_command_prints_results(corpus_dir, capsysbinary):
    path, _, _ = corpus_dir
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert main(["query", query, "--data-dir", str(path)]) == 0
    out = capsysbinary.readouterr().out.decode().splitlines()
    assert out[0] == "?n" and out[1].startswith("7")  # five guides, the concepts graph and the links graph


def test_query_command_reports_syntax_errors_on_one_line(corpus_dir, capsys):
    path, _, _ = corpus_dir
    assert main(["query", "SELECT * WHERE {", "--data-dir", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("guidegraph: error: syntax error") and "\n" not in err


def test_query_command_without_store(tmp_path, capsys):
    assert main(["query", "ASK {}", "--data-dir", str(tmp_path / "none")]) == 2
    assert "no store" in capsys.readouterr().err


def test_a_fresh_local_server_resolves_the_iris_it_publishes(tmp_path):
    """As after `make serve`: an IRI taken from a query result answers, following its 303, as Turtle."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidegraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        query = "SELECT ?d WHERE { ?d a <https://w3id.org/guidegraph/ontology#Direction> } LIMIT 1"
        request = urllib.request.Request(base + "/sparql?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": "application/sparql-results+json"})
        iri = json.loads(urllib.request.urlopen(request, timeout=30).read())["results"]["bindings"][0]["d"]["value"]
        assert iri.startswith(base + "/id/")  # minted under the server's own origin
        with urllib.request.urlopen(urllib.request.Request(iri, headers={"Accept": "text/turtle"}), timeout=30) as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/turtle")
            assert r.url.endswith(".ttl")  # reached through the 303
            assert iri.encode() in r.read()
        with urllib.request.urlopen(base + "/", timeout=30) as r:  # the home page lists the guides
            assert r.status == 200 and "国家重点研发计划" in r.read().decode("utf-8")
    finally:
        proc.terminate()
        proc.wait(30)


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "guidegraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                              "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.startswith(f"guidegraph: error: cannot listen on 127.0.0.1:{port}: Address already in use")
    assert len(run.stderr.strip().splitlines()) == 1  # no backtrace
    assert not (tmp_path / "data").exists()  # refused before the corpus was loaded
