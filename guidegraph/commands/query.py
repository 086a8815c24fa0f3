"""``guidegraph query``: run one SPARQL query against a data directory and print the result."""

from __future__ import annotations

import argparse
import os
import sys

from guidegraph.commands.serve import DEFAULT_DATA_DIR
from guidegraph.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query",
        help="run a SPARQL query (or one from the query library) on the store and print the result",
        description="Run a SPARQL query on the store. `--list` shows the shipped research queries; "
        "`--canned NAME --param KEY=VALUE` runs one of them with its parameters.",
    )
    p.add_argument("sparql", nargs="?", help="the query text, or @FILE to read it from a file")
    p.add_argument("--canned", metavar="NAME", help="run a shipped query from queries/ by name (see --list)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="a parameter of the canned query (repeatable)")
    p.add_argument("--list", action="store_true", help="list the shipped queries with their parameters and exit")
    p.add_argument("--data-dir", default=os.environ.get("GUIDEGRAPH_DATA_DIR", DEFAULT_DATA_DIR), help="embedded store directory (not while a server holds it)")
    p.add_argument("--endpoint", help="query a remote SPARQL endpoint instead")
    p.add_argument("--format", default=None, help="tsv (default for SELECT/ASK), csv, json, xml; turtle (default for graphs), ntriples, nquads, trig, jsonld, rdfxml")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from guidegraph.server.protocol import NotAcceptable, format_from_parameter
    from guidegraph.store import open_store

    if args.list:
        print(render_query_list())
        return 0
    text = _query_text(args)
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


def _query_text(args: argparse.Namespace) -> str:
    from guidegraph.queries import get_query

    if args.canned and args.sparql:
        raise UsageError("give either a query or --canned NAME, not both")
    if not args.canned:
        if args.param:
            raise UsageError("--param goes with --canned")
        if not args.sparql:
            raise UsageError("no query given: pass the SPARQL text, @FILE, --canned NAME or --list")
        return args.sparql
    values = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param takes KEY=VALUE, got {item!r}")
        values[key.strip()] = value
    return get_query(args.canned).bind(values)


def render_query_list() -> str:
    from guidegraph.queries import load_queries

    out = []
    for q in load_queries():
        out.append(f"{q.slug}: {q.title}")
        for p in q.parameters:
            out.append(f"    --param {p.name}=…  ({p.type}, default {p.default}) {p.description}".rstrip())
    return "\n".join(out)
