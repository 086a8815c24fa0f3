"""The query editor at /query: YASGUI pointed at our endpoint.

The page carries its configuration (endpoint, prefixes, the shipped queries
as named examples) in a JSON data block that our own script reads, so the
page needs no inline script. ``/query/prefixes.json`` is the prefix list in
the shape YASQE's prefix autocompletion fetches (prefix → namespace), so it
completes our prefixes and asks no outside service.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request, url_for

from guidegraph.namespaces import PREFIXES
from guidegraph.server.canned_queries import queries
from guidegraph.server.html_pages import page
from guidegraph.server.i18n import current_language as page_language
from guidegraph.server.protocol import negotiate

bp = Blueprint("query_page", __name__)

EDITOR_PATH = "/query"


def editor_config() -> dict:
    prefix_lines = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p in ("gg", "skos", "dcterms", "rdfs"))
    return {
        "endpoint": url_for("sparql.endpoint", _external=True),
        "prefixesUrl": url_for("query_page.prefixes"),
        "prefixes": PREFIXES,
        "defaultQuery": prefix_lines + "\nSELECT ?guide ?title WHERE {\n  ?guide a gg:GuideDocument ; gg:title ?title .\n}\nLIMIT 20\n",
        "examples": [{"name": q.slug, "title": q.title_in(page_language()), "query": q.text} for q in queries().values()],
    }


def render_editor(status: int = 200) -> Response:
    response = page("query/editor.html", status=status, inline_styles=True, config=editor_config(), examples=list(queries().values()))
    response.vary.add("Accept")
    return response


@bp.get(EDITOR_PATH)
def query_editor() -> Response:
    return render_editor()


@bp.get(EDITOR_PATH + "/prefixes.json")
def prefixes() -> Response:
    return Response(json.dumps(PREFIXES), mimetype="application/json")


def wants_html(offered: list[str]) -> bool:
    """True when the request's Accept ranks text/html above every type in ``offered``
    (a browser opening /sparql; an RDF client asking for the description gets RDF)."""
    hit = negotiate(request.headers.get("Accept"), [(m, m) for m in offered] + [("text/html", "text/html")])
    return hit is not None and hit[0] == "text/html" and "text/html" in (request.headers.get("Accept") or "")
