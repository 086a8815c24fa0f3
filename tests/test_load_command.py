"""``guidegraph load``: RDF files into the embedded store, run as the real command in a subprocess.

Counts are read back from the store with a query once the command has
exited (it holds the store's lock while it runs); where it is about serving,
a real ``guidegraph serve`` on loopback answers over HTTP.
"""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from guidegraph.formats import RDF_FORMATS
from load_runs import guidegraph
from serve_process import ServeProcess, request

EX = "http://example.org/load/"


def sample_quads(n: int, graphs: int = 2, tag: str = "v1") -> list[ox.Quad]:
    """``n`` quads over ``graphs`` named graphs (and a few in the default graph), with Chinese literals."""
    quads = []
    for i in range(n):
        g = ox.DefaultGraph() if i % 10 == 9 else ox.NamedNode(f"{EX}graph/{i % graphs}")
        quads.append(ox.Quad(ox.NamedNode(f"{EX}s/{i}"), ox.NamedNode(f"{EX}p/{i % 7}"),
                             ox.Literal(f"指标 {tag} {i}", language="zh"), g))
    return quads


def write_rdf(path: Path, quads: list[ox.Quad], fmt_name: str, compress: bool = False) -> Path:
    fmt = next(f for f in RDF_FORMATS if f.name == fmt_name)
    data = quads if fmt.datasets else [q.triple for q in quads]
    body = ox.serialize(data, format=fmt.oxigraph_format)
    path.write_bytes(gzip.compress(body) if compress else body)
    return path


