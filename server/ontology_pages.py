"""The ontology at its own IRI: human documentation for browsers, RDF for machines.

``/ontology`` answers HTML (zh, or ``?lang=en``) or any RDF format by
content negotiation; ``/ontology.html`` / ``/ontology.ttl`` / ``.jsonld`` ...
name the format in the path; ``/ontology/context.jsonld`` is the published
JSON-LD context our JSON-LD dumps use.
"""

from __future__ import annotations

import json
from functools import lru_cache

from flask import Blueprint, Response, abort, request

from guidegraph.formats import RDF_FORMATS, RdfFormat, rdf_format
from guidegraph.server.protocol import negotiate

bp = Blueprint("ontology", __name__)
ONTOLOGY_PATH = "/ontology"


@lru_cache(maxsize=4)
def _html(lang: str) -> bytes:
    from guidegraph.ontology.docs import render_ontology_html

    return render_ontology_html(lang=lang).encode("utf-8")


@lru_cache(maxsize=len(RDF_FORMATS))
def _rdf(name: str) -> bytes:
    from guidegraph.ontology import ontology_graph

    fmt = rdf_format(name)
    return ontology_graph().serialize(format=fmt.rdflib, encoding="utf-8")


def _answer_rdf(fmt: RdfFormat) -> Response:
    resp = Response(_rdf(fmt.name), mimetype=fmt.media_type)
    resp.headers["Vary"] = "Accept"
    return resp


def _answer_html() -> Response:
    lang = "en" if request.args.get("lang") == "en" else "zh"
    resp = Response(_html(lang), mimetype="text/html")
    resp.headers["Vary"] = "Accept"
    return resp


@bp.get(ONTOLOGY_PATH)
def ontology() -> Response:
    candidates = [("text/html", "html")] + [(f.media_type, f.name) for f in RDF_FORMATS]
    hit = negotiate(request.headers.get("Accept"), candidates)
    if hit is None:
        offered = ", ".join(m for m, _ in candidates)
        return Response(f"Not Acceptable: this resource is available as {offered}\n", status=406, mimetype="text/plain")
    return _answer_html() if hit[1] == "html" else _answer_rdf(rdf_format(hit[1]))


@bp.get(ONTOLOGY_PATH + ".<ext>")
def ontology_as(ext: str) -> Response:
    if ext in ("html", "htm"):
        return _answer_html()
    try:
        return _answer_rdf(rdf_format("." + ext))
    except Exception:
        abort(404)


@bp.get(ONTOLOGY_PATH + "/context.jsonld")
def context() -> Response:
    from guidegraph.ontology import jsonld_context

    # a context document wraps the term map in "@context"
    return Response(json.dumps({"@context": jsonld_context()}, ensure_ascii=False, indent=2), mimetype="application/ld+json")
