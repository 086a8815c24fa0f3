"""Light queries through guidegraph on Virtuoso against the floor of any Python layer in front of it.

#13 asks that guidegraph on Virtuoso answer within 1.2x of Virtuoso direct on
every query. On the light ones (point lookups, a few hundred rows) Virtuoso
answers in about a millisecond, so the target leaves a fraction of a
millisecond for the layer. This measures, interleaved (each round asks every
system a new text of each light query in turn, so drift hits them alike):

- Virtuoso direct;
- the floor: a pass-through app on granian as ``guidegraph serve`` runs it,
  sending the query string to Virtuoso over guidegraph's own kept-alive
  client and the body back (benchmarks/engines/forward_floor_app.py);
- ``guidegraph serve --store remote`` in front of the same Virtuoso, nothing kept.

Client wall time in ms over one keep-alive connection, medians over the rounds
(the first tenth left out as warm-up).

    python benchmarks/bench_remote_floor.py [--triples 100000] [--rounds 200] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engines import generator, report  # noqa: E402
from engines.measure import measure_steady_light  # noqa: E402
from engines.queries import all_queries  # noqa: E402
from engines.systems import ForwardFloor, GuidegraphRemote, Virtuoso  # noqa: E402


# Also how long a server may take to settle: guidegraph's start-up work on a remote store (the
# dumps, the catalogue) runs on Virtuoso and takes minutes at 10^7 triples.
TIMEOUT = 3600.0


def run(triples: int, rounds: int, work: Path) -> tuple[list, list, dict]:
    virtuoso = Virtuoso(work, timeout=TIMEOUT)
    why = virtuoso.unavailable()
    if why:
        raise SystemExit(f"cannot run: {why}")
    virtuoso.load(generator.dataset_file(triples))
    systems = [virtuoso, ForwardFloor(work, TIMEOUT, virtuoso), GuidegraphRemote(work, TIMEOUT, virtuoso)]
    queries = all_queries(generator.sample_iris())
    try:
        for system in systems:
            system.start()
            print(f"  {system.label}: up in {system.startup_seconds:.1f} s, settled after {system.settle_seconds:.1f} s",
                  file=sys.stderr)
        clients = {s.name: s.client() for s in systems}
        medians = measure_steady_light(clients, queries, rounds)
        for client in clients.values():
            client.close()
    finally:
        for system in reversed(systems):
            system.stop()
    return systems, [q for q in queries if q.weight == "light"], medians


def markdown(triples: int, rounds: int, systems: list, light: list, medians: dict, argv: list[str]) -> str:
    direct, floor, ours = (s.name for s in systems)
    lines = report.run_header("Light queries through a layer in front of Virtuoso", "bench_remote_floor.py", argv,
                              virtuoso=True)
    lines += [f"{triples:,} triples; {rounds} interleaved rounds, a new text each time; client ms, medians. "
              "1.2x of direct is what #13's target allows.", ""]
    header = ["query"] + [s.label for s in systems] + ["1.2x direct", "floor / direct", "guidegraph / direct",
                                                        "guidegraph − floor"]
    rows = []
    for q in light:
        d, f, g = (medians[name].get(q.name) for name in (direct, floor, ours))
        rows.append([q.name, report.ms(d), report.ms(f), report.ms(g), report.ms(d * 1.2 if d else None),
                     report.ratio(f, d), report.ratio(g, d), report.ms(g - f if g and f else None)])
    lines += report.table(header, rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=lambda s: int(float(s)), default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--out", type=Path, help="also write the markdown report here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-remote-floor-") as tmp:
        systems, light, medians = run(args.triples, args.rounds, Path(tmp))
    report.publish(markdown(args.triples, args.rounds, systems, light, medians, sys.argv[1:] if argv is None else argv),
                   args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
