"""``guidegraph query``: run one SPARQL query against a data directory and print the result.

A running ``guidegraph serve`` holds the data directory's lock; the command
then reads the store read-only (a snapshot as of opening) instead of failing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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
    p.add_argument("--data-dir", default=os.environ.get("GUIDEGRAPH_DATA_DIR", DEFAULT_DATA_DIR), help="embedded store directory (read-only while a server holds it)")
    p.add_argument("--endpoint", help="query a remote SPARQL endpoint instead")
    p.add_argument("--format", default=None, help="tsv (default for SELECT/ASK), csv, json, xml; turtle (default for graphs), ntriples, nquads, trig, jsonld, rdfxml")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
        config = {"data_dir": args.data_dir, "memory": False}  # one query or dump: no memory copy to fill
    if not args.endpoint and store_in_use(Path(args.data_dir)):
        print(f"guidegraph: the store in {args.data_dir} is held by another process (a running server?); reading it read-only", file=sys.stderr)
        body = query_read_only(Path(args.data_dir), text, result_format, graph_format, args.timeout)
    else:
        with open_store(config) as store:
            body = store.query(text, result_format=result_format, graph_format=graph_format, timeout=args.timeout).body
    sys.stdout.buffer.write(body)
    if not body.endswith(b"\n"):
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
    return get_query(args.canned).bind(values, strict=True)


def store_in_use(data_dir: Path) -> bool:
    """True when another process holds the store's lock (RocksDB's LOCK file, an fcntl lock)
    or the lock cannot be taken at all."""
    import fcntl

    lock = data_dir / "LOCK"
    if not lock.exists():
        return False
    try:
        handle = open(lock, "rb+")
    except OSError:
        return True  # not ours to lock (read-only files): reading read-only is all we can do anyway
    with handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN)
    return False


def query_read_only(data_dir: Path, text: str, result_format: str, graph_format: str, timeout: float | None) -> bytes:
    """Answer ``text`` from a read-only view of the store, within ``timeout`` seconds."""
    import threading

    import pyoxigraph

    from guidegraph.store import QuerySyntaxError, QueryTimeout
    from guidegraph.store.embedded import readable_syntax_message
    from guidegraph.store.engine_ops import EngineOps

    ops = EngineOps(pyoxigraph.Store.read_only(str(data_dir)), union_default_graph=True, data_dir=str(data_dir),
                    writable=False)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["body"] = ops.query(text, result_format, graph_format, None, None, None, None)[0]
        except SyntaxError as exc:
            outcome["error"] = QuerySyntaxError(f"syntax error: {readable_syntax_message(str(exc))}")
        except Exception as exc:  # noqa: BLE001 - reported as one line by the CLI
            outcome["error"] = exc

    # pyoxigraph cannot stop a query; a daemon thread lets the command give up on it.
    worker = threading.Thread(target=work, daemon=True, name="read-only-query")
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query ran longer than the {timeout:g} s time limit")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, QuerySyntaxError):
            raise error
        raise UsageError(f"the query failed: {error}")
    return outcome["body"]  # type: ignore[return-value]


def render_query_list() -> str:
    from guidegraph.queries import load_queries

    out = []
    for q in load_queries():
        out.append(f"{q.slug}: {q.title}")
        for p in q.parameters:
            need = "required" if p.required else f"default {p.default}"
            out.append(f"    --param {p.name}=…  ({p.type}, {need}) {p.description}".rstrip())
    return "\n".join(out)
