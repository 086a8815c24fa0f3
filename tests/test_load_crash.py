"""Crash tests of ``guidegraph load``: SIGKILL the real command mid-load, then open the store again.

A load writes each file whole or not at all (pyoxigraph's bulk loader adds
its sorted files to the store in one step at the end), so after a kill at
any moment the store opens, the graphs the load did not touch are exactly as
they were, and the graph being loaded holds nothing of the new file or all
of it; with ``--replace`` it may also be empty (emptied, not yet loaded).
Running the same command again (with ``--replace``) gives the complete
state, and removes what the killed loader left behind, saying so.

Kill moments come from one seeded generator, printed with each kill, as in
test_crash.py (GUIDEGRAPH_CRASH_SEED replays, GUIDEGRAPH_CRASH_KILLS=N makes N).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from load_runs import kill_now, load_command, nquads_of, start_load
from serve_process import dataset_fingerprints

pytestmark = pytest.mark.slow  # real loads killed and the store reopened

SEED = int(os.environ.get("GUIDEGRAPH_CRASH_SEED") or random.SystemRandom().randrange(2**32))
KILLS = int(os.environ.get("GUIDEGRAPH_CRASH_KILLS") or 3)
EX = "http://example.org/crash-load/"
KEPT, LOADED = f"{EX}kept", f"{EX}loaded"


def quads_file(path: Path, graph: str, n: int, version: str) -> Path:
    lines = [f'<{EX}s/{i}> <{EX}p/{i % 5}> "{version} 第{i}条 指标不少于{i % 97}项" <{graph}> .' for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fingerprints(data_dir: Path) -> dict:
    return dataset_fingerprints(nquads_of(data_dir))  # the store opens after the kill


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(load_command(*args), capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("load-crash")
    kept = quads_file(root / "kept.nq", KEPT, 500, "kept")
    v1 = quads_file(root / "v1.nq", LOADED, 100_000, "v1")
    v2 = quads_file(root / "v2.nq", LOADED, 100_000, "v2")
    return root, kept, v1, v2


@pytest.mark.parametrize("replace", [False, True], ids=["add", "replace"])
def test_a_killed_load_leaves_a_store_that_opens_with_each_file_whole_or_absent(files, tmp_path, replace):
    root, kept, v1, v2 = files
    base = tmp_path / "base"
    assert run(str(kept), "--data-dir", str(base)).returncode == 0
    if replace:
        assert run(str(v1), "--data-dir", str(base)).returncode == 0
    before = fingerprints(base)
    args = [str(v2), *(["--replace"] if replace else [])]

    # How long an uninterrupted load takes here, so the kills land inside it.
    timed = tmp_path / "timed"
    shutil.copytree(base, timed)
    started = time.monotonic()
    assert run(*args, "--data-dir", str(timed)).returncode == 0
    duration = time.monotonic() - started
    complete = fingerprints(timed)
    assert complete[LOADED][0] == 100_000

    rng = random.Random(f"{SEED}:{replace}")
    outcomes = []
    for attempt in range(KILLS):
        data = tmp_path / f"kill{attempt}"
        shutil.copytree(base, data)
        moment = rng.uniform(0.1, 0.95) * duration
        proc = start_load(*args, "--data-dir", str(data))
        time.sleep(moment)
        kill_now(proc)
        leftovers = sorted(p.name for p in data.glob("bulk-*.sst"))
        after = fingerprints(data)
        assert after[KEPT] == before[KEPT]  # untouched graphs are exactly as they were
        allowed = [before.get(LOADED), complete[LOADED]] + ([None] if replace else [])
        assert after.get(LOADED) in allowed, (moment, after.get(LOADED))
        state = "old" if after.get(LOADED) == before.get(LOADED) else "new" if after.get(LOADED) == complete[LOADED] else "empty"
        outcomes.append(state)
        print(f"seed {SEED} replace={replace} kill at {moment:.2f}s of {duration:.2f}s: {state}, "
              f"{len(leftovers)} unfinished bulk file(s)", flush=True)

        # The way back the docs and the note give: the same command again (with --replace when replacing).
        again = run(*args, "--data-dir", str(data)) if replace or state != "new" else None
        if again is not None:
            assert again.returncode == 0, again.stderr
            assert ("an earlier load into" in again.stderr) == bool(leftovers), again.stderr
            assert "whole or not at all" in again.stderr or not leftovers
            assert fingerprints(data) == complete
        assert not list(data.glob("bulk-*.sst")) or again is None
    assert len(outcomes) == KILLS
