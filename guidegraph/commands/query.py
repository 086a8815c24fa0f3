"""``guidegraph query``: run one SPARQL query against a data directory and print the result."""

from __future__ import annotations

import argparse
import sys

from guidegraph.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("query", help="run a SPARQL query on the store and print the result")
    p.add_argument("sparql", help="the query text, or @FILE to read it from a file")
    p.add_argument("--data-dir", default="guidegraph-data", help="embedded store directory (not while a server holds it)")
    p.add_argument("--endpoint", help="query a remote SPARQL endpoint instead")
    p.add_argument("--format", default=None, help="tsv (default for SELECT/ASK), csv, json, xml; turtle (default for graphs), ntriples, nquads, trig, jsonld, rdfxml")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from guidegraph.server.protocol import NotAcceptable, format_from_parameter
    from guidegraph.store import open_store

    text = args.sparql
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read the query file {text[1:]}: {exc.strerror}") from None
    result_format, graph_format = "tsv", "turtle"
    if args.format:
        try:
            result_format = format_from_parameter(args.format, graph=False)
        except NotAcceptable:
            result_format = "tsv"
            try:
                graph_format = format_from_parameter(args.format, graph=True)
            except NotAcceptable:
                raise UsageError(f"unknown format {args.format!r}") from None
    if args.endpoint:
        config = {"store": "remote", "endpoint": args.endpoint}
    else:
        if not Path(args.data_dir).exists():
            raise UsageError(f"no store in {args.data_dir}; run `guidegraph serve --data-dir {args.data_dir}` once to create it")
        config = {"data_dir": args.data_dir}
    with open_store(config) as store:
        answer = store.query(text, result_format=result_format, graph_format=graph_format, timeout=args.timeout)
    sys.stdout.buffer.write(answer.body)
    if not answer.body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    return 0