def counts(data_dir: Path) -> dict[str | None, int]:
    """Triples per graph (None: the default graph), read with a query."""
    store = ox.Store(str(data_dir))
    try:
        out = {row["g"].value: int(row["n"].value)
               for row in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        default = next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value
        if int(default):
            out[None] = int(default)
        return out
    finally:
        del store


def one_line_error(done: subprocess.CompletedProcess) -> str:
    lines = [l for l in done.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("fmt", [f.name for f in RDF_FORMATS])
def test_every_format_loads_and_is_counted(tmp_path, fmt, compress):
    quads = sample_quads(300)
    fmt_obj = next(f for f in RDF_FORMATS if f.name == fmt)
    source = write_rdf(tmp_path / f"data{fmt_obj.extension}{'.gz' if compress else ''}", quads, fmt, compress)
    done = guidegraph("load", str(source), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    got = counts(tmp_path / "data")
    if fmt_obj.datasets:
        assert got == {f"{EX}graph/0": 150, f"{EX}graph/1": 120, None: 30}
    else:
        assert got == {None: 300}  # triple formats go to the default graph
    assert "loaded 300 triples from 1 file(s)" in done.stderr and "the store holds 300" in done.stderr


def test_triples_go_to_the_named_graph_given(tmp_path):
    source = write_rdf(tmp_path / "data.ttl", sample_quads(50), "turtle")
    done = guidegraph("load", str(source), "--graph", f"{EX}target", "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert counts(tmp_path / "data") == {f"{EX}target": 50}


def test_gzip_is_recognised_by_its_bytes_whatever_the_name(tmp_path):
    source = write_rdf(tmp_path / "data.nq", sample_quads(40), "nquads", compress=True)
    assert source.read_bytes()[:2] == b"\x1f\x8b"
    done = guidegraph("load", str(source), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert sum(counts(tmp_path / "data").values()) == 40


def test_format_option_overrides_the_extension(tmp_path):
    source = write_rdf(tmp_path / "export.data", sample_quads(20), "ntriples")
    done = guidegraph("load", str(source), "--format", "ntriples", "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert counts(tmp_path / "data") == {None: 20}


def test_several_files_add_up(tmp_path):
    a = write_rdf(tmp_path / "a.nq", sample_quads(100, tag="a"), "nquads")
    b = write_rdf(tmp_path / "b.trig.gz", sample_quads(60, tag="b"), "trig", compress=True)
    done = guidegraph("load", str(a), str(b), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert sum(counts(tmp_path / "data").values()) == 160
    assert "from 2 file(s)" in done.stderr


def test_replace_empties_only_the_graphs_the_input_holds(tmp_path):
    data = tmp_path / "data"
    other = write_rdf(tmp_path / "other.nq", [ox.Quad(ox.NamedNode(f"{EX}x"), ox.NamedNode(f"{EX}p"), ox.Literal("stays"),
                                                      ox.NamedNode(f"{EX}other"))], "nquads")
    assert guidegraph("load", str(other), "--data-dir", str(data)).returncode == 0
    v1 = write_rdf(tmp_path / "v1.nq", sample_quads(200, tag="v1"), "nquads")
    v2 = write_rdf(tmp_path / "v2.nq", sample_quads(80, tag="v2"), "nquads")
    assert guidegraph("load", str(v1), "--data-dir", str(data)).returncode == 0
    # without --replace a load adds (v2's literals differ from v1's)
    added = guidegraph("load", str(v2), "--data-dir", str(data))
    assert added.returncode == 0
    assert counts(data)[f"{EX}graph/0"] == 100 + 40
    replaced = guidegraph("load", str(v2), "--replace", "--data-dir", str(data))
    assert replaced.returncode == 0, replaced.stderr
    assert counts(data) == {f"{EX}graph/0": 40, f"{EX}graph/1": 32, None: 8, f"{EX}other": 1}
    assert "replaced 3 graph(s)" in replaced.stderr  # the two named graphs and the default graph
    store = ox.Store(str(data))
    try:
        assert bool(store.query(f'ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "v1")) }} }}')) is False
    finally:
        del store


def test_replace_with_a_target_graph_replaces_that_graph(tmp_path):
    data = tmp_path / "data"
    v1 = write_rdf(tmp_path / "v1.nt", sample_quads(30, tag="v1"), "ntriples")
    v2 = write_rdf(tmp_path / "v2.nt", sample_quads(12, tag="v2"), "ntriples")
    assert guidegraph("load", str(v1), "--graph", f"{EX}g", "--data-dir", str(data)).returncode == 0
    assert guidegraph("load", str(v1), "--data-dir", str(data)).returncode == 0  # the default graph, untouched below
    done = guidegraph("load", str(v2), "--graph", f"{EX}g", "--replace", "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    assert counts(data) == {f"{EX}g": 12, None: 30}


def test_a_syntax_error_names_file_and_line_and_leaves_the_store_untouched(tmp_path):
    data = tmp_path / "data"
    good = write_rdf(tmp_path / "good.nq", sample_quads(50), "nquads")
    lines = write_rdf(tmp_path / "bad.nt", sample_quads(30), "ntriples").read_text(encoding="utf-8").splitlines()
    lines.insert(20, '<http://example.org/s> <http://example.org/p> "unterminated .')
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = guidegraph("load", str(good), str(bad), "--data-dir", str(data))
    assert done.returncode == 2
    line = one_line_error(done)
    assert str(bad) in line and "line 21" in line, line
    assert counts(data) == {}  # every file is checked before any goes in: not even good.nq


def test_a_syntax_error_in_a_single_file_leaves_nothing_of_it(tmp_path):
    data = tmp_path / "data"
    quads = sample_quads(3000)
    body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    body.insert(2500, "<http://example.org/s> <http://example.org/p> .")
    bad = tmp_path / "bad.nq"
    bad.write_text("\n".join(body) + "\n", encoding="utf-8")
    done = guidegraph("load", str(bad), "--data-dir", str(data))
    assert done.returncode == 2
    line = one_line_error(done)
    assert str(bad) in line and "line 2501" in line and "nothing of" in line, line
    assert counts(data) == {}  # the 2,500 quads before the error did not go in either


@pytest.mark.parametrize("body, expected", [
    (b'<http://example.org/s> <http://example.org/p> "caf\xe9" .\n', "UTF-8"),
    (b"@prefix : <http://example.org/> .\n:s :p :o ;\n  :q .\n", "line 3"),
])
def test_bad_bytes_and_bad_turtle_are_one_line_errors(tmp_path, body, expected):
    source = tmp_path / ("data.nt" if b"@prefix" not in body else "data.ttl")
    source.write_bytes(body)
    done = guidegraph("load", str(source), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 2
    line = one_line_error(done)
    assert str(source) in line and expected in line, line


def test_a_cut_short_gzip_file_is_a_one_line_error(tmp_path):
    whole = gzip.compress(ox.serialize(sample_quads(5000), format=ox.RdfFormat.N_QUADS))
    source = tmp_path / "cut.nq.gz"
    source.write_bytes(whole[: len(whole) // 2])
    done = guidegraph("load", str(source), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 2
    line = one_line_error(done)
    assert str(source) in line and "damaged or cut short" in line, line


def test_missing_file_unknown_extension_and_bad_graph_are_usage_errors(tmp_path):
    missing = guidegraph("load", str(tmp_path / "absent.nq"), "--data-dir", str(tmp_path / "data"))
    assert missing.returncode == 2 and "absent.nq: no such file" in one_line_error(missing)
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n")
    unknown = guidegraph("load", str(odd), "--data-dir", str(tmp_path / "data"))
    assert unknown.returncode == 2
    assert "data.csv" in one_line_error(unknown) and "--format" in unknown.stderr
    source = write_rdf(tmp_path / "d.nt", sample_quads(3), "ntriples")
    relative = guidegraph("load", str(source), "--graph", "just-a-name", "--data-dir", str(tmp_path / "data"))
    assert relative.returncode == 2 and "absolute IRI" in one_line_error(relative)
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("x")
    wrong_dir = guidegraph("load", str(source), "--data-dir", str(not_a_dir))
    assert wrong_dir.returncode == 2 and "not a directory" in one_line_error(wrong_dir)


def test_a_store_held_by_a_running_server_is_refused_with_what_to_do(tmp_path):
    data = tmp_path / "data"
    server = ServeProcess(data, "--no-corpus").start()
    try:
        server.wait_up()
        source = write_rdf(tmp_path / "d.nq", sample_quads(10), "nquads")
        done = guidegraph("load", str(source), "--data-dir", str(data))
        assert done.returncode == 3
        line = one_line_error(done)
        assert str(data) in line and "another process has the store open" in line
        assert "stop it" in line and "Graph Store Protocol" in line
    finally:
        server.stop()


def test_a_read_only_data_directory_is_a_filesystem_error(tmp_path):
    from mounts import read_only

    data = tmp_path / "data"
    source = write_rdf(tmp_path / "d.nq", sample_quads(10), "nquads")
    assert guidegraph("load", str(source), "--data-dir", str(data)).returncode == 0
    with read_only(data):
        done = guidegraph("load", str(source), "--data-dir", str(data))
    assert done.returncode == 74
    line = one_line_error(done)
    assert str(data) in line and "read-only" in line, line
    assert sum(counts(data).values()) == 10


def _on_a_terminal(*args: str) -> str:
    """The command's terminal output when its stderr is a terminal (a pty 120 columns wide)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "guidegraph.cli", *args], stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(120) == 0, out.decode(errors="replace")
    return out.decode("utf-8", errors="replace").replace("\r\n", "\n")  # the terminal's line ends


def test_progress_bar_on_a_terminal_only(tmp_path):
    source = write_rdf(tmp_path / "d.nq", sample_quads(20000), "nquads")
    shown = _on_a_terminal("load", str(source), "--data-dir", str(tmp_path / "a"))
    assert "load:" in shown and "B/s" in shown
    assert "triples/s" in shown.split("loaded")[0]  # the bar's postfix, before the closing line
    assert "check:" not in shown  # one file, nothing replaced: no check pass (the loader is all-or-nothing)
    replacing = _on_a_terminal("load", str(source), "--replace", "--data-dir", str(tmp_path / "a"))
    assert "check:" in replacing and "load:" in replacing
    quiet = _on_a_terminal("load", str(source), "--no-progress", "--data-dir", str(tmp_path / "b"))
    assert "load:" not in quiet and "\r" not in quiet and "loaded 20,000 triples" in quiet
    piped = guidegraph("load", str(source), "--data-dir", str(tmp_path / "c"))
    assert piped.returncode == 0
    assert "\r" not in piped.stderr and "load:" not in piped.stderr
    assert piped.stderr.count("\n") == 1 and "triples/s" in piped.stderr


def test_a_server_started_after_a_load_answers_sparql_with_the_loaded_data(tmp_path):
    data = tmp_path / "data"
    source = write_rdf(tmp_path / "d.nq.gz", sample_quads(500), "nquads", compress=True)
    assert guidegraph("load", str(source), "--data-dir", str(data)).returncode == 0
    server = ServeProcess(data).start()
    try:
        server.wait_up()
        query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{EX}graph/1> {{ ?s ?p ?o }} }}"
        answer = request(server.port, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                         headers={"Accept": "application/sparql-results+json"})
        assert answer.status == 200
        assert json.loads(answer.body)["results"]["bindings"][0]["n"]["value"] == "200"
        # a loaded store is not empty, so the bundled corpus was not added to it
        ask = "ASK { GRAPH ?g { ?s a <https://w3id.org/guidegraph/ontology#GuideDocument> } }"
        answer = request(server.port, "GET", "/sparql?" + urllib.parse.urlencode({"query": ask}),
                         headers={"Accept": "application/sparql-results+json"})
        assert json.loads(answer.body)["boolean"] is False
    finally:
        server.stop()


def test_after_a_load_the_server_searches_and_links_the_store_as_it_now_is(tmp_path):
    """A server that ran before the load built its search index and links from the old store; one
    started after it searches the loaded guide and serves the links derived from every guide."""
    from guidegraph import iris
    from guidegraph.corpus import seed_paths
    from guidegraph.knowledge import derive_links
    from serve_process import graph_fingerprint

    base = "http://example.org/gg/id/"
    marker = "量子萤火虫标记"
    seeds = seed_paths()
    lines = seeds[0].read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("研究内容"))  # a direction's research content
    lines[at] += marker
    (tmp_path / "last.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, last = tmp_path / "first.nq", tmp_path / "last.nq.gz"
    assert guidegraph("ingest", *map(str, seeds[1:]), "-o", str(first), "--base-iri", base).returncode == 0
    assert guidegraph("ingest", str(tmp_path / "last.txt"), "-o", str(tmp_path / "last.nq"), "--base-iri", base).returncode == 0
    last.write_bytes(gzip.compress((tmp_path / "last.nq").read_bytes()))
    data = tmp_path / "data"
    assert guidegraph("load", str(first), "--base-iri", base, "--data-dir", str(data)).returncode == 0
    links = iris.links_graph_iri(base)
    search = "/api/search?" + urllib.parse.urlencode({"q": marker})
    gsp = "/graph-store?" + urllib.parse.urlencode({"graph": links})

    server = ServeProcess(data).start()
    try:
        server.wait_up()
        assert json.loads(request(server.port, "GET", search).body)["total"] == 0
        before = graph_fingerprint(request(server.port, "GET", gsp, headers={"Accept": "application/n-triples"}).body)
    finally:
        server.stop()
    assert (data / "search" / "search-index.sqlite").exists()  # built from the store before the load

    done = guidegraph("load", str(last), "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    assert "links graph derived again" in done.stderr

    everything = ox.Store()
    everything.bulk_load(path=str(first), format=ox.RdfFormat.N_QUADS)
    everything.bulk_load(path=str(tmp_path / "last.nq"), format=ox.RdfFormat.N_QUADS)
    stored = ox.Store()  # a store writes literals in canonical form ("0.3650"^^xsd:decimal as "0.365")
    stored.extend(ox.Quad(t.subject, t.predicate, t.object) for t in derive_links(everything, base))
    expected = graph_fingerprint(stored.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    server = ServeProcess(data).start()
    try:
        server.wait_up()
        hits = json.loads(request(server.port, "GET", search).body)
        assert hits["total"] >= 1
        assert all(h["guide"].startswith(base + "guide/") for h in hits["hits"])
        served = graph_fingerprint(request(server.port, "GET", gsp, headers={"Accept": "application/n-triples"}).body)
        assert served == expected and served != before
    finally:
        server.stop()


def test_a_full_disk_while_loading_says_what_is_in_the_store(tmp_path):
    from guidegraph.bulkload import parallel
    from mounts import tmpfs

    small = write_rdf(tmp_path / "small.nq", sample_quads(50, tag="small"), "nquads")
    big = write_rdf(tmp_path / "big.nq", sample_quads(200_000, graphs=3, tag="big"), "nquads")
    kept = write_rdf(tmp_path / "kept.nq", sample_quads(5, tag="kept"), "nquads")
    with tmpfs(tmp_path / "disk", "8m") as disk:
        data = disk / "data"
        assert guidegraph("load", str(kept), "--data-dir", str(data)).returncode == 0
        # A store that holds something: file by file, each whole or absent.
        done = guidegraph("load", str(small), str(big), "--data-dir", str(data))
        assert done.returncode == 74, done.stderr
        line = one_line_error(done)
        assert str(data) in line and "no space left" in line, line
        assert f"nothing of {big} went into the store" in line and "1 file(s) before it (50 triples)" in line, line
        assert not list(data.glob("bulk-*.sst"))  # the loader removed its unfinished files
        assert sum(counts(data).values()) == 55

        # An empty store (the big file split across loaders): emptied again, whatever had gone in.
        empty = disk / "empty"
        done = guidegraph("load", str(small), str(big), "--data-dir", str(empty))
        assert done.returncode == 74, done.stderr
        line = one_line_error(done)
        split = parallel.loader_count() > 1  # one core: file by file, as above
        assert "no space left" in line and ("it was empty before, and is empty again" in line) == split, line
        assert sum(counts(empty).values()) == (0 if split else 50) and not list(empty.glob("bulk-*.sst"))
    # (the tmpfs is gone with its contents; what matters is what the message said while it was there)


@pytest.mark.parametrize("name, expected", [
    ("dump.nq.gz", "nquads"), ("Guides.TriG", "trig"), ("a.b.nt", "ntriples"), ("x.ttl.gz", "turtle"),
    ("ontology.owl", "rdfxml"), ("doc.jsonld.gz", "jsonld"),
])
def test_the_format_registry_names_a_compressed_input_by_the_extension_under_gz(name, expected):
    from guidegraph.formats import rdf_format_for_input

    assert rdf_format_for_input(name).name == expected


@pytest.mark.parametrize("name", ["data.gz", "data", "table.csv.gz"])
def test_an_input_without_a_known_extension_asks_for_format(name):
    from guidegraph.errors import UsageError
    from guidegraph.formats import rdf_format_for_input

    with pytest.raises(UsageError, match="--format"):
        rdf_format_for_input(name)
    assert rdf_format_for_input(name, "turtle").name == "turtle"
