"""``guidegraph serve``: run the SPARQL endpoint, pages and dumps (server/http_servers.py runs the HTTP side)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from guidegraph.errors import FileSystemError, UsageError, filesystem_error
from guidegraph.server.http_servers import DEFAULT_HTTP_SERVER, HTTP_SERVERS
from guidegraph.store.freshness import REMOTE_REFRESH_SECONDS
from guidegraph.server.settings import DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT

DEFAULT_DATA_DIR = "guidegraph-data"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the knowledge graph over SPARQL 1.1 (endpoint at /sparql)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--data-dir", default=os.environ.get("GUIDEGRAPH_DATA_DIR"),
                   help=f"embedded store directory (default {DEFAULT_DATA_DIR}); a fresh one gets the bundled corpus. "
                   "With --store remote: where the dump files and search index are kept across restarts "
                   "(default: a temporary directory)")
    p.add_argument("--store", choices=("embedded", "remote"), default="embedded")
    p.add_argument("--endpoint", help="remote store: SPARQL query endpoint URL")
    p.add_argument("--update-endpoint", help="remote store: SPARQL update endpoint URL")
    p.add_argument("--gsp-endpoint", help="remote store: Graph Store Protocol URL")
    p.add_argument("--remote-user", default=os.environ.get("GUIDEGRAPH_REMOTE_USER"), help="remote store: user for its update and Graph Store endpoints ($GUIDEGRAPH_REMOTE_USER)")
    p.add_argument("--remote-password", default=os.environ.get("GUIDEGRAPH_REMOTE_PASSWORD"), help="remote store: that user's password ($GUIDEGRAPH_REMOTE_PASSWORD)")
    p.add_argument("--remote-dialect", choices=("auto", "standard", "virtuoso"), default="auto",
                   help="remote store: how the server departs from SPARQL 1.1 (default: told by its Server header; docs/remote-engines.md)")
    p.add_argument("--remote-refresh", type=float, default=REMOTE_REFRESH_SECONDS, metavar="SECONDS",
                   help="remote store: how old its dumps, catalogue statistics and search index may get before "
                   f"they are made again, as others may write to it (default {REMOTE_REFRESH_SECONDS:g}; 0: every time)")
    p.add_argument("--remote-cache", type=float, default=0.0, metavar="SECONDS",
                   help="remote store: keep query answers and pages this long, as for the embedded store; others' "
                   "writes then show within that time, ours at once (default 0: never kept)")
    p.add_argument("--write-token", default=os.environ.get("GUIDEGRAPH_WRITE_TOKEN"), help="enable Update and Graph Store writes for this bearer token ($GUIDEGRAPH_WRITE_TOKEN)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help=f"seconds per query (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, help=f"result rows at most (default {DEFAULT_MAX_ROWS})")
    p.add_argument("--max-request-bytes", type=int, default=DEFAULT_MAX_REQUEST_BYTES, help="largest request accepted (413 above)")
    p.add_argument("--allow-service", action="store_true", help="allow federated SERVICE (the server then fetches URLs callers name)")
    p.add_argument("--no-union-default-graph", action="store_true", help="default graph is the store's own default graph, not the union of guides")
    p.add_argument("--no-corpus", action="store_true", help="do not load the bundled corpus into an empty store")
    p.add_argument("--base-iri", default=os.environ.get("GUIDEGRAPH_BASE_IRI"),
                   help="IRI base of the published data; default: what the data directory was loaded with, "
                   "else this server's own http://HOST:PORT/id/ so every IRI dereferences here")
    p.add_argument("--no-page-cache", action="store_true", help="render every page afresh (by default pages are kept for the dataset version)")
    p.add_argument("--threads", type=int, default=8, help="threads running requests (default 8)")
    p.add_argument("--http-server", choices=HTTP_SERVERS, default=DEFAULT_HTTP_SERVER,
                   help=f"HTTP server (default {DEFAULT_HTTP_SERVER}; see docs/endpoint.md, Performance)")
    p.add_argument("--no-memory", action="store_true",
                   help="answer from the store on disk instead of an in-memory copy (less memory, slower queries)")
    p.set_defaults(run=run)


def settings_from_args(args: argparse.Namespace) -> dict:
    if args.store == "remote" and not args.endpoint:
        raise UsageError("--store remote needs --endpoint URL")
    if args.timeout <= 0 or args.max_rows <= 0 or args.max_request_bytes <= 0:
        raise UsageError("--timeout, --max-rows and --max-request-bytes must be positive")
    for flag, seconds in (("--remote-refresh", args.remote_refresh), ("--remote-cache", args.remote_cache)):
        if seconds < 0:
            raise UsageError(f"{flag} must be 0 or more seconds")
    return {
        "store": args.store,
        "data_dir": _data_dir(args),
        "endpoint": args.endpoint,
        "update_endpoint": args.update_endpoint,
        "gsp_endpoint": args.gsp_endpoint,
        "remote_user": args.remote_user or None,
        "remote_password": args.remote_password or None,
        "remote_dialect": args.remote_dialect,
        "remote_refresh_seconds": args.remote_refresh,
        "remote_cache_seconds": args.remote_cache,
        "write_token": args.write_token or None,
        "timeout": args.timeout,
        "max_rows": args.max_rows,
        "max_request_bytes": args.max_request_bytes,
        "allow_service": args.allow_service,
        "union_default_graph": not args.no_union_default_graph,
        "load_corpus": args.store == "embedded" and not args.no_corpus,
        "base_iri": args.base_iri,
        "page_cache": not args.no_page_cache,
        "memory": not args.no_memory,
        "prepare_dumps": True,
    }


def _data_dir(args: argparse.Namespace) -> str | None:
    chosen = args.data_dir or (DEFAULT_DATA_DIR if args.store == "embedded" else None)
    return str(Path(chosen).resolve()) if chosen else None


def open_served_store(config: dict, host: str = "127.0.0.1", port: int = 8000):
    """Open the store ``config`` names and, on a fresh data directory, load the bundled corpus.

    Fills in ``config["base_iri"]``: given, else recorded with the data, else this server's origin.
    """
    from guidegraph.bundled_corpus import default_base_iri, load_bundled_corpus, record_base_iri, recorded_base_iri
    from guidegraph.server.settings import Settings
    from guidegraph.store import open_store

    data_dir = config.get("data_dir")
    config["base_iri"] = config.get("base_iri") or recorded_base_iri(data_dir) or default_base_iri(host, port)
    settings = Settings.from_mapping(config)
    store = open_store(settings.store_config())
    try:
        if settings.load_corpus and store.triple_count() == 0:
            log = logging.getLogger("guidegraph.server")
            log.info("empty store: loading the bundled corpus under %s", settings.data_base_iri)
            try:
                log.info("loaded %d quads", load_bundled_corpus(store, settings.data_base_iri))
            except FileSystemError as exc:
                raise filesystem_error(exc.reason, "load the bundled corpus into", data_dir,
                                       "free some space (the corpus takes about 10 MB) and start again"
                                       if exc.reason == "no-space" else None) from None
            if data_dir:
                record_base_iri(data_dir, settings.data_base_iri)
    except BaseException:
        store.close()
        raise
    return store


def run(args: argparse.Namespace) -> int:
    from guidegraph.server import http_servers
    from guidegraph.server.app import close_app, create_app
    from guidegraph.server.settings import Settings
    from guidegraph.server.upload_guard import server_body_limit

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = settings_from_args(args)
    http_servers.check_can_listen(args.host, args.port)
    log = logging.getLogger("guidegraph.server")
    if args.http_server == "granian":
        # The corpus goes in first, here; the worker then opens the store (and fills its memory copy).
        open_served_store(config, args.host, args.port).close()
        config["load_corpus"] = False

        def make_app():
            app = create_app(config)
            _announce(log, app, args)
            return app

        drain_limit = server_body_limit(Settings.from_mapping(config))
        http_servers.serve_granian(make_app, close_app, args.host, args.port, args.threads, drain_limit)
        return 0
    store = open_served_store(config, args.host, args.port)
    try:
        app = create_app({**config, "store_instance": store})
        _announce(log, app, args)
        http_servers.serve_waitress(app, args.host, args.port, args.threads, server_body_limit(app.extensions["guidegraph.settings"]))
    finally:
        store.close()  # the app was handed the store, so closing it is ours
    return 0


def _announce(log, app, args) -> None:
    settings = app.extensions["guidegraph.settings"]
    log.info("SPARQL endpoint at http://%s:%d/sparql; pages at http://%s:%d/", args.host, args.port, args.host, args.port)
    log.info("IRIs under %s dereference at http://%s:%d%s", settings.data_base_iri, args.host, args.port,
             settings.resource_path)
