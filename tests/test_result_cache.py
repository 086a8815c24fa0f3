"""The result cache (store.result_cache) and the response cache in front of Flask, over HTTP."""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.parse

import pytest

from conftest import WRITE_TOKEN, live_server, send
from guidegraph.server import create_app
from guidegraph.server.app import close_app

EX = "http://example.org/cache/"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture()
def server():
    app = create_app({"write_token": WRITE_TOKEN, "timeout": 10, "warm_cache": False})
    app.extensions["guidegraph.store"].replace_graph(f"{EX}g", f'<{EX}a> <{EX}p> "一" .\n<{EX}b> <{EX}p> "二" .\n'.encode())
    live = live_server(app)
    yield live
    live.stop()
    close_app(app)


def get(server, query: str, headers=None):
    return send("GET", server.sparql + "?" + urllib.parse.urlencode({"query": query}), headers={**JSON, **(headers or {})})


def values(result) -> list[str]:
    return sorted(b["o"]["value"] for b in json.loads(result.body)["results"]["bindings"])


def write(server, update: str) -> None:
    r = send("POST", server.sparql, update.encode(), {"Content-Type": "application/sparql-update",
                                                        "Authorization": f"Bearer {WRITE_TOKEN}"})
    assert r.status == 204, r.body


def test_a_repeated_query_is_a_hit_with_the_same_answer(server):
    query = f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}"
    first, second, third = get(server, query), get(server, query), get(server, query)
    assert first.headers["cache-status"] == "guidegraph; fwd=miss; stored"
    assert second.headers["cache-status"] == third.headers["cache-status"] == "guidegraph; hit"
    assert first.body == second.body == third.body and values(first) == ["一", "二"]
    # the kept response has the same representation headers as the one Flask made
    for name in ("content-type", "etag", "vary", "access-control-allow-origin", "content-security-policy"):
        assert second.headers[name] == first.headers[name], name


def test_any_write_makes_the_next_answer_fresh(server):
    query = f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}"
    assert values(get(server, query)) == ["一", "二"]
    assert get(server, query).headers["cache-status"].endswith("hit")
    write(server, f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}c> <{EX}p> "三" }} }}')
    after = get(server, query)
    assert after.headers["cache-status"] == "guidegraph; fwd=miss; stored"
    assert values(after) == ["一", "三", "二"] or values(after) == sorted(["一", "二", "三"])


def test_the_key_holds_the_format_and_the_dataset(server):
    query = f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}"
    assert get(server, query).media_type == "application/sparql-results+json"
    xml = send("GET", server.sparql + "?" + urllib.parse.urlencode({"query": query}),
               headers={"Accept": "application/sparql-results+xml"})
    assert xml.media_type == "application/sparql-results+xml" and xml.headers["cache-status"].endswith("stored")
    narrowed = send("GET", server.sparql + "?" + urllib.parse.urlencode(
        {"query": query, "default-graph-uri": f"{EX}none"}), headers=JSON)
    assert values(narrowed) == [] and narrowed.headers["cache-status"].endswith("stored")


def test_answers_that_differ_each_run_are_never_kept(server):
    query = "SELECT (STRUUID() AS ?o) (NOW() AS ?t) WHERE {}"
    first, second = get(server, query), get(server, query)
    assert "cache-status" not in first.headers and "cache-status" not in second.headers
    assert values(first) != values(second)


def test_canned_queries_share_the_cache_and_are_warmed_after_a_change():
    app = create_app({"timeout": 10})  # warm_cache on, as `guidegraph serve` runs
    try:
        from guidegraph.bundled_corpus import load_bundled_corpus

        load_bundled_corpus(app.extensions["guidegraph.store"], app.extensions["guidegraph.settings"].data_base_iri)
        warmer = app.extensions["guidegraph.cache_warmer"]
        store = app.extensions["guidegraph.store"]
        deadline = time.monotonic() + 60
        while warmer.warmed_version != (store.version.token, store.version.counter):
            assert time.monotonic() < deadline, "the canned queries were not warmed"
            time.sleep(0.1)
        client = app.test_client()
        from guidegraph.queries import load_queries

        warmed = [q.slug for q in load_queries() if not any(p.required for p in q.parameters)]
        assert len(warmed) >= 8
        for slug in warmed:
            r = client.get(f"/api/queries/{slug}")
            assert r.status_code == 200 and r.headers["Cache-Status"] == "guidegraph; hit", slug  # warmed: no run
        assert warmer.passes >= 1
        # a parameter other than the default is a new query: run, then kept
        other = client.get("/api/queries/clinical_case_thresholds?min_cases=100")
        assert other.headers["Cache-Status"] == "guidegraph; fwd=miss; stored"
        assert client.get("/api/queries/clinical_case_thresholds?min_cases=100").headers["Cache-Status"].endswith("hit")
    finally:
        close_app(app)


