"""``guidegraph load`` into an empty store with a loader per core (bulkload.parallel), run as the real command.

Each file here is past the size a split starts at, and holds what a split
could get wrong: blank nodes whose labels recur all over the file (a loader's
share must not make them two nodes), a literal longer than a chunk, escaped
line breaks inside literals, comment lines, the default graph beside named
ones. The store a split load writes is compared, quad for quad, with the one
pyoxigraph's loader writes from the same file in one call.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from guidegraph.bulkload import parallel, sources
from guidegraph.formats import RDF_FORMATS
from guidegraph.store.unfinished_load import MARKER_FILE
from load_runs import guidegraph, kill_now, nquads_of, start_load
from serve_process import dataset_fingerprints

EX = "http://example.org/split/"
LOADERS = parallel.loader_count()
SPLIT_NOTE = f"{LOADERS} loaders at once"
SEED = int(os.environ.get("GUIDEGRAPH_CRASH_SEED") or random.SystemRandom().randrange(2**32))


def line_based_file(path: Path, *, triples_only: bool = False, bad_line: int | None = None) -> tuple[Path, int]:
    """A file a little past the split size; (its path, its statements). ``bad_line``: that line (1-based) is broken."""
    lines = ["# guide-shaped statements for the split loader"]
    i = size = 0
    while size < parallel.SPLIT_MIN_BYTES + (1 << 20):
        graph = "" if triples_only or i % 10 == 9 else f" <{EX}graph/{i % 3}>"
        subject = f"_:b{i % 997}" if i % 4 == 0 else f"<{EX}s/{i}>"
        if i % 5 == 0:
            obj = f'"第{i}条\\n考核指标不少于{i % 97}项"@zh'
        elif i % 5 == 1:
            obj = f'"{i}"^^<http://www.w3.org/2001/XMLSchema#integer>'
        else:
            obj = f"<{EX}o/{i % 1013}>"
        lines.append(f"{subject} <{EX}p/{i % 7}> {obj}{graph} .")
        size += len(lines[-1].encode("utf-8")) + 1
        if i == 20_000:
            lines.append(f'<{EX}long> <{EX}text> "{"长" * (3 << 20)}"{graph} .')  # 9 MiB of UTF-8: longer than a chunk
        i += 1
    if bad_line is not None:
        lines[bad_line - 1] = f'<{EX}broken> <{EX}p> "no closing quote .'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, sum(1 for line in lines if not line.startswith("#"))


def quads_in(data_dir: Path) -> int:
    return len(nquads_of(data_dir).splitlines())


def blank_nodes(nquads: bytes) -> int:
    """Distinct blank nodes in an N-Quads dump (the loader names them afresh, so labels say nothing)."""
    return len({term.value for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
                for term in (q.subject, q.object, q.graph_name) if isinstance(term, ox.BlankNode)})


def loaded_in_one_call(source: Path, tmp_path: Path, fmt, to_graph: str | None = None) -> bytes:
    directory = tmp_path / "one-call"
    store = ox.Store(str(directory))
    store.bulk_load(path=str(source), format=fmt, to_graph=ox.NamedNode(to_graph) if to_graph else None)
    del store
    return nquads_of(directory)


def assert_same_dataset(split: bytes, one_call: bytes) -> None:
    assert dataset_fingerprints(split) == dataset_fingerprints(one_call)
    assert blank_nodes(split) == blank_nodes(one_call) == 997  # one node per label of the file, in every loader's share


@pytest.fixture(scope="module")
def nquads(tmp_path_factory) -> tuple[Path, int]:
    return line_based_file(tmp_path_factory.mktemp("split") / "big.nq")


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_a_split_load_stores_exactly_what_one_loader_stores(nquads, tmp_path, compressed):
    source, statements = nquads
    if compressed:
        source = tmp_path / "big.nq.gz"
        source.write_bytes(gzip.compress(nquads[0].read_bytes(), compresslevel=1))
    done = guidegraph("load", "--no-progress", str(source), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert f"loaded {statements:,} triples" in done.stderr
    assert (SPLIT_NOTE in done.stderr) == (LOADERS > 1), done.stderr
    assert_same_dataset(nquads_of(tmp_path / "data"), loaded_in_one_call(nquads[0], tmp_path, ox.RdfFormat.N_QUADS))
    assert not (tmp_path / "data" / MARKER_FILE).exists()


def test_n_triples_split_into_a_named_graph(tmp_path):
    source, statements = line_based_file(tmp_path / "big.nt", triples_only=True)
    graph = f"{EX}target"
    done = guidegraph("load", "--no-progress", str(source), "--graph", graph, "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert (SPLIT_NOTE in done.stderr) == (LOADERS > 1)
    stored = nquads_of(tmp_path / "data")
    assert len(stored.splitlines()) == statements
    assert all(line.endswith(f"<{graph}> .".encode()) for line in stored.splitlines())
    assert_same_dataset(stored, loaded_in_one_call(source, tmp_path, ox.RdfFormat.N_TRIPLES, graph))


def test_only_big_line_based_files_into_an_empty_store_are_split(nquads, tmp_path):
    nq = next(f for f in RDF_FORMATS if f.name == "nquads")
    turtle = next(f for f in RDF_FORMATS if f.name == "turtle")
    big, most = parallel.SPLIT_MIN_BYTES, LOADERS * parallel.LOADER_BATCH
    assert parallel.worth_splitting(nq, big, 100_000) == (LOADERS > 1)
    assert not parallel.worth_splitting(nq, big - 1, 100_000)
    assert not parallel.worth_splitting(turtle, 10 * big, 100_000)  # a statement may span lines
    assert parallel.worth_splitting(nq, 200 * most, most) == (LOADERS > 1)
    assert not parallel.worth_splitting(nq, 200 * most, most + 1)  # one call keeps the cores busy itself
    assert not parallel.worth_splitting(nq, big, 0)  # nothing known of what it holds
    # gzip: the size of the text it holds, from its trailer, decides
    packed = tmp_path / "big.nq.gz"
    packed.write_bytes(gzip.compress(nquads[0].read_bytes(), compresslevel=1))
    source = sources.plan([str(packed)])[0]
    assert source.size < big // 8 and sources.text_size(source) == nquads[0].stat().st_size

    # A store that holds something keeps each file whole or absent: one loader per file.
    small = tmp_path / "small.nq"
    small.write_text(f"<{EX}a> <{EX}b> <{EX}c> <{EX}g> .\n", encoding="utf-8")
    assert guidegraph("load", str(small), "--data-dir", str(tmp_path / "data")).returncode == 0
    done = guidegraph("load", "--no-progress", str(nquads[0]), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert "loaders at once" not in done.stderr
    assert quads_in(tmp_path / "data") == nquads[1] + 1


def test_a_syntax_error_far_into_a_split_load_names_its_line_and_leaves_the_store_empty(tmp_path):
    bad = 70_001  # in the later part of the file, so in another loader's share than the start
    source, _ = line_based_file(tmp_path / "bad.nq", bad_line=bad)
    done = guidegraph("load", "--no-progress", str(source), "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 2, done.stderr
    assert f"bad.nq: line {bad}, column" in done.stderr, done.stderr
    assert "it was empty before, and is empty again" in done.stderr
    assert "Traceback" not in done.stderr
    assert quads_in(tmp_path / "data") == 0
    assert not (tmp_path / "data" / MARKER_FILE).exists()


@pytest.mark.slow  # real loads killed, then the store opened again by the loader and by the engine
def test_a_killed_split_load_is_undone_by_whoever_opens_the_store_next(nquads, tmp_path):
    source, statements = nquads
    timed = guidegraph("load", "--no-progress", str(source), "--data-dir", str(tmp_path / "timed"))
    assert timed.returncode == 0, timed.stderr
    loading = float(re.search(r" in ([\d.]+) s ", timed.stderr).group(1))  # the load itself, from its closing line
    rng = random.Random(SEED)
    undone = 0
    for attempt, opener in enumerate(["load", "query", "load", "query"]):
        data = tmp_path / f"kill{attempt}"
        moment = rng.uniform(0.0, 0.6) * loading
        proc = start_load(str(source), "--data-dir", str(data))
        deadline = time.monotonic() + 60
        while not (data / MARKER_FILE).exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # the kill lands once the load has begun writing
        time.sleep(moment)
        kill_now(proc)
        unfinished = (data / MARKER_FILE).exists()
        print(f"seed {SEED}: kill {moment:.2f}s into a {loading:.2f}s load, unfinished={unfinished}, opened by {opener}")
        if not unfinished:  # it finished first, or was killed before it began writing
            held = quads_in(data) if data.exists() else 0
            assert held in (0, statements)
            continue
        undone += 1
        if opener == "load":
            again = guidegraph("load", "--no-progress", str(source), "--data-dir", str(data))
            assert again.returncode == 0, again.stderr
            assert "was stopped before it finished" in again.stderr and "empty again" in again.stderr
            assert quads_in(data) == statements
        else:
            asked = guidegraph("query", "--data-dir", str(data), "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
            assert asked.returncode == 0, asked.stderr
            assert "was stopped before it finished" in asked.stderr
            assert asked.stdout.split()[-1] == "0"  # the engine emptied what the stopped load had written
        assert not (data / MARKER_FILE).exists()
    assert undone >= 1, "no kill landed inside a load: the moments are wrong for this machine"
