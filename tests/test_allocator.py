"""The faster malloc (guidegraph.allocator): chosen, preloaded into the engine and bulk loads, and refusable.

.ci/apt-packages.txt installs libmimalloc2.0, so the tests expect mimalloc to be found.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from guidegraph import allocator, cli
from guidegraph.store.embedded import EmbeddedStore

VENV_BIN = Path(sys.executable).parent
NT = "".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(50))


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (allocator.ENV_APPLIED, allocator.ENV_CHOICE)}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def test_mimalloc_is_chosen_when_installed_and_system_or_a_missing_file_keeps_the_systems():
    found = allocator.chosen({})
    assert found is not None and found.name == "libmimalloc.so.2", "install libmimalloc2.0 (.ci/apt-packages.txt)"
    assert allocator.chosen({allocator.ENV_CHOICE: "system"}) is None
    assert allocator.chosen({allocator.ENV_CHOICE: "/no/such/libmalloc.so"}) is None
    assert allocator.chosen({allocator.ENV_CHOICE: str(found)}) == found


def test_the_preload_goes_first_and_keeps_what_was_preloaded_already():
    found = allocator.chosen({})
    env = allocator.with_preload({"LD_PRELOAD": "/opt/other.so", "PATH": "/bin"})
    assert env["LD_PRELOAD"].split() == [str(found), "/opt/other.so"]
    assert allocator.with_preload(env)["LD_PRELOAD"] == env["LD_PRELOAD"]  # not twice
    kept = allocator.with_preload({allocator.ENV_CHOICE: "system", "PATH": "/bin"})
    assert "LD_PRELOAD" not in kept and allocator.ENV_APPLIED not in kept


@pytest.mark.parametrize("choice, expected", [(None, "mimalloc"), ("system", "system")])
def test_the_engine_runs_on_the_chosen_malloc_and_answers_the_same(tmp_path, monkeypatch, choice, expected):
    monkeypatch.delenv(allocator.ENV_APPLIED, raising=False)
    if choice is None:
        monkeypatch.delenv(allocator.ENV_CHOICE, raising=False)
    else:
        monkeypatch.setenv(allocator.ENV_CHOICE, choice)
    with EmbeddedStore(tmp_path / "store", memory=True) as store:
        assert allocator.in_use(store.engine_pid) == expected
        store.update('INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> "值" } }')
        answer = store.query("SELECT ?o WHERE { ?s ?p ?o }", result_format="json", graph_format="turtle")
        assert '"值"' in answer.body.decode("utf-8")


@pytest.mark.parametrize("choice, says", [(None, ", on mimalloc)"), ("system", "loaders at once)")])
def test_guidegraph_load_as_a_program_restarts_on_the_faster_malloc(tmp_path, choice, says):
    data = tmp_path / "data.nt"
    # Big enough (36 MB) to load split, so the closing line names its loaders.
    data.write_text(NT + "".join(f"<http://example.org/x{i}> <http://example.org/p> \"{'字' * 40}{i}\" .\n"
                                 for i in range(200_000)))
    env = _env(**({allocator.ENV_CHOICE: choice} if choice else {}))
    run = subprocess.run([str(VENV_BIN / "guidegraph"), "load", "--data-dir", str(tmp_path / "d"), str(data)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert says in run.stderr and "the store holds 200,050" in run.stderr
    assert (", on mimalloc" in run.stderr) == (choice is None)


def test_cli_main_called_from_python_does_not_restart_this_process(tmp_path, capsys):
    data = tmp_path / "data.nt"
    data.write_text(NT)
    assert cli.main(["load", "--data-dir", str(tmp_path / "d"), str(data)]) == 0
    line = capsys.readouterr().err
    assert "loaded 50 triples" in line and "mimalloc" not in line  # ran here, in the test's own process


def test_a_process_started_again_is_not_started_a_third_time():
    script = "from guidegraph import allocator; allocator.restart_with_preload(['--version']); print('returned')"
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=_env(), timeout=60)
    assert fresh.stdout.startswith("guidegraph ") and "returned" not in fresh.stdout  # replaced by the CLI
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                           env=_env(**{allocator.ENV_APPLIED: "/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"}))
    assert again.stdout.strip() == "returned"
