"""The ``outline`` and ``ingest`` commands, run as a user runs them: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guidegraph.corpus import seed_paths

SEEDS = seed_paths()
OUTLINE_KEYS = {
    "source", "title", "year", "jurisdiction", "issuers", "doc_number", "issue_date", "deadlines",
    "requirements", "nodes", "offices", "coverage",
}
NODE_KEYS = {
    "id", "parent", "kind", "number", "code", "title", "tags", "research_content", "indicators", "notes",
    "funding", "declared_direction_count", "source",
}


def guidegraph(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "guidegraph.cli", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_outline_json_has_the_documented_shape(seed):
    run = guidegraph("outline", str(seed), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert OUTLINE_KEYS <= set(data)
    assert data["nodes"], "every seed has an outline"
    for node in data["nodes"]:
        assert NODE_KEYS <= set(node)
        assert {"start_line", "end_line"} <= set(node["source"])
        for ind in node["indicators"]:
            assert {"text", "quantities"} <= set(ind)
            for q in ind["quantities"]:
                assert {"comparator", "value", "unit"} <= set(q)
    for office in data["offices"]:
        assert {"name", "role", "address", "scope", "contacts"} <= set(office)
        assert all({"person", "phones"} <= set(c) for c in office["contacts"])
    for deadline in data["deadlines"]:
        assert {"label", "datetime"} <= set(deadline)
    assert {"chars_total", "chars_assigned"} <= set(data["coverage"])


def test_outline_tree_is_readable():
    run = guidegraph("outline", str(SEEDS[4]))
    assert run.returncode == 0
    assert "direction" in run.stdout and "2001" in run.stdout and "coverage" in run.stdout


def test_ingest_report_lists_every_seed_with_coverage():
    run = guidegraph("ingest", "--report", "--no-progress")
    assert run.returncode == 0, run.stderr
    for seed in SEEDS:
        line = next(l for l in run.stdout.splitlines() if l.startswith(seed.name))
        ratio = float(line.split()[-1].rstrip("%")) / 100
        assert ratio >= 0.995
    assert "page number" in run.stdout  # the unassigned rest is explained


def test_batch_with_a_bad_file_skips_it_reports_it_and_fails(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\xff\x00\xfe" * 100)
    out = tmp_path / "graph.nq"
    run = guidegraph("ingest", str(SEEDS[1]), str(bad), str(SEEDS[4]), "-o", str(out), "--no-progress")
    assert run.returncode == 1
    assert "skipped" in run.stderr and "broken.txt" in run.stderr
    assert "Traceback" not in run.stderr
    text = out.read_text(encoding="utf-8")
    assert "2001" in text or "2025" in text  # the good guides made it
    assert len({line.rsplit(" ", 2)[-2] for line in text.splitlines() if line}) >= 2  # two named graphs


def test_failed_run_leaves_no_partial_output(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "graph.ttl"
    run = guidegraph("ingest", str(empty), "-o", str(out), "--no-progress")
    assert run.returncode == 1
    assert not out.exists()
    assert not list(tmp_path.glob(".graph.ttl.*"))
    assert "empty" in run.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["outline", "does-not-exist.txt"], "does-not-exist.txt"),
        (["ingest", "-f", "turtle"], "--format needs --output"),
        (["ingest", "x.txt", "-o", "out.unknown"], "unknown RDF format"),
    ],
)
def test_usage_errors_are_one_line_without_traceback(args, message, tmp_path):
    run = guidegraph(*args, cwd=tmp_path)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_ingest_writes_each_rdf_format_by_extension(tmp_path):
    from guidegraph.formats import RDF_FORMATS

    for fmt in RDF_FORMATS:
        out = tmp_path / f"g{fmt.extension}"
        run = guidegraph("ingest", str(SEEDS[4]), "-o", str(out), "--no-progress")
        assert run.returncode == 0, (fmt.name, run.stderr)
        assert out.stat().st_size > 10_000, fmt.name


@pytest.mark.parametrize("args", [["validate"], ["ingest", "--bogus"], ["no-such-command"]])
def test_argument_mistakes_are_one_line_with_status_2(args):
    run = guidegraph(*args)
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert "error:" in run.stderr and "--help" in run.stderr
