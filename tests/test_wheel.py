"""The wheel: built from the repo, installed in a fresh virtual environment outside it, and used.

Dependencies are borrowed from the test environment's site-packages through a
.pth line (no network needed), but guidegraph itself must come from the
wheel: the test checks where it was imported from.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True, capture_output=True, timeout=600,
    )
    (built,) = out.glob("guidegraph-*.whl")
    return built


def test_wheel_ships_the_data_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "guidegraph/cli.py",
        "guidegraph/ingest/pipeline.py",
        "guidegraph/ingest/parse/outline.py",
        "guidegraph/ingest/readers/__init__.py",
        "guidegraph/corpus/000_fd770d55a5a5de42.txt",
        "guidegraph/corpus/004_757a5c273432423d.txt",
    ):
        assert required in names, required
    assert any(n.startswith("guidegraph/ontology/") and n.endswith(".ttl") for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_wheel_installs_and_runs_outside_the_repo(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    target = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip()
    # borrow the dependencies, not guidegraph itself (its editable finder is in a .pth that is not processed)
    Path(target, "borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    where = subprocess.run([str(py), "-c", "import guidegraph, guidegraph.ingest; print(guidegraph.__file__)"], capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(env_dir)), where
    run = subprocess.run([str(py), "-m", "guidegraph.cli", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and "ingest" in run.stdout and "outline" in run.stdout
    guide = tmp_path / "guide.txt"
    guide.write_text((REPO / "corpus" / "004_757a5c273432423d.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "guide.ttl"
    run = subprocess.run([str(py), "-m", "guidegraph.cli", "ingest", str(guide), "-o", str(out), "--no-progress"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "2025" in out.read_text(encoding="utf-8")


def test_every_package_folder_is_in_the_wheel(wheel):
    """A new sub-package must be listed in pyproject.toml, or the wheel silently lacks it."""
    mapping = {"guidegraph": "guidegraph", "ingest": "guidegraph/ingest", "ontology": "guidegraph/ontology",
               "shapes": "guidegraph/shapes", "server": "guidegraph/server", "queries": "guidegraph/queries",
               "corpus": "guidegraph/corpus"}
    names = set(zipfile.ZipFile(wheel).namelist())
    for top, installed in mapping.items():
        for init in (REPO / top).rglob("__init__.py"):
            rel = init.relative_to(REPO / top).as_posix()
            assert f"{installed}/{rel}" in names, f"{top}/{rel} is not packaged"
