"""The dataset description and the crawler's doors: /catalog, /.well-known/void, sitemaps, robots.txt.

The description (guidegraph.catalog: VoID + DCAT, DCAT-AP 3.0.1) is built
from statistics measured in the store and from the dump files as written, so
its counts, byte sizes and checksums are the served ones; it is made once per
dataset version. ``{base}catalog`` and ``{base}dataset`` dereference here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Blueprint, Flask, Response, current_app, render_template, request
from rdflib import Graph

from guidegraph import iris
from guidegraph.catalog.description import Distribution, Site, describe_dataset
from guidegraph.catalog.sitemap import robots_txt, sitemap_documents
from guidegraph.catalog.statistics import DatasetStatistics, dataset_statistics
from guidegraph.rdf_io import serialize_graph
from guidegraph.server.representation import Twins, represent, split_suffix
from guidegraph.server.resource_pages import DOC_PATH
from guidegraph.server.settings import Settings
from guidegraph.store.base import GraphStore

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
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: Published | None = None

    def get(self, store: GraphStore, settings: Settings, base_url: str) -> Published:
        v = store.version
        key = (v.token, v.counter, base_url) if store.tracks_version else None
        with self._lock:
            if key is not None and key == self._key and self._value is not None:
                return self._value
            value = build(store, settings, base_url)
            self._key, self._value = key, value
            return value


def _site(settings: Settings, store: GraphStore, base_url: str) -> Site:
    base = settings.data_base_iri
    modified = datetime.fromtimestamp(store.version.modified, tz=timezone.utc).replace(microsecond=0)
    return Site(
        base_url=base_url, base_iri=base, sparql_endpoint=base_url + "sparql",
        catalog_iri=iris.catalog_iri(base), dataset_iri=iris.dataset_iri(base), modified=modified.isoformat(),
    )


def page_urls(store: GraphStore, settings: Settings, base_url: str) -> list[str]:
    """The resource pages: every IRI under the data's base that is a subject in the store."""
    import json

    base = settings.data_base_iri
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(ISIRI(?s) && STRSTARTS(STR(?s), "{base}")) }} ORDER BY ?s'
    answer = store.query(query, result_format="json", graph_format="turtle", timeout=None, max_rows=None)
    doc = base_url.rstrip("/") + DOC_PATH
    return [doc + row["s"]["value"][len(base):] for row in json.loads(answer.body)["results"]["bindings"]]


def build(store: GraphStore, settings: Settings, base_url: str) -> Published:
    files = current_app.extensions["guidegraph.dumps"].files()
    distributions = tuple(
        Distribution(
            url=base_url + "dumps/" + f.name, media_type=f.media_type, compression=f.compression,
            byte_size=f.byte_size, sha256=f.sha256, graph=f.graph, title=f.title, format_name=f.format_name,
        )
        for f in files
    )
    stats = dataset_statistics(store)
    graph = describe_dataset(stats, list(distributions), _site(settings, store, base_url))
    pages = [base_url, base_url + "catalog", base_url + "dumps/"] + page_urls(store, settings, base_url)
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
    app.extensions["guidegraph.catalog"] = CatalogCache()
    app.register_blueprint(bp)
