"""``guidegraph query`` while a real ``guidegraph serve`` holds the data directory: it reads the store read-only."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import free_port
from guidegraph.cli import main
from guidegraph.commands.query import store_in_use
from guidegraph.bundled_corpus import load_bundled_corpus as load_seed_corpus
from guidegraph.store import open_store


def guidegraph(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegraph.cli", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("held") / "data"
    with open_store({"data_dir": str(path)}) as store:
        assert load_seed_corpus(store) > 50_000
    return path


@pytest.fixture(scope="module")
def served(data_dir):
    """A real ``guidegraph serve`` subprocess on a loopback port, holding ``data_dir``."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidegraph.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir), "--no-corpus"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                assert json.loads(r.read())["quads"] > 50_000
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.communicate(timeout=30)


def test_a_free_store_is_not_in_use(data_dir, tmp_path):
    assert not store_in_use(tmp_path)  # no store at all
    assert not store_in_use(data_dir)


def test_canned_query_while_the_server_runs(data_dir, served):
    assert store_in_use(data_dir)
    done = guidegraph("query", "--data-dir", str(data_dir), "--canned", "topic_search", "--param", "topic=CAR-T")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "read-only" in done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split("\t") == ["?year", "?jurisdiction", "?guide", "?direction", "?title"]
    assert any("恶性肿瘤靶向CAR-T细胞治疗技术" in line and "山西省" in line for line in lines[1:])
    # the running server answers the same rows
    with urllib.request.urlopen(served + "/api/queries/topic_search.json?topic=CAR-T", timeout=30) as r:
        assert len(json.loads(r.read())["rows"]) == len(lines) - 1


def test_a_plain_query_and_its_formats_while_the_server_runs(data_dir, served):
    done = guidegraph("query", "--data-dir", str(data_dir), "--format", "json", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"][0]["n"]["value"] == "7"  # five guides, the shared concepts and the derived links
    broken = guidegraph("query", "--data-dir", str(data_dir), "SELECT * WHERE { ?s ?p }")
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert "syntax error: line 1, column" in broken.stderr


def test_a_required_parameter_is_asked_for(data_dir, capsys):
    assert main(["query", "--data-dir", str(data_dir), "--canned", "topic_search"]) == 2
    assert "needs parameter topic" in capsys.readouterr().err


def test_the_time_limit_holds_on_the_read_only_store(data_dir, served):
    started = time.monotonic()
    done = guidegraph("query", "--data-dir", str(data_dir), "--timeout", "1",
                      "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert time.monotonic() - started < 30
    assert done.returncode == 3 and "longer than the 1 s time limit" in done.stderr and "Traceback" not in done.stderr
