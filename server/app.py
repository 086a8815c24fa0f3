"""The Flask application factory."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask
from flask_cors import CORS

from guidegraph.server import (
    cache_warming, canned_queries, catalog_pages, diff_pages, dumps_pages, errors, feeds_pages, graph_store, health, home_pages, http,
    i18n, links_refresh, ontology_pages, openapi, query_page, resource_pages, search_pages, sparql, static_assets,
    validate_pages,
)
from guidegraph.store.versioned_cache import VersionedCache
from guidegraph.server.response_cache import ResponseCache
from guidegraph.server.settings import Settings
from guidegraph.server.sparql_fast_lane import SparqlFastLane
from guidegraph.store import GraphStore, open_store

log = logging.getLogger("guidegraph.server")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the endpoint. ``config`` holds Settings fields; ``store_instance`` passes
    an already opened store (the caller then owns it)."""
    config = dict(config or {})
    store: GraphStore | None = config.pop("store_instance", None)
    settings = Settings.from_mapping(config)
    owns_store = store is None
    if store is None:
        store = open_store(settings.store_config())

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["guidegraph.settings"] = settings
    app.extensions["guidegraph.store"] = store
    app.extensions["guidegraph.owns_store"] = owns_store
    store.result_cache = VersionedCache(settings.result_cache_bytes > 0, budget=settings.result_cache_bytes)
    for blueprint in (sparql.bp, graph_store.bp, health.bp, ontology_pages.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(canned_queries.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(query_page.bp)
    app.register_blueprint(static_assets.bp)
    app.extensions["guidegraph.pages"] = VersionedCache(settings.page_cache)
    resource_pages.install(app, settings)
    dumps_pages.install(app, store, settings)
    links_refresh.install(app, store, settings.data_base_iri)
    catalog_pages.install(app)
    home_pages.install(app)
    feeds_pages.install(app)
    validate_pages.install(app)
    diff_pages.install(app)
    search_pages.install(app, store, settings)
    if settings.warm_cache:
        cache_warming.install(app, store, settings)
    i18n.install(app)
    errors.register(app)
    http.install(app, settings.gzip_min_bytes)
    # Kept responses cost a little more than the answers in them (headers, gzip); a quarter of
    # the results' budget holds the repeated ones.
    if settings.fast_lane:
        app.wsgi_app = SparqlFastLane(app.wsgi_app, store, settings)
    app.wsgi_app = ResponseCache(app.wsgi_app, store, settings.result_cache_bytes // 4)
    if settings.cors:
        # Reads only: no credentials and no Authorization header cross-origin,
        # so a browser page cannot use someone's write token.
        CORS(
            app,
            resources={sparql.ENDPOINT_PATH: {}, graph_store.GSP_PATH: {}, graph_store.GSP_PATH + "/*": {}, "/health": {}, ontology_pages.ONTOLOGY_PATH + "*": {},
                       "/api/*": {}},
            origins="*",
            methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["ETag", "Last-Modified", "X-SPARQL-Truncated", "Cache-Status"],
            supports_credentials=False,
            send_wildcard=True,
        )
    return app


def close_app(app: Flask) -> None:
    """Stop the store the app opened."""
    if "guidegraph.cache_warmer" in app.extensions:
        app.extensions["guidegraph.cache_warmer"].close()
    if "guidegraph.links" in app.extensions:
        app.extensions["guidegraph.links"].wait()  # a pass half done would write to a closed store
    app.extensions["guidegraph.dumps"].close()
    app.extensions["guidegraph.search"].close()
    if app.extensions.get("guidegraph.owns_store"):
        app.extensions["guidegraph.store"].close()
