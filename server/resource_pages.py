"""Dereferenceable IRIs: every IRI we mint answers here, as a page and as RDF.

IRI policy (Cool URIs, "303 URIs forwarding to one generic document"): our
IRIs are slash IRIs under the data's base, ``{base}guide/cn-js/2025/…``.
They name things (a guide, a direction, an office), not documents, so
``GET {resource_path}X`` answers 303 See Other to the document describing
it: ``/doc/X`` for browsers, ``/doc/X.ttl`` (``.nt``, ``.nq``, ``.trig``,
``.jsonld``, ``.rdf``) for the RDF format the client asks for. ``/doc/X``
negotiates too. Hash IRIs were the alternative; they would make one
document of a whole guide (40,000 triples for the national one), which a
client would download to read one indicator.

The base the data was minted under maps onto this server's resource path
(as Trifid maps a dataset base to its own origin), so a local server resolves
the IRIs it publishes, and a deployment at the canonical origin needs no
rewriting at all.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Flask, Response, current_app, redirect, render_template, request

from guidegraph.formats import RdfFormat
from guidegraph.store.versioned_cache import VersionedCache
from guidegraph.server.describe import Description, describe, incoming_query, source_excerpts
from guidegraph.server.representation import HTML_SUFFIX, TWIN_SUFFIXES, Twins, choose, not_acceptable, represent, split_suffix
from guidegraph.namespaces import GG
from guidegraph.server.guide_outline import guide_outline, programme_funding
from guidegraph.server.result_table import local_href
from guidegraph.server.resource_view import build_page
from guidegraph.server.settings import Settings
from guidegraph.store.base import GraphStore
from guidegraph.store.graph_output import serialize_triples

DOC_PATH = "/doc/"
_IRI_SAFE = "/-._~"  # what the mapping leaves unescaped in the IRIs it mints (guidegraph.iris)


def _settings() -> Settings:
    return current_app.extensions["guidegraph.settings"]


def _store() -> GraphStore:
    return current_app.extensions["guidegraph.store"]


def _description(iri: str) -> Description:
    # a description's size is about its triples' (a few hundred bytes each)
    return current_app.extensions["guidegraph.descriptions"].get_or_make(
        _store(), iri, lambda: describe(_store(), iri), size=None)


def iri_for(rest: str) -> str:
    """The IRI a request path below the resource path names (paths arrive percent-decoded)."""
    return _settings().data_base_iri + quote(rest, safe=_IRI_SAFE)


def rdf_bytes(description: Description, fmt: RdfFormat) -> bytes:
    """The description in ``fmt``, written as CONSTRUCT results are (our prefixes, compacted JSON-LD)."""
    return serialize_triples(description.triples, fmt)


def _twins(description: Description, doc_stem: str) -> Twins:
    settings = _settings()

    def html() -> str:
        excerpts = source_excerpts(_store(), description.iri)
        page = build_page(description, excerpts, settings.data_base_iri, settings.resource_path)
        outline, funding = [], []
        if any(t.iri == str(GG.GuideDocument) for t in page.types):
            outline = guide_outline(_store(), description.iri)
            funding = programme_funding(_store(), description.iri)
        return render_template(
            "resource.html", page=page, doc_stem=doc_stem, rdf_suffixes=TWIN_SUFFIXES,
            base_iri=settings.data_base_iri, resource_path=settings.resource_path,
            incoming_query=incoming_query(description.iri), outline=outline, funding=funding,
            local_href=lambda iri: local_href(iri, settings.data_base_iri, settings.resource_path),
        )

    return Twins(html=html, rdf=lambda fmt: rdf_bytes(description, fmt), key=description.iri)


def _not_found(iri: str, suffix: str | None) -> Response:
    wants_html = suffix == HTML_SUFFIX or (suffix is None and choose(Twins(lambda: "", None, iri), None, request.headers.get("Accept")) == "html")
    if wants_html:
        return Response(render_template("not_found.html", iri=iri), status=404, content_type="text/html; charset=utf-8")
    return Response(f"Not Found: this dataset holds no resource {iri}\n", status=404, content_type="text/plain; charset=utf-8")


def _special(iri: str) -> Response | None:
    """IRIs we mint that the store does not describe: the catalogue, the dataset, graph names."""
    from guidegraph import iris
    from guidegraph.server.graph_store import GSP_PATH

    base = _settings().data_base_iri
    accept = request.headers.get("Accept")
    if iri in (iris.catalog_iri(base), iris.dataset_iri(base)):
        wants = choose(Twins(lambda: "", lambda fmt: b"", iri), None, accept)
        suffix = "" if wants in (None, "html") else wants.extension
        response = redirect("/catalog" + suffix, code=303)
    elif iris.is_graph_name(iri) and iri in _store().named_graphs():
        # A graph's name dereferences to the graph itself, through the Graph Store Protocol.
        response = redirect(f"{GSP_PATH}?{urlencode({'graph': iri})}", code=303)
    else:
        return None
    response.vary.add("Accept")
    return response


def resource(rest: str) -> Response:
    """``{resource_path}X``: 303 to the document describing the thing X names."""
    iri = iri_for(rest)
    special = _special(iri)
    if special is not None:
        return special
    description = _description(iri)
    if not description.exists:
        return _not_found(iri, None)
    twins = _twins(description, DOC_PATH + quote(rest, safe=_IRI_SAFE))
    chosen = choose(twins, None, request.headers.get("Accept"))
    if chosen is None:
        return not_acceptable(twins)
    target = DOC_PATH + quote(rest, safe=_IRI_SAFE) + ("" if chosen == "html" else chosen.extension)
    response = redirect(target, code=303)
    response.vary.add("Accept")
    return response


def document(rest: str) -> Response:
    """``/doc/X`` (negotiated) and ``/doc/X.ttl`` etc.: the description of ``{base}X``."""
    stem, suffix = split_suffix(rest)
    iri = iri_for(stem)
    description = _description(iri)
    if not description.exists:
        return _not_found(iri, suffix)
    doc_stem = DOC_PATH + quote(stem, safe=_IRI_SAFE)
    return represent(_twins(description, doc_stem), doc_stem, suffix)


def install(app: Flask, settings: Settings) -> None:
    app.extensions["guidegraph.descriptions"] = VersionedCache(settings.page_cache, budget=32 * 1024 * 1024)
    app.add_url_rule(settings.resource_path + "<path:rest>", "resource", resource, methods=["GET", "HEAD"])
    app.add_url_rule(DOC_PATH + "<path:rest>", "document", document, methods=["GET", "HEAD"])
