"""Answers from a remote store kept for ``remote_cache_seconds`` (`guidegraph serve --remote-cache`).

The real server on a loopback port in front of the scratch Oxigraph server;
writes "behind our back" go straight to Oxigraph. The store's clock is set by
the test, so which caching period a request falls in is certain.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse

import pytest

from conftest import running, send, write_behind

GRAPH = "urn:x:remote-cache"
QUERY = f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ <urn:x:s> <urn:x:p> ?o }} }} ORDER BY ?o"
PERIOD = 60.0


@pytest.fixture()
def config(scratch_remote_config):
    write_behind(scratch_remote_config, f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:s> <urn:x:p> "one" }} }}')
    yield {**scratch_remote_config, "remote_cache_seconds": PERIOD}
    write_behind(scratch_remote_config, f"DROP SILENT GRAPH <{GRAPH}>")


def ask(server, headers: dict | None = None):
    r = send("GET", f"{server.url}/sparql?{urllib.parse.urlencode({'query': QUERY})}",
             headers={"Accept": "application/sparql-results+json", **(headers or {})})
    assert r.status in (200, 304), r.body[:300]
    return r


def values(r) -> list[str]:
    return [row["o"]["value"] for row in json.loads(r.body)["results"]["bindings"]]


def at(server, seconds: float) -> None:
    """Set the store's clock: ``seconds`` into the test's first caching period."""
    server.app.extensions["guidegraph.store"].clock = lambda: 1_000 * PERIOD + seconds


def test_a_repeated_query_is_answered_from_the_cache_until_the_period_ends(config):
    with running(config) as server:
        at(server, 1)
        first = ask(server)
        assert values(first) == ["one"] and "miss" in first.headers["cache-status"]
        write_behind(config, f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:s> <urn:x:p> "two" }} }}')
        at(server, PERIOD - 1)
        again = ask(server)
        assert "hit" in again.headers["cache-status"] and values(again) == ["one"]  # the write behind: not yet
        at(server, PERIOD + 1)
        later = ask(server)
        assert "miss" in later.headers["cache-status"] and values(later) == ["one", "two"]


def test_our_own_write_shows_at_once(config):
    with running({**config, "write_token": "t"}) as server:
        at(server, 1)
        assert values(ask(server)) == ["one"]
        server.app.extensions["guidegraph.store"].update(
            f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:s> <urn:x:p> "ours" }} }}')
        assert values(ask(server)) == ["one", "ours"]


def test_a_client_revalidates_within_the_period_and_gets_the_new_answer_after_it(config):
    with running(config) as server:
        at(server, 1)
        first = ask(server)
        etag = first.headers["etag"]
        at(server, 30)
        assert ask(server, {"If-None-Match": etag}).status == 304
        write_behind(config, f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:s> <urn:x:p> "two" }} }}')
        at(server, PERIOD + 1)
        after = ask(server, {"If-None-Match": etag})
        assert after.status == 200 and values(after) == ["one", "two"] and after.headers["etag"] != etag


def test_by_default_nothing_from_a_remote_store_is_kept(scratch_remote_config, config):
    with running(scratch_remote_config) as server:
        first = ask(server)
        assert "cache-status" not in first.headers and "etag" not in first.headers
        write_behind(config, f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:s> <urn:x:p> "two" }} }}')
        assert values(ask(server)) == ["one", "two"]


def test_a_negative_period_is_refused_in_words():
    serve = subprocess.run([sys.executable, "-m", "guidegraph.cli", "serve", "--store", "remote", "--endpoint",
                            "http://127.0.0.1:9/query", "--remote-cache", "-1"], capture_output=True, text=True, timeout=60)
    assert serve.returncode == 2
    assert "--remote-cache must be 0 or more seconds" in serve.stderr and "Traceback" not in serve.stderr
