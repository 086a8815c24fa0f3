"""A faster malloc for the processes that do the heavy work: the query engine and bulk loads.

pyoxigraph allocates and frees for every term it parses, joins or
serialises, and glibc's malloc spends a fifth of a bulk load in its own
bookkeeping (perf: _int_free, unlink_chunk, malloc_consolidate). With
mimalloc preloaded the engine answers the benchmark's query mix in 0.76-0.84x
of the time (geometric mean; point lookups 0.09 -> 0.04 ms;
benchmarks/bench_allocator.py) and a load of 10^6 triples takes 4.1-4.3 s
instead of 4.9-5.2 (benchmarks/bench_load.py).

A library can only replace malloc when the process starts (LD_PRELOAD), so
the engine is started with it, and ``guidegraph load`` and ``ingest --into``
start themselves again with it. Linux only; elsewhere, or when no such
library is installed (Debian: libmimalloc2.0 or libjemalloc2), everything
runs on the system's malloc, only slower.

``GUIDEGRAPH_MALLOC`` chooses: ``system`` keeps the system's malloc, a path
names the library to preload, unset takes the first of PREFERRED found.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_CHOICE = "GUIDEGRAPH_MALLOC"
# Set in a process started again with the library, so it is never started a third time.
ENV_APPLIED = "GUIDEGRAPH_MALLOC_APPLIED"

# (name, library), best first.
PREFERRED = (("mimalloc", "libmimalloc.so.2"), ("jemalloc", "libjemalloc.so.2"))
_LIBRARY_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
                 "/usr/local/lib")


def installed() -> list[tuple[str, Path]]:
    """The libraries of PREFERRED found on this machine, best first, as (name, path)."""
    found = []
    for name, library in PREFERRED:
        for folder in _LIBRARY_DIRS:
            path = Path(folder) / library
            if path.is_file():
                found.append((name, path))
                break
    return found


def chosen(environ: dict[str, str] | None = None) -> Path | None:
    """The library to preload, or None for the system's malloc."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return None
    choice = env.get(ENV_CHOICE, "").strip()
    if choice == "system":
        return None
    if choice:
        path = Path(choice)
        return path if path.is_file() else None
    found = installed()
    return found[0][1] if found else None


def with_preload(environ: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of the environment in which a process started with it runs on the chosen malloc."""
    env = dict(os.environ if environ is None else environ)
    library = chosen(env)
    if library is None:
        return env
    preloaded = env.get("LD_PRELOAD", "").split()
    if str(library) not in preloaded:
        env["LD_PRELOAD"] = " ".join([str(library), *preloaded])
    env[ENV_APPLIED] = str(library)
    return env


def in_use(pid: int | str = "self") -> str:
    """The malloc process ``pid`` runs on: ``mimalloc``, ``jemalloc``, the file name of
    another library preloaded by GUIDEGRAPH_MALLOC, or ``system``."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return "system"
    for name, library in PREFERRED:
        if f"/{library}" in maps:
            return name
    chosen_here = os.environ.get(ENV_CHOICE, "")
    if chosen_here not in ("", "system") and chosen_here in maps:
        return Path(chosen_here).name
    return "system"


def restart_with_preload(argv: list[str]) -> None:
    """Replace this process by ``python -m guidegraph.cli ARGV`` on the chosen malloc, if there is one
    and this process does not already run on it; else return and go on as before."""
    if os.environ.get(ENV_APPLIED) or chosen() is None:
        return
    env = with_preload()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, [sys.executable, "-m", "guidegraph.cli", *argv], env)
    except OSError:
        return  # could not start again: run here, on the system's malloc
