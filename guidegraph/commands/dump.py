"""``guidegraph dump -o DIR``: write the dump files the server publishes at /dumps/."""

from __future__ import annotations

import argparse
import os
import sys

from guidegraph.commands.serve import DEFAULT_DATA_DIR
from guidegraph.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dump",
        help="write the dataset's dump files (N-Quads, N-Triples, TriG, Turtle and JSON-LD per graph, checksums)",
        description="Write the same files the server publishes at /dumps/ into a directory: dataset.nq.gz, "
        "dataset.trig.gz, dataset.nt.gz, one .ttl and .jsonld per graph, ontology.ttl, SHA256SUMS and index.json.",
    )
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory to write into (created if missing)")
    p.add_argument("--data-dir", default=os.environ.get("GUIDEGRAPH_DATA_DIR", DEFAULT_DATA_DIR),
                   help="embedded store directory (not while a server holds it)")
    p.add_argument("--endpoint", help="dump a remote SPARQL store instead (needs its Graph Store endpoint)")
    p.add_argument("--gsp-endpoint", help="the remote store's Graph Store Protocol URL")
    p.add_argument("--base-iri", help="IRI base of the data (names the per-graph files); default: recorded with the data")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from guidegraph.bundled_corpus import recorded_base_iri
    from guidegraph.dumps import write_dumps
    from guidegraph.store import open_store

    if args.endpoint:
        config = {"store": "remote", "endpoint": args.endpoint, "gsp_endpoint": args.gsp_endpoint}
    else:
        if not Path(args.data_dir).is_dir():
            raise UsageError(f"no store in {args.data_dir}; run `guidegraph serve --data-dir {args.data_dir}` once to create it")
        config = {"data_dir": args.data_dir, "memory": False}  # one query or dump: no memory copy to fill
    base = args.base_iri or recorded_base_iri(None if args.endpoint else args.data_dir)
    with open_store(config) as store:
        files = write_dumps(store, args.output, base)
    for f in files:
        print(f"{f.byte_size:>12,}  {f.name}", file=sys.stderr)
    print(f"wrote {len(files)} files to {args.output}", file=sys.stderr)
    return 0
