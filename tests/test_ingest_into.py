"""``guidegraph ingest FILES --into DATA_DIR``: guides straight into a store, then served.

The commands run as real subprocesses; the served checks go through a real
``guidegraph serve`` on loopback. The seed guides (corpus/*.txt) are the input.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest

from guidegraph import iris
from guidegraph.corpus import seed_paths
from load_runs import guidegraph, nquads_of
from serve_process import ServeProcess, dataset_fingerprints, request

GG = "https://w3id.org/guidegraph/ontology#"
MARKER = "量子萤火虫标记"  # a phrase no seed guide holds


def with_marker(seed: Path, out: Path) -> Path:
    """The seed guide with MARKER added to its first line mentioning 研究内容 (same document number, so the
    same guide IRI)."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "研究内容" in line)
    lines[index] = lines[index] + MARKER
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def sparql(server: ServeProcess, query: str) -> dict:
    answer = request(server.port, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                     headers={"Accept": "application/sparql-results+json"})
    assert answer.status == 200, answer.body[:300]
    return json.loads(answer.body)


def test_ingest_into_writes_what_the_server_loads_on_first_start(tmp_path):
    """The same quads, graph by graph (the guides, the concepts, the links), as a server's first start."""
    from guidegraph.commands.serve import open_served_store

    served = tmp_path / "served"
    store = open_served_store({"data_dir": str(served), "load_corpus": True}, "127.0.0.1", 8123)
    store.close()
    into = tmp_path / "into"
    done = guidegraph("ingest", "--into", str(into), "--base-iri", "http://127.0.0.1:8123/id/")
    assert done.returncode == 0, done.stderr
    assert f"{len(seed_paths())} guide(s) into {into}" in done.stderr
    expected, got = dataset_fingerprints(nquads_of(served)), dataset_fingerprints(nquads_of(into))
    assert iris.links_graph_iri("http://127.0.0.1:8123/id/") in got
    assert got == expected
    assert (into / "base-iri.txt").read_text(encoding="utf-8").strip() == "http://127.0.0.1:8123/id/"


def test_re_ingesting_a_guide_replaces_its_graph(tmp_path):
    data = tmp_path / "data"
    seeds = seed_paths()
    assert guidegraph("ingest", *map(str, seeds), "--into", str(data)).returncode == 0
    before = dataset_fingerprints(nquads_of(data))
    variant = with_marker(seeds[-1], tmp_path / seeds[-1].name)
    again = guidegraph("ingest", str(variant), "--into", str(data))
    assert again.returncode == 0, again.stderr
    assert "replaced 1 graph(s)" in again.stderr
    after = dataset_fingerprints(nquads_of(data))
    assert set(after) == set(before)  # the same graphs: the guide's was replaced, not doubled
    alone = tmp_path / "alone"
    assert guidegraph("ingest", str(variant), "--into", str(alone)).returncode == 0
    changed = [g for g in after if after[g] != before[g]]
    guide_graph = next(g for g in changed if g.endswith("/graph"))
    assert after[guide_graph] == dataset_fingerprints(nquads_of(alone))[guide_graph]  # just the new version
    others = [g for g in after if g.endswith("/graph") and g != guide_graph]
    assert others and all(after[g] == before[g] for g in others)


def test_a_base_iri_other_than_the_recorded_one_is_refused(tmp_path):
    data = tmp_path / "data"
    seed = str(seed_paths()[0])
    assert guidegraph("ingest", seed, "--into", str(data), "--base-iri", "http://example.org/a/").returncode == 0
    done = guidegraph("ingest", seed, "--into", str(data), "--base-iri", "http://example.org/b/")
    assert done.returncode == 2
    assert "http://example.org/a/" in done.stderr and "Traceback" not in done.stderr


def test_ingest_into_then_serve_shows_the_guide_page_and_finds_its_text(tmp_path):
    data = tmp_path / "data"
    variant = with_marker(seed_paths()[0], tmp_path / "guide.txt")
    done = guidegraph("ingest", str(variant), "--into", str(data))
    assert done.returncode == 0, done.stderr
    base = (data / "base-iri.txt").read_text(encoding="utf-8").strip()
    server = ServeProcess(data).start()
    try:
        server.wait_up()
        rows = sparql(server, f"SELECT ?guide ?title {{ GRAPH ?g {{ ?guide a <{GG}GuideDocument> ; <{GG}title> ?title }} }}")
        (row,) = rows["results"]["bindings"]
        guide, title = row["guide"]["value"], row["title"]["value"]
        assert guide.startswith(base)
        page = request(server.port, "GET", "/doc/" + guide[len(base):], headers={"Accept": "text/html"})
        assert page.status == 200
        html = page.body.decode("utf-8")
        assert re.sub(r"\s+", "", title)[:12] in re.sub(r"\s+", "", html)
        found = request(server.port, "GET", "/api/search?" + urllib.parse.urlencode({"q": MARKER}))
        assert found.status == 200
        hits = json.loads(found.body)
        assert hits["total"] >= 1 and {h["guide"] for h in hits["hits"]} == {guide}
    finally:
        server.stop()


def test_a_guide_that_cannot_be_read_is_skipped_and_the_others_go_in(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a Word file")
    data = tmp_path / "data"
    done = guidegraph("ingest", str(broken), str(seed_paths()[0]), "--into", str(data))
    assert done.returncode == 1
    assert f"skipped {broken}" in done.stderr and "1 guide(s) into" in done.stderr
    graphs = [g for g in dataset_fingerprints(nquads_of(data)) if g and g.endswith("/graph")]
    assert len(graphs) == 1
