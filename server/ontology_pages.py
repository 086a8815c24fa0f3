"""The ontology at its own IRI: human documentation for browsers, RDF for machines.

``/ontology`` answers HTML (in the page language) or any RDF format by
content negotiation; ``/ontology.html`` / ``.ttl`` / ``.jsonld`` ... name
the format in the path; ``/ontology/context.jsonld`` is the published
JSON-LD context our JSON-LD uses.
"""

from __future__ import annotations

import json
from functools import lru_cache

from flask import Blueprint, Response, abort, render_template

from guidegraph.formats import RDF_FORMATS
from guidegraph.server.i18n import current_language
from guidegraph.server.representation import HTML_SUFFIX, RDF_SUFFIXES, Twins, represent

bp = Blueprint("ontology", __name__)
ONTOLOGY_PATH = "/ontology"


@lru_cache(maxsize=2)
def _model(lang: str) -> dict:
    from guidegraph.ontology.docs import ontology_model

    return ontology_model(lang)


@lru_cache(maxsize=len(RDF_FORMATS))
def _rdf(name: str) -> bytes:
    from guidegraph.ontology import ontology_graph
    from guidegraph.rdf_io import serialize_graph

    return serialize_graph(ontology_graph(), next(f for f in RDF_FORMATS if f.name == name))


def _twins() -> Twins:
    return Twins(
        html=lambda: render_template("ontology.html", doc=_model(current_language())),
        rdf=lambda fmt: _rdf(fmt.name),
        key="ontology",
    )


@bp.get(ONTOLOGY_PATH)
def ontology() -> Response:
    return represent(_twins(), ONTOLOGY_PATH, None)


@bp.get(ONTOLOGY_PATH + ".<ext>")
def ontology_as(ext: str) -> Response:
    suffix = "." + ext
    if suffix == ".htm":
        suffix = HTML_SUFFIX
    if suffix != HTML_SUFFIX and suffix not in RDF_SUFFIXES:
        abort(404)
    return represent(_twins(), ONTOLOGY_PATH, suffix)


@bp.get(ONTOLOGY_PATH + "/context.jsonld")
def context() -> Response:
    from guidegraph.ontology import jsonld_context

    # a context document wraps the term map in "@context"
    return Response(json.dumps({"@context": jsonld_context()}, ensure_ascii=False, indent=2), mimetype="application/ld+json")

