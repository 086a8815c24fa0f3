"""guidegraph against the servers a user could pick instead, side by side in one run (issue 13).

For each scale (synthetic guide-shaped data, see benchmarks/engines/generator.py)
every chosen system loads the same N-Quads file and starts; then, query by
query, each system answers the eight benchmark shapes and every shipped
canned query (first run on the fresh server, cold median over texts differing
by a comment, repeated median of the identical text); then light-query
throughput with 1, 4 and 16 client processes; then peak memory; every
server is stopped before the next scale. The report (markdown, with the
machine) compares result fingerprints across systems and marks each target
of the issue met or not met.

    python benchmarks/bench_engines.py [--scales 1e5,1e6] [--systems guidegraph,oxigraph,...]
        [--repeat 7] [--clients 1,4,16] [--requests 200] [--quick] [--out benchmarks/results/engines.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engines import generator, report  # noqa: E402
from engines.measure import SystemRun, measure_concurrency, measure_query, measure_steady_light  # noqa: E402
from engines.queries import all_queries  # noqa: E402
from engines.systems import SYSTEM_NAMES, GuidegraphRemote, make_systems  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "engines.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="1e5,1e6", help="triples per scale, comma separated (default 1e5,1e6)")
    p.add_argument("--systems", default=",".join(SYSTEM_NAMES), help=f"any of {', '.join(SYSTEM_NAMES)}")
    p.add_argument("--repeat", type=int, default=7, help="runs per median (default 7)")
    p.add_argument("--clients", default="1,4,16", help="concurrent client processes (default 1,4,16)")
    p.add_argument("--requests", type=int, default=200, help="requests per client per concurrency run (default 200)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds any one request (or load) may take (default 300)")
    p.add_argument("--steady-rounds", type=int, default=200,
                   help="rounds of the interleaved light-query run (default 200)")
    p.add_argument("--slow-seconds", type=float, default=5.0, help="a query slower than this gets 3 runs per median")
    p.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    p.add_argument("--quick", action="store_true", help="smoke run: 3 runs per median, 20 requests per client")
    p.add_argument("--work-dir", help="where stores go (default: a temporary directory, removed at the end)")
    p.add_argument("--out", default=str(DEFAULT_OUT), help=f"report file (default {DEFAULT_OUT})")
    args = p.parse_args(argv)
    try:
        args.scales = [int(float(s)) for s in args.scales.split(",") if s.strip()]
        args.clients = [int(c) for c in args.clients.split(",") if c.strip()]
    except ValueError:
        p.error("--scales and --clients take comma-separated numbers, e.g. --scales 1e5,1e6 --clients 1,4,16")
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in args.systems if s not in SYSTEM_NAMES]
    if unknown or not args.systems:
        p.error(f"unknown system(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(SYSTEM_NAMES)}")
    if (any(s <= 0 for s in args.scales) or any(c <= 0 for c in args.clients) or args.repeat <= 0 or args.requests <= 0
            or args.steady_rounds <= 0):
        p.error("scales, clients, --repeat, --requests and --steady-rounds must be positive")
    if args.quick:
        args.repeat, args.requests, args.steady_rounds = min(args.repeat, 3), min(args.requests, 20), min(args.steady_rounds, 20)
    return args


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_scale(triples: int, args: argparse.Namespace, work: Path, lines: list[str], skipped: dict[str, str]) -> None:
    started = time.monotonic()
    data = generator.dataset_file(triples, args.seed)
    log(f"{triples:,} triples in {data} ({data.stat().st_size / 2**20:,.0f} MiB, {time.monotonic() - started:.1f} s)")
    queries = all_queries(generator.sample_iris(args.seed))
    systems = [s for s in make_systems(args.systems, work / f"n{triples}", args.timeout) if s.name not in skipped]
    labels = {s.name: s.label for s in systems}
    runs = {s.name: SystemRun() for s in systems}
    backends = {s.backend.name: s.backend for s in systems if isinstance(s, GuidegraphRemote)}
    live = []
    try:
        for system in systems + [b for n, b in backends.items() if n not in labels]:
            run = runs.setdefault(system.name, SystemRun())
            try:
                log(f"  {system.label}: loading")
                run.load = system.load(data)
            except Exception as exc:  # noqa: BLE001 - a failing system is reported, the others go on
                run.error = f"load failed: {' '.join(str(exc).split())[:300]}"
                log(f"  {system.label}: {run.error}")
        for system in list(backends.values()) + [s for s in systems if s.name not in backends]:
            run = runs[system.name]
            if run.error or (isinstance(system, GuidegraphRemote) and runs[system.backend.name].error):
                run.error = run.error or f"{system.backend.label} did not load"
                continue
            try:
                system.start()
                live.append(system)
                run.startup, run.settle = system.startup_seconds, system.settle_seconds
                run.resident = system.resident_bytes()
                log(f"  {system.label}: up in {run.startup or 0:.2f} s (idle after {run.settle or 0:.1f} s)")
            except Exception as exc:  # noqa: BLE001
                run.error = f"start failed: {' '.join(str(exc).split())[:300]}"
                log(f"  {system.label}: {run.error}")
        active = [s for s in systems if s in live]
        clients = {s.name: s.client() for s in active}
        answering = [s for s in active if s.answers_queries]
        for query in queries:
            for system in answering:
                runs[system.name].queries[query.name] = m = measure_query(clients[system.name], query, args.repeat,
                                                                          args.slow_seconds, salt=system.name)
                if m.error:
                    log(f"  {system.label} {query.name}: {m.error}")
                # sampled after every query: a process restarted since (an engine after a timeout) loses its own peak
                run_peak = system.peak_bytes()
                if run_peak is not None:
                    runs[system.name].peak = max(runs[system.name].peak or 0, run_peak)
            log(f"  {query.name}: " + ", ".join(f"{s.name} {report.ms(runs[s.name].queries[query.name].cold)}" for s in answering))
        log(f"  light queries interleaved over {args.steady_rounds} rounds")
        for name, medians in measure_steady_light(clients, queries, args.steady_rounds).items():
            runs[name].steady = medians
        for c in clients.values():
            c.close()
        for system in active:
            if system.http:
                log(f"  {system.label}: {', '.join(map(str, args.clients))} concurrent clients")
                try:
                    runs[system.name].concurrency = measure_concurrency(system, queries, args.clients, args.requests,
                                                                        args.timeout)
                except Exception as exc:  # noqa: BLE001
                    log(f"  {system.label}: concurrency run failed: {exc}")
            last_peak = system.peak_bytes()
            if last_peak is not None:
                runs[system.name].peak = max(runs[system.name].peak or 0, last_peak)
    finally:
        for system in live:
            system.stop()
        for system in systems + list(backends.values()):
            system.cleanup()
    shown = {n: runs[n] for n in labels}
    answering = {s.name for s in systems if s.answers_queries}
    lines += scale_section(triples, data, queries, shown, labels, args, answering)


def scale_section(triples, data, queries, runs, labels, args, answering) -> list[str]:
    """``answering``: the systems that answer queries (the others take part in the light-query runs only)."""
    out = [f"## {report.scale_name(triples)} triples", "",
           f"{triples:,} quads, {data.stat().st_size / 2**20:,.0f} MiB of N-Quads (seed {args.seed}).", ""]
    failed = [f"- {labels[n]}: {r.error}" for n, r in runs.items() if r.error]
    if failed:
        out += ["Systems that did not run:", ""] + failed + [""]
    ok_all = {n: r for n, r in runs.items() if not r.error}
    ok = {n: r for n, r in ok_all.items() if n in answering}
    out += ["### Load, start-up and memory", "", *report.load_lines({n: r for n, r in runs.items() if n in answering},
                                                                   labels, triples), ""]
    pairs = [("guidegraph", "pyoxigraph"), ("guidegraph", "oxigraph"), ("guidegraph", "virtuoso"),
             ("guidegraph-virtuoso", "virtuoso")]
    for what, title in (("cold", f"Cold: median of {args.repeat} distinct texts after a warm-up (ms)"),
                        ("first", "First run on the fresh server (ms)"),
                        ("repeated", f"Repeated: median of {args.repeat} identical texts (ms)")):
        out += [f"### {title}", "", *report.query_table(queries, ok, labels, what, pairs, args.repeat), ""]
    caches = sorted({f"{labels[n]}: {m.cache}" for n, r in ok.items() for m in r.queries.values() if m.cache})
    out += ["Cache headers seen on repeated runs: " + ("; ".join(caches) if caches else "none") + ".", ""]
    fp_table, problems = report.fingerprint_lines(queries, ok, labels)
    out += ["### Result fingerprints", "", *fp_table, ""]
    out += (["Disagreements:", "", *problems, ""] if problems else ["Every system gave the same result set on every query.", ""])
    errors = [f"- {labels[n]} {q}: {m.error}" for n, r in ok.items() for q, m in r.queries.items() if m.error]
    if errors:
        out += ["Query errors:", "", *errors, ""]
    steady = report.steady_lines(queries, ok_all, labels)
    if steady:
        out += [f"### Light queries, interleaved ({args.steady_rounds} rounds, median after the first tenth; ms)", "",
                "Each round sends a new text to every system in turn (each system its own), so each is equally warm; "
                "the cold medians above take 5 texts right after a system's first run of the query.", "",
                *steady, ""]
    conc = report.concurrency_lines(ok_all, labels)
    if conc:
        out += [f"### Light-query throughput ({args.requests} requests per client process, light queries alternating)", "",
                *conc, "",
                "Server CPU is what the system's own process tree used during the run (user + system time from "
                "/proc), per request; the client processes share the same cores.", ""]
    out += ["### Targets", "", *report.targets(queries, ok_all, triples), ""]
    return out


def header(args: argparse.Namespace, skipped: dict[str, str], systems_versions: dict[str, str]) -> list[str]:
    rows = report.machine() + list(systems_versions.items())
    lines = [f"# Engines benchmark (issue 13)", "",
             f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC: "
             f"`python benchmarks/bench_engines.py {' '.join(sys.argv[1:])}`".rstrip(), "",
             *report.table(["machine", ""], [[k, v] for k, v in rows]), "",
             "Times are client wall time over one keep-alive HTTP connection on loopback, SPARQL JSON results, "
             "body fully read (pyoxigraph: query + serialisation to SPARQL JSON, timed in the process holding the store). "
             "Every system holds the same quads; the default graph is the union of the named graphs. "
             "Other work on this machine shares its cores, so figures vary between runs.", ""]
    if skipped:
        lines += ["Skipped:", "", *[f"- {name}: {why}" for name, why in skipped.items()], ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="bench-engines-"))
    work.mkdir(parents=True, exist_ok=True)
    # a SIGTERM (or a CI timeout) still stops every server started: finally blocks run on SystemExit
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        probe = make_systems(args.systems, work / "probe", args.timeout)
        skipped = {s.name: why for s in probe if (why := s.unavailable())}
        versions = {}
        for s in probe:
            if s.name not in skipped:
                versions.update(s.versions())
        vv = report.virtuoso_version()
        if vv:
            versions["Virtuoso"] = vv
        for name, why in skipped.items():
            log(f"skipping {name}: {why}")
        lines = header(args, skipped, versions)
        for number, triples in enumerate(args.scales):
            run_scale(triples, args, work, lines, skipped)
            if number < len(args.scales) - 1:  # the scales so far, in case a later one is stopped
                write_report(Path(args.out), lines + ["_(further scales still running)_"])
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    text = write_report(Path(args.out), lines)
    print(text)
    log(f"report written to {args.out}")
    return 0


def write_report(out: Path, lines: list[str]) -> str:
    from guidegraph.formats import write_atomic

    text = "\n".join(lines).rstrip() + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, text.encode("utf-8"))
    return text


if __name__ == "__main__":
    sys.exit(main())
