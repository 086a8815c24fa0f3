"""``guidegraph load FILE... [--data-dir DIR] [--graph IRI] [--replace]``: RDF files straight into the embedded store.

The fast way in for large data: pyoxigraph's bulk loader in this process,
streaming from the files (N-Quads, TriG, N-Triples, Turtle, RDF/XML,
JSON-LD, each possibly gzip-compressed), into the data directory
``guidegraph serve`` uses. The server must not be running on it (the store
is locked while it is); a running server takes data through its Graph Store
Protocol instead. See docs/endpoint.md, "Bulk load".
"""

from __future__ import annotations

import os
import sys

from guidegraph.formats import RDF_FORMATS


def add_parser(sub) -> None:
    from guidegraph.commands.serve import DEFAULT_DATA_DIR

    p = sub.add_parser(
        "load",
        help="bulk-load RDF files (N-Quads, TriG, N-Triples, Turtle, RDF/XML, JSON-LD; .gz too) into the store",
        description="Load RDF files into the embedded store's data directory, fast, with a progress bar. "
                    "Every file is checked before anything is written; each file then goes in whole or not at all.",
    )
    p.add_argument("files", nargs="+", help="RDF files; the format follows the extension (.nq, .trig, .nt, .ttl, .rdf, .jsonld, each optionally .gz)")
    p.add_argument("--data-dir", default=os.environ.get("GUIDEGRAPH_DATA_DIR", DEFAULT_DATA_DIR),
                   help=f"the store's data directory, as for serve ($GUIDEGRAPH_DATA_DIR, default {DEFAULT_DATA_DIR})")
    p.add_argument("--graph", metavar="IRI", help="named graph for triples without one (Turtle, N-Triples; the default graph of TriG, N-Quads); default: the default graph")
    p.add_argument("--format", choices=[f.name for f in RDF_FORMATS], help="format of every file, whatever its extension")
    p.add_argument("--replace", action="store_true", help="empty the graphs the files write to before loading them")
    p.add_argument("--base-iri", help="the IRI base the data was minted under: names the links graph, and is recorded for serve")
    p.add_argument("--no-progress", action="store_true", help="no progress bar (there is none off a terminal either)")
    p.set_defaults(run=run, native_heavy=lambda args: True)


def run(args) -> int:
    from guidegraph.bulkload import progress
    from guidegraph.bulkload.run import load

    report = load(args.data_dir, args.files, to_graph=args.graph, replace=args.replace,
                  show_progress=progress.wanted(args.no_progress), base_iri=args.base_iri,
                  explicit_format=args.format)
    print(f"guidegraph: {report.closing_line()}", file=sys.stderr)
    return 0
