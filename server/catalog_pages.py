"""The dataset description and the crawler's doors: /catalog, /.well-known/void, sitemaps, robots.txt.

The description (guidegraph.catalog: VoID + DCAT, DCAT-AP 3.0.1) is built
from statistics measured in the store and from the dump files as written, so
its counts, byte sizes and checksums are the served ones; it is made once per
dataset version. ``{base}catalog`` and ``{base}dataset`` dereference here.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, request
from rdflib import Graph

from guidegraph import iris
from guidegraph.catalog.description import Distribution, Site, describe_dataset
from guidegraph.catalog.sitemap import robots_txt, sitemap_documents
from guidegraph.catalog.statistics import DatasetStatistics, dataset_statistics
from guidegraph.rdf_io import serialize_graph
from guidegraph.server import catalog_kept
from guidegraph.server.representation import Twins, represent, split_suffix
from guidegraph.server.resource_pages import DOC_PATH
from guidegraph.server.settings import Settings
from guidegraph.store import freshness
from guidegraph.store.base import GraphStore, StoreUnavailable

bp = Blueprint("catalog", __name__)
CATALOG_PATH = "/catalog"
VOID_PATH = "/.well-known/void"


@dataclass(frozen=True)
class Published:
    """Everything the catalogue says, for one dataset version and one public origin."""

    stats: DatasetStatistics
    graph: Graph
    distributions: tuple[Distribution, ...]
    pages: dict[str, bytes]  # sitemap file name -> bytes


class CatalogCache:
    """The catalogue per dataset version: the measuring (statistics, page IRIs) once per version,
    the description per public origin and set of dump files (cheap, from what was measured).

    What was measured from a remote store and has only grown older than the refresh age is
    served while it is measured again in the background, as its dump files are. With a data
    directory, what was measured is kept there for the next start (server/catalog_kept.py)."""

    def __init__(self, kept_file: Path | None = None, version_at_start: tuple | None = None) -> None:
        self._lock = threading.Lock()  # held while measuring anew (a request then waits for it)
        self._measured: tuple | None = None  # (freshness.Made, statistics, page paths)
        self._published: dict = {}
        self._remeasuring: threading.Thread | None = None
        self._kept_file = kept_file
        self._kept_tried = kept_file is None
        self._version_at_start = version_at_start  # a write of ours since then outdates what was kept

    def measured(self, store: GraphStore, settings: Settings) -> tuple[DatasetStatistics, list[str]]:
        with self._lock:
            if not self._kept_tried:
                self._kept_tried = True
                self._take_up_kept(store, settings)
            kept = self._measured
            if kept is not None and not freshness.is_current(kept[0], store, settings.remote_refresh_seconds):
                if not store.tracks_version and kept[0].version == freshness.made_now(store).version:
                    self._remeasure_in_background(store, settings)
                else:
                    kept = None
            if kept is None:
                kept = self._measure(store, settings)
            return kept[1], kept[2]

    def _measure(self, store: GraphStore, settings: Settings) -> tuple:
        self._measured = self._measure_and_keep(store, settings)
        self._published = {}
        return self._measured

    def _measure_and_keep(self, store: GraphStore, settings: Settings) -> tuple:
        made = freshness.made_now(store)
        token = store.content_token() if self._kept_file is not None else None
        measured = (made, dataset_statistics(store), page_paths(store, settings))
        if self._kept_file is not None and (store.kind == "remote" or token is not None):
            if token is None or store.content_token() == token:  # nothing written while measuring
                try:
                    catalog_kept.save(self._kept_file, catalog_kept.stamp_for(store, token, settings.data_base_iri),
                                      *measured[1:])
                except OSError as exc:  # served all the same; the next start measures again
                    logging.getLogger("guidegraph.server").warning("keeping the catalogue failed: %s", exc)
        return measured

    def _take_up_kept(self, store: GraphStore, settings: Settings) -> None:
        """What an earlier run measured from this data: as current from the embedded store, as aged
        from a remote one (served while measured again)."""
        made = freshness.made_now(store)  # before the token: a write after it leaves this marked older
        if store.kind == "remote" and made.version != self._version_at_start:
            return  # we wrote to it since the start (the embedded store's token says so by itself)
        try:
            token = store.content_token()
        except StoreUnavailable:
            return
        if token is None and store.kind != "remote":
            return
        kept = catalog_kept.load(self._kept_file, catalog_kept.stamp_for(store, token, settings.data_base_iri))
        if kept is None:
            return
        if token is None:  # a remote store: others may have written since
            made = freshness.Made(made.version, at=float("-inf"))
        self._measured = (made, *kept)
        logging.getLogger("guidegraph.server").info("catalogue measured by an earlier run taken up from %s",
                                                    self._kept_file)

    def _remeasure_in_background(self, store: GraphStore, settings: Settings) -> None:
        if self._remeasuring is not None:
            return
        made = self._measured[0]
        self._measured = (freshness.Made(made.version), *self._measured[1:])  # current until this is done

        def remeasure() -> None:
            try:
                measured = self._measure_and_keep(store, settings)
                made = measured[0]
                with self._lock:
                    if self._measured is None or self._measured[0].version == made.version:
                        self._measured, self._published = measured, {}
            except Exception as exc:  # noqa: BLE001 - what was measured stays; the next age tries again
                logging.getLogger("guidegraph.server").warning("measuring the catalogue again failed: %s", exc)
            finally:
                self._remeasuring = None

        self._remeasuring = threading.Thread(target=remeasure, name="guidegraph-catalog-refresh", daemon=True)
        self._remeasuring.start()

    def get(self, store: GraphStore, settings: Settings, base_url: str) -> Published:
        stats, paths = self.measured(store, settings)
        dumps = current_app.extensions["guidegraph.dumps"]
        dumps.files()  # made again first if they are due, so the description names the files served
        key = (base_url, dumps.generation)
        with self._lock:
            if key not in self._published:
                published = build(store, settings, base_url, stats, paths)
                self._published = {k: v for k, v in self._published.items() if k[1] == key[1]}
                self._published[key] = published
            return self._published[key]

    def prepare_in_background(self, app: Flask) -> threading.Thread:
        """Write the dumps and measure the store off the request path, as the server starts."""
        store, settings = app.extensions["guidegraph.store"], app.extensions["guidegraph.settings"]

        def run() -> None:
            try:
                app.extensions["guidegraph.dumps"].files()
                self.measured(store, settings)
            except StoreUnavailable as exc:  # the server is stopping, or its engine restarting
                logging.getLogger("guidegraph.server").info("preparing the dumps and the catalogue stopped: %s", exc)
            except Exception:  # noqa: BLE001 - a request will try again and report the error
                logging.getLogger("guidegraph.server").exception("preparing the dumps and the catalogue failed")

        thread = threading.Thread(target=run, name="guidegraph-catalog", daemon=True)
        thread.start()
        return thread


def _site(settings: Settings, store: GraphStore, base_url: str) -> Site:
    base = settings.data_base_iri
    modified = datetime.fromtimestamp(store.version.modified, tz=timezone.utc).replace(microsecond=0)
    return Site(
        base_url=base_url, base_iri=base, sparql_endpoint=base_url + "sparql",
        catalog_iri=iris.catalog_iri(base), dataset_iri=iris.dataset_iri(base), modified=modified.isoformat(),
    )


def page_paths(store: GraphStore, settings: Settings) -> list[str]:
    """The resource pages' paths: every IRI under the data's base that is a subject in the store."""
    base = settings.data_base_iri
    # DISTINCT subjects first, then the IRI test on each (a FILTER on the full scan costs several scans)
    query = (f'SELECT ?s WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ ?s ?p ?o }} }} '
             f'FILTER(ISIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}')
    answer = store.query(query, result_format="tsv", graph_format="turtle", timeout=None, max_rows=None)
    paths = []
    for line in answer.body.decode("utf-8").splitlines()[1:]:
        iri = line.strip()[1:-1]
        paths.append(DOC_PATH + iri[len(base):])
    return sorted(paths)


def build(store: GraphStore, settings: Settings, base_url: str, stats: DatasetStatistics, paths: list[str]) -> Published:
    files = current_app.extensions["guidegraph.dumps"].files()
    distributions = tuple(
        Distribution(
            url=base_url + "dumps/" + f.name, media_type=f.media_type, compression=f.compression,
            byte_size=f.byte_size, sha256=f.sha256, graph=f.graph, title=f.title, format_name=f.format_name,
        )
        for f in files
    )
    graph = describe_dataset(stats, list(distributions), _site(settings, store, base_url))
    origin = base_url.rstrip("/")
    pages = [base_url, base_url + "catalog", base_url + "dumps/"] + [origin + path for path in paths]
    return Published(stats, graph, distributions, sitemap_documents(pages, base_url))


def _published() -> Published:
    app = current_app
    return app.extensions["guidegraph.catalog"].get(app.extensions["guidegraph.store"], app.extensions["guidegraph.settings"], request.host_url)


def _catalog_twins() -> Twins:
    def html() -> str:
        published = _published()
        return render_template("catalog.html", stats=published.stats, distributions=published.distributions,
                               resource_path=current_app.extensions["guidegraph.settings"].resource_path,
                               base_iri=current_app.extensions["guidegraph.settings"].data_base_iri)

    return Twins(html=html, rdf=lambda fmt: serialize_graph(_published().graph, fmt), key="catalog")


@bp.get(CATALOG_PATH)
@bp.get(CATALOG_PATH + ".<ext>")
def catalog(ext: str | None = None) -> Response:
    suffix = None
    if ext is not None:
        _, suffix = split_suffix("catalog." + ext)
        if suffix is None:
            return Response("Not Found\n", status=404, content_type="text/plain; charset=utf-8")
    return represent(_catalog_twins(), CATALOG_PATH, suffix)


@bp.get(VOID_PATH)
def well_known_void() -> Response:
    """The VoID description (RFC 5785 well-known location, VoID §6.2): RDF only, Turtle by default."""
    twins = Twins(html=None, rdf=lambda fmt: serialize_graph(_published().graph, fmt), key="void")
    return represent(twins, CATALOG_PATH, None)


@bp.get("/sitemap.xml")
@bp.get("/sitemap-<int:number>.xml")
def sitemap(number: int | None = None) -> Response:
    pages = _published().pages
    body = pages.get("sitemap.xml" if number is None else f"sitemap-{number}.xml")
    if body is None:
        return Response("Not Found\n", status=404, content_type="text/plain; charset=utf-8")
    return Response(body, content_type="application/xml; charset=utf-8")


@bp.get("/robots.txt")
def robots() -> Response:
    return Response(robots_txt(request.host_url), content_type="text/plain; charset=utf-8")


def install(app: Flask) -> None:
    data_dir = app.extensions["guidegraph.settings"].data_dir
    store = app.extensions["guidegraph.store"]
    cache = CatalogCache(catalog_kept.kept_file(data_dir) if data_dir else None, freshness.made_now(store).version)
    app.extensions["guidegraph.catalog"] = cache
    app.register_blueprint(bp)
    if app.extensions["guidegraph.settings"].prepare_dumps:
        app.extensions["guidegraph.preparing"] = cache.prepare_in_background(app)
