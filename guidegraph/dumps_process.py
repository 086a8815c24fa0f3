"""Writing the dump files in a child process: ``python -m guidegraph.dumps_process``.

From a remote store the dumps are Python's work: every graph comes back as
N-Triples and is parsed, written again as Turtle, JSON-LD and TriG, and
compressed. In the server's worker that held its GIL for minutes (45 s at 10^6
triples, over 5 min at 10^7), and every request the worker took meanwhile
waited for it: lookups through guidegraph took 2-20 ms instead of 1. A child
process writes them beside the server instead, at a lower CPU priority, so the
worker only waits on a pipe.

The parent sends the store's configuration (credentials included, so they never
appear in a process listing) as one JSON line on the child's standard input and
keeps that pipe open: when the parent goes, the child sees the pipe close and
stops, leaving no files half-written in its place (each is written atomically).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Mapping

from guidegraph.dumps import DumpFile, read_index, write_dumps
from guidegraph.errors import GuideGraphError, StoreError

NICENESS = 10  # below the server, which answers readers meanwhile
FAILED = 3  # the child's exit status when the store or the disk refused; its message is on stderr


class DumpWriterFailed(StoreError):
    """The child could not write the dump files; the message is its own."""


class DumpWriter:
    """One child process writing the dumps of the configured store into ``directory``."""

    def __init__(self, store_config: Mapping[str, Any], directory: str | os.PathLike[str], base_iri: str | None) -> None:
        self._request = json.dumps({"config": dict(store_config), "directory": str(directory), "base_iri": base_iri})
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def run(self) -> list[DumpFile]:
        """Write them; the files as listed in the index the child wrote."""
        with self._lock:
            if self._stopped:
                raise DumpWriterFailed("the server is stopping; the dump files were not written")
            self._proc = subprocess.Popen([sys.executable, "-m", "guidegraph.dumps_process"], stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        proc = self._proc
        try:
            assert proc.stdin is not None and proc.stderr is not None
            proc.stdin.write(self._request.encode("utf-8") + b"\n")
            proc.stdin.flush()
            errors = proc.stderr.read()  # until the child exits; the stdin pipe stays open meanwhile
            status = proc.wait()
        except BrokenPipeError:
            status, errors = proc.wait(), b""
        finally:
            for pipe in (proc.stdin, proc.stderr):
                if pipe is not None:
                    pipe.close()
        if status != 0 and self._stopped:
            raise DumpWriterFailed("the server is stopping; the dump files were not written")
        if status != 0:
            message = errors.decode("utf-8", "replace").strip().splitlines()
            reason = message[-1] if message else f"it stopped with status {status}"
            raise DumpWriterFailed(f"writing the dump files failed: {reason}")
        files = read_index(json.loads(self._request)["directory"])
        if files is None:
            raise DumpWriterFailed("writing the dump files failed: the writer left no index.json")
        return files

    def stop(self) -> None:
        """Stop the child if it is running (the server is stopping)."""
        with self._lock:
            self._stopped = True
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _stop_when_parent_goes(fd: int) -> None:
    # The descriptor, not sys.stdin: a daemon thread inside a buffered reader aborts the interpreter's exit.
    while os.read(fd, 4096):
        pass
    os._exit(FAILED)  # EOF: the parent closed the pipe, or is gone


def _read_line(fd: int) -> bytes:
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(fd, 1)  # a byte at a time: nothing past the line is taken from the watcher
        if not chunk:
            break
        line += chunk
    return line


def main() -> int:
    from guidegraph.store import open_store

    request = json.loads(_read_line(0))
    threading.Thread(target=_stop_when_parent_goes, args=(0,), daemon=True).start()
    try:
        os.nice(NICENESS)
    except OSError:
        pass
    try:
        with open_store(request["config"]) as store:
            write_dumps(store, Path(request["directory"]), request["base_iri"])
    except GuideGraphError as exc:
        print(exc.message, file=sys.stderr)
        return FAILED
    except OSError as exc:
        print(f"cannot write the dump files: {exc.strerror or exc}", file=sys.stderr)
        return FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
