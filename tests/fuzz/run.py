"""Coverage-guided fuzzing of the readers and the parser with atheris (libFuzzer).

    .venv/bin/python tests/fuzz/run.py --seconds 600            # the long run
    .venv/bin/python tests/fuzz/run.py --seconds 30 --corpus DIR # what the test suite does, on a copy

Starts from the committed corpus (tests/fuzz/corpus/), first replays the
generated inputs (deep numbering, million-character lines, truncated and
concatenated seeds; see targets.generated_inputs), then lets libFuzzer mutate.
New inputs that reach new code are added to the corpus directory (named by
their SHA-1, at most --max-len bytes): commit what a long run adds. A crash,
a property violation or a hang (over the CPU budget per MB, or libFuzzer's
per-input --timeout) stops the run and leaves the input in --artifacts.

Prints one table: executions, crashes, corpus size before and after, time.
Exit status: 0 without crashes, 1 with.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CORPUS = HERE / "corpus"
ARTIFACT_PREFIXES = ("crash-", "timeout-", "oom-", "leak-", "slow-unit-")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=int, default=300, help="total fuzzing time (default 300)")
    p.add_argument("--runs", type=int, default=-1, help="stop after this many executions (default: time only)")
    p.add_argument("--corpus", type=Path, default=CORPUS, help="corpus directory, grown in place (default tests/fuzz/corpus)")
    p.add_argument("--artifacts", type=Path, default=None, help="where crashing inputs go (default: a temporary folder)")
    p.add_argument("--max-len", type=int, default=8192, help="largest input libFuzzer makes (default 8192)")
    p.add_argument("--timeout", type=int, default=60, help="seconds one input may take before it counts as a hang")
    p.add_argument("--target", default=str(HERE / "targets.py") + ":run_input",
                   help="FILE.py:FUNCTION checking one input (default: the readers and the parser)")
    p.add_argument("--no-generated", action="store_true", help="skip the generated large inputs")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def child(args) -> None:
    """Runs inside the fuzzing process: atheris takes over and exits when done."""
    import atheris

    with atheris.instrument_imports(include=["guidegraph.ingest"]):
        import guidegraph.ingest.parse.assemble  # noqa: F401
        import guidegraph.ingest.pipeline  # noqa: F401
        import guidegraph.ingest.readers  # noqa: F401
    from targets import generated_inputs

    run_input = load_target(args.target)
    if not args.no_generated:
        started = time.monotonic()
        count = 0
        for label, data in generated_inputs():
            run_input(data)
            count += 1
        print(f"generated inputs: {count} passed in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)

    def one_input(data: bytes) -> None:
        run_input(data)

    libfuzzer = [sys.argv[0], str(args.corpus), f"-max_total_time={args.seconds}", f"-max_len={args.max_len}",
                 f"-timeout={args.timeout}", f"-artifact_prefix={args.artifacts}/", "-print_final_stats=1",
                 "-rss_limit_mb=4096"]
    if args.runs >= 0:
        libfuzzer.append(f"-runs={args.runs}")
    atheris.Setup(libfuzzer, one_input)
    atheris.Fuzz()


def load_target(spec: str):
    import importlib.util

    path, _, function = spec.rpartition(":")
    module_spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, function)


def summarise(log: str, artifacts: Path, corpus: Path, before: int, seconds: float, status: int) -> dict:
    executed = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    done = re.findall(r"Done (\d+) runs", log)
    progress = re.findall(r"^#(\d+)\s", log, re.M)
    executions = int((executed or done or progress or ["0"])[-1])
    crashes = sorted(p.name for p in artifacts.iterdir() if p.name.startswith(ARTIFACT_PREFIXES))
    return {
        "executions": executions,
        "crashes": len(crashes) or (1 if status not in (0,) else 0),
        "artifacts": crashes,
        "corpus_before": before,
        "corpus_after": sum(1 for _ in corpus.iterdir()),
        "seconds": round(seconds, 1),
        "exit": status,
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    keep_artifacts = args.artifacts is not None
    artifacts = args.artifacts or Path(tempfile.mkdtemp(prefix="guidegraph-fuzz-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    args.artifacts = artifacts.resolve()
    if args.child:
        child(args)
        return 0
    args.corpus.mkdir(parents=True, exist_ok=True)
    before = sum(1 for _ in args.corpus.iterdir())
    command = [sys.executable, __file__, "--child", "--seconds", str(args.seconds), "--runs", str(args.runs),
               "--corpus", str(args.corpus), "--artifacts", str(args.artifacts), "--max-len", str(args.max_len),
               "--timeout", str(args.timeout), "--target", args.target] + (["--no-generated"] if args.no_generated else [])
    started = time.monotonic()
    log_path = artifacts / "fuzz.log"
    with open(log_path, "wb") as log:
        status = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT).returncode
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    summary = summarise(log_text, artifacts, args.corpus, before, time.monotonic() - started, status)
    rows = [("executions", summary["executions"]), ("crashes", summary["crashes"]),
            ("corpus before", summary["corpus_before"]), ("corpus after", summary["corpus_after"]),
            ("seconds", summary["seconds"]), ("exit status", summary["exit"])]
    print("| fuzzing | |\n|---|---:|")
    for key, value in rows:
        print(f"| {key} | {value} |")
    if summary["crashes"]:
        print(f"\ncrashing inputs: {', '.join(summary['artifacts']) or '(none written)'} in {artifacts}")
        print("last lines of the fuzzer's log:\n" + "\n".join(log_text.splitlines()[-40:]))
        return 1
    if not keep_artifacts:
        shutil.rmtree(artifacts, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