def test_a_304_keeps_the_connection_and_hits_answer_conditionals(server):
    query = f"ASK {{ <{EX}a> ?p ?o }}"
    first = get(server, query)
    etag = first.headers["etag"]
    get(server, query)  # now kept whole
    parts = urllib.parse.urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        path = "/sparql?" + urllib.parse.urlencode({"query": query})
        conn.request("GET", path, headers={**JSON, "If-None-Match": etag})
        r = conn.getresponse()
        assert r.status == 304 and r.read() == b"" and r.getheader("ETag") == etag
        assert r.getheader("Cache-Status") == "guidegraph; hit"
        conn.request("HEAD", path, headers=JSON)
        head = conn.getresponse()
        assert head.status == 200 and head.read() == b""
    finally:
        conn.close()


def test_a_canned_query_too_slow_to_warm_is_not_warmed_again(monkeypatch):
    from guidegraph.server import cache_warming

    monkeypatch.setattr(cache_warming, "WARM_SECONDS", 0.000001)  # every query runs past it
    app = create_app({"timeout": 10, "warm_cache": False})
    try:
        from guidegraph.bundled_corpus import load_bundled_corpus

        store = app.extensions["guidegraph.store"]
        load_bundled_corpus(store, app.extensions["guidegraph.settings"].data_base_iri)
        warmer = cache_warming.CacheWarmer(store, app.extensions["guidegraph.settings"])  # warms in the background
        try:
            deadline = time.monotonic() + 120
            while warmer.warmed_version != (store.version.token, store.version.counter):
                assert time.monotonic() < deadline, "no warming pass finished"
                time.sleep(0.1)
            assert warmer.too_slow  # stopped, and remembered
            engine = store._engine.generation
            warmer.warm()
            assert store._engine.generation == engine  # not run (and stopped) again
        finally:
            warmer.close()
    finally:
        close_app(app)


def test_a_warmer_waiting_for_the_memory_copy_stops_at_once(monkeypatch):
    """Closing the server while its memory copy still fills must not wait out the fill."""
    from guidegraph.server import cache_warming

    app = create_app({"timeout": 10, "warm_cache": False})
    try:
        store = app.extensions["guidegraph.store"]
        asked = []

        def still_filling(timeout):  # the engine's answer while its copy is being filled
            asked.append(timeout)
            time.sleep(timeout)
            return False

        monkeypatch.setattr(store, "wait_for_memory_copy", still_filling)
        monkeypatch.setattr(cache_warming, "QUIET_SECONDS", 0.0)
        warmer = cache_warming.CacheWarmer(store, app.extensions["guidegraph.settings"])
        deadline = time.monotonic() + 30
        while not asked:
            assert time.monotonic() < deadline, "the warmer never waited for the copy"
            time.sleep(0.05)
        started = time.monotonic()
        warmer.close()
        assert time.monotonic() - started < 5  # the join's own limit is 30 s
        assert not warmer._thread.is_alive()
    finally:
        close_app(app)


def test_server_timing_is_given_in_hundredths_whoever_answers(server):
    """The fast lane (a miss), the response cache (a hit) and Flask (a page) all say how long they took
    to the hundredth of a millisecond: a cached answer takes far less than the tenth a rounder shows."""
    query = f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}"
    miss, hit = get(server, query), get(server, query)
    page = send("GET", server.url + "/health")
    assert miss.headers["cache-status"].endswith("stored") and hit.headers["cache-status"].endswith("hit")
    for answer in (miss, hit, page):
        assert re.fullmatch(r"total;dur=\d+\.\d\d", answer.headers["server-timing"]), answer.headers["server-timing"]
