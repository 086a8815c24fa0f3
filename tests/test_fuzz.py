"""Fuzzing in the suite: the committed corpus, generated hard cases, and a bounded atheris run.

Properties (tests/fuzz/targets.py): readers succeed or raise a one-line
InputError naming the file; the parser never raises; coverage accounting is
exact; CPU time per MB stays within budget. The long run is
``tests/fuzz/run.py --seconds N``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

FUZZ = Path(__file__).parent / "fuzz"
sys.path.insert(0, str(FUZZ))

from targets import (  # noqa: E402
    NAMES,
    PropertyViolation,
    budget_seconds,
    check_outline,
    deep_numbering,
    generated_inputs,
    mode_of,
    run_input,
    with_mode,
)


def corpus_files() -> list[Path]:
    return sorted(p for p in (FUZZ / "corpus").iterdir() if p.is_file())


def test_committed_corpus_is_small_deduplicated_and_reaches_every_entry_point():
    import hashlib

    files = corpus_files()
    assert len(files) >= 40
    for path in files:
        data = path.read_bytes()
        assert path.stat().st_size <= 64 * 1024, path
        assert path.name == hashlib.sha1(data).hexdigest(), f"{path.name} is not named by its content"
    assert {mode_of(p.read_bytes())[0] for p in files} == set(NAMES)


def test_every_corpus_input_keeps_the_properties():
    outcomes = Counter(run_input(p.read_bytes()) for p in corpus_files())
    # the seeds are real documents: most read; the refused ones are encodings the reader must not guess
    assert outcomes["read"] > outcomes["refused"] > 0 and outcomes["parsed"] > 0, outcomes


@pytest.mark.slow
def test_generated_inputs_keep_the_properties():
    """Every encoding, deep numbering, million-character lines, truncated and concatenated seeds."""
    outcomes = Counter()
    for label, data in generated_inputs():
        try:
            outcomes[run_input(data)] += 1
        except PropertyViolation as exc:
            pytest.fail(f"{label}: {exc}")
    assert sum(outcomes.values()) >= 200 and outcomes["refused"] and outcomes["read"], outcomes


def test_text_in_each_accepted_encoding_reads_back_exactly():
    from guidegraph.ingest.readers import read_bytes

    text = "一、支持方向\n1.示例方向\n研究内容：开展研究。\n"
    for codec in ("utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030", "gbk"):
        assert read_bytes(text.encode(codec), "g.txt").text == text, codec


def test_the_properties_catch_what_they_claim():
    """The checks themselves can fail: a wrong total and an over-budget input are reported."""
    from guidegraph.ingest.pipeline import outline_text

    outline = outline_text("一、支持方向\n1.示例方向\n")
    with pytest.raises(PropertyViolation, match="chars_total"):
        check_outline(outline, "一、支持方向\n1.示例方向\n多出来的字")
    assert budget_seconds(2_000_000) > budget_seconds(1_000) > 0


def test_deep_numbering_is_linear_enough():
    """Twice the depth may cost more, but not four times more (a quadratic parser would)."""
    import time

    from guidegraph.ingest.pipeline import outline_text

    def cost(depth: int) -> float:
        text = deep_numbering(depth)
        started = time.process_time()
        check_outline(outline_text(text), text)
        return time.process_time() - started

    cost(50)  # warm up
    small, large = min(cost(100) for _ in range(2)), min(cost(400) for _ in range(2))
    assert large < 4 * 4 * small, f"depth 100: {small:.2f} s, depth 400: {large:.2f} s"


@pytest.mark.slow
def test_bounded_atheris_run(tmp_path):
    """A short coverage-guided run on a copy of the corpus: executions happen, nothing crashes."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FUZZ / "corpus", corpus)
    result = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), "--seconds", "15", "--runs", "3000", "--corpus", str(corpus),
         "--no-generated", "--artifacts", str(tmp_path / "artifacts")],
        capture_output=True, text=True, timeout=300)
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    table = dict(re.findall(r"^\| ([a-z ]+) \| (\d+(?:\.\d+)?) \|$", result.stdout, re.M))
    assert int(table["crashes"]) == 0
    assert int(table["executions"]) >= 200, table
    assert int(table["corpus after"]) >= int(table["corpus before"]) == len(corpus_files())


def test_a_crashing_input_fails_the_run(tmp_path):
    """The runner reports a crash: a target that breaks on some inputs stops it with exit status 1."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "seed").write_bytes(b"a")
    target = tmp_path / "breaks.py"
    target.write_text("def check(data):\n    if len(data) > 3:\n        raise ValueError('too long')\n")
    result = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), "--seconds", "30", "--corpus", str(corpus), "--no-generated",
         "--target", f"{target}:check", "--artifacts", str(tmp_path / "artifacts")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout
    assert re.search(r"^\| crashes \| [1-9]", result.stdout, re.M), result.stdout
    crash = list((tmp_path / "artifacts").glob("crash-*"))
    assert crash and len(crash[0].read_bytes()) > 3
