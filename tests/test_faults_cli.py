"""Environment faults on the command line: their own exit status (74), a message naming the path,
and no temporary file left beside the user's files, even after a run was killed mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph

from guidegraph.corpus import seed_paths
from mounts import fill, read_only, tmpfs

SEED = str(seed_paths()[0])


def guidegraph(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    """Run the CLI in a real process; ``prelude`` runs first in that process."""
    code = f"{prelude}\nimport sys\nfrom guidegraph.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def error_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("guidegraph: error")]
    assert len(lines) == 1, stderr
    return lines[0]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_the_environment_exit_status_is_ex_ioerr():
    from guidegraph.errors import FileSystemError

    assert FileSystemError("x", reason="no-space").exit_code == 74


def test_ingest_to_a_full_disk_names_the_file(tmp_path):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        filler = fill(disk)
        done = guidegraph("ingest", SEED, "-o", str(disk / "out.trig"), "--no-progress")
        filler.unlink()
        assert leftovers(disk) == []  # the failed write took its temporary file with it
        assert not (disk / "out.trig").exists()
    line = error_line(done.stderr)
    assert done.returncode == 74, done.stderr
    assert str(disk / "out.trig") in line and "no space left" in line, line


def test_ingest_into_a_read_only_directory_names_the_file(tmp_path):
    (tmp_path / "ro").mkdir()
    with read_only(tmp_path / "ro"):
        done = guidegraph("ingest", SEED, "-o", str(tmp_path / "ro" / "out.ttl"), "--no-progress")
    line = error_line(done.stderr)
    assert done.returncode == 74, done.stderr
    assert str(tmp_path / "ro" / "out.ttl") in line and "read-only" in line, line


# Kills the process between writing the temporary file and renaming it into place.
KILL_BEFORE_RENAME = "import os, signal\nos.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)"


def test_a_run_killed_mid_write_leaves_no_temporary_once_the_next_run_is_done(tmp_path):
    out = tmp_path / "out.trig"
    killed = guidegraph("ingest", SEED, "-o", str(out), "--no-progress", prelude=KILL_BEFORE_RENAME)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()
    stale = leftovers(tmp_path)
    assert len(stale) == 1 and stale[0].startswith(".out.trig.") and stale[0].endswith(".tmp"), stale
    # files that only look alike are the user's: a name of their own, and one of a writer still running
    (tmp_path / ".out.trig.backup.tmp").write_text("mine")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".out.trig.{sleeper.pid}-abcd1234.tmp"
        live.write_text("being written")
        done = guidegraph("ingest", SEED, "-o", str(out), "--no-progress")
        assert done.returncode == 0, done.stderr
        assert leftovers(tmp_path) == sorted([".out.trig.backup.tmp", live.name])
    finally:
        sleeper.kill()
        sleeper.wait()
    assert len(list(pyoxigraph.parse(path=str(out), format=pyoxigraph.RdfFormat.TRIG))) > 100


def _small_store(path: Path) -> None:
    from guidegraph.store import open_store

    with open_store({"data_dir": str(path)}) as store:
        store.replace_graph("http://example.org/cli/g", b'<http://example.org/cli/s> <http://example.org/cli/p> "o" .\n')


def test_dump_to_a_full_disk_names_the_file_and_leaves_no_part(tmp_path):
    _small_store(tmp_path / "data")
    with tmpfs(tmp_path / "disk", "1m") as disk:
        (disk / "dumps").mkdir()
        filler = fill(disk)
        done = guidegraph("dump", "-o", str(disk / "dumps"), "--data-dir", str(tmp_path / "data"))
        filler.unlink()
        left = sorted(p.name for p in (disk / "dumps").iterdir())
    line = error_line(done.stderr)
    assert done.returncode == 74, done.stderr
    assert str(disk / "dumps") in line and "no space left" in line, line
    assert not [name for name in left if name.endswith((".part", ".tmp"))], left


def test_a_store_another_process_holds_says_so(tmp_path):
    from guidegraph.store import open_store

    _small_store(tmp_path / "data")
    with open_store({"data_dir": str(tmp_path / "data")}):
        done = guidegraph("dump", "-o", str(tmp_path / "dumps"), "--data-dir", str(tmp_path / "data"))
    line = error_line(done.stderr)
    assert done.returncode == 3, done.stderr
    assert "another process" in line and str(tmp_path / "data") in line, line
