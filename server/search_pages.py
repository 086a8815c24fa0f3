"""Full-text search: ``GET /api/search?q=`` (JSON) and its page ``/search?q=``.

Both answer from guidegraph.search's index of the store, rebuilt when the
dataset changes. The API takes ``q`` (required), ``limit`` (1–100, default
20) and ``offset``; an unknown, repeated or ill-typed parameter, an empty
query or one with nothing searchable is 400 with the canned-query API's
error body ``{"error": {"status", "message", "parameter"}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, request, url_for

from guidegraph.errors import GuideGraphError
from guidegraph.queries import ParameterError
from guidegraph.search import QueryError, SearchService
from guidegraph.search.index import Hit, Page
from guidegraph.search.snippets import segments
from guidegraph.search.tokens import MAX_QUERY_CHARS
from guidegraph.server.canned_queries import json_errors
from guidegraph.server.errors import status_for
from guidegraph.server.html_pages import page
from guidegraph.server.settings import Settings
from guidegraph.store.base import GraphStore

bp = Blueprint("search", __name__)

API_PATH = "/api/search"
PAGE_PATH = "/search"
DEFAULT_LIMIT = 20
PAGE_SIZE = 20
PARAMETERS = ("q", "limit", "offset")


@dataclass(frozen=True)
class SearchRequest:
    q: str
    limit: int
    offset: int


def _integer(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ParameterError(f"parameter {name} must be an integer, not {raw[:40]!r}", name) from None


def read_request(ignore: tuple[str, ...] = ()) -> SearchRequest:
    for key in request.args:
        if key in ignore:
            continue
        if key not in PARAMETERS:
            raise ParameterError(f"unknown parameter {key[:40]!r}; /api/search takes {', '.join(PARAMETERS)}", key[:40])
        if len(request.args.getlist(key)) > 1:
            raise ParameterError(f"parameter {key} is given more than once; give it once", key)
    q = request.args.get("q", "")
    if not q.strip():
        raise ParameterError("parameter q (what to search for) is required", "q")
    return SearchRequest(q, _integer("limit", DEFAULT_LIMIT), _integer("offset", 0))


def _service() -> SearchService:
    return current_app.extensions["guidegraph.search"]


def run(req: SearchRequest) -> Page:
    try:
        return _service().search(req.q, req.limit, req.offset)
    except QueryError as exc:
        raise ParameterError(str(exc), exc.parameter) from None


def _page_href(iri: str) -> str | None:
    """Where this server shows a resource: its /id/ path when the IRI is under our base."""
    settings: Settings = current_app.extensions["guidegraph.settings"]
    base = settings.data_base_iri
    return settings.resource_path + iri[len(base):] if iri.startswith(base) else None


def hit_json(hit: Hit) -> dict:
    return {
        "iri": hit.iri,
        "label": hit.label,
        "label_marks": [list(m) for m in hit.label_marks],
        "type": hit.type,
        "guide": hit.guide,
        "snippet": hit.snippet.text,
        "snippet_field": hit.snippet.field or None,
        "snippet_marks": [list(m) for m in hit.snippet.marks],
        "matched": list(hit.matched),
        "score": hit.score,
        "exact_title": hit.exact_title,
        "page": _page_href(hit.iri),
    }


@bp.get(API_PATH)
@json_errors
def api_search() -> Response:
    req = read_request()
    result = run(req)
    body = {"query": req.q, "total": result.total, "limit": req.limit, "offset": req.offset,
            "hits": [hit_json(h) for h in result.hits]}
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
    response.headers["Link"] = f'<{PAGE_PATH}?{urlencode({"q": req.q})}>; rel="alternate"; type="text/html"'
    return response


@bp.get(PAGE_PATH)
def search_page() -> Response:
    q = request.args.get("q", "")
    status, error, result, offset = 200, None, None, 0
    if q.strip():
        try:
            req = read_request(ignore=("lang",))
            offset = req.offset
            result = run(SearchRequest(req.q, PAGE_SIZE, req.offset))
        except GuideGraphError as exc:
            status, error = status_for(exc), str(exc)
    twin = url_for("search.api_search") + ("?" + urlencode({"q": q, "offset": offset}) if q.strip() else "")
    guide_titles = _guide_titles(result)
    response = page(
        "search.html", status=status, q=q, error=error, result=result, offset=offset, page_size=PAGE_SIZE,
        twin=twin, segments=segments, page_href=_page_href, guide_titles=guide_titles, max_chars=MAX_QUERY_CHARS,
        more_href=lambda at: url_for("search.search_page") + "?" + urlencode({"q": q, "offset": at}),
    )
    response.headers["Link"] = f'<{twin}>; rel="alternate"; type="application/json"'
    return response


def _guide_titles(result: Page | None) -> dict[str, str]:
    """The titles of the guides the hits belong to, from the index itself."""
    if result is None:
        return {}
    return _service().labels({h.guide for h in result.hits})


def install(app: Flask, store: GraphStore, settings: Settings) -> None:
    from guidegraph.search.service import index_directory

    directory = index_directory(settings.data_dir) if settings.data_dir else None
    service = app.extensions["guidegraph.search"] = SearchService(store, directory, refresh_seconds=settings.remote_refresh_seconds)
    app.register_blueprint(bp)
    links = app.extensions.get("guidegraph.links")
    if links is not None:  # its background writes change the data too
        links.after_write.append(service.refresh_in_background)

    @app.after_request
    def _refresh_after_write(response: Response) -> Response:
        # A write (Graph Store, SPARQL Update, publishing) changed the dataset: start the rebuild
        # now rather than at the next search. A read sent by POST finds the index current.
        if request.method in ("PUT", "POST", "DELETE", "PATCH") and response.status_code < 400:
            service.refresh_in_background()
        return response


# --- its OpenAPI description (merged into /api/openapi.json) ----------------------------

_SPANS = {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2},
          "description": "[start, end) character offsets of the matched terms"}
SEARCH_SCHEMAS = {
    "SearchHit": {
        "type": "object",
        "required": ["iri", "label", "label_marks", "type", "guide", "snippet", "snippet_field", "snippet_marks",
                     "matched", "score", "exact_title", "page"],
        "additionalProperties": False,
        "properties": {
            "iri": {"type": "string", "format": "iri", "description": "the resource found"},
            "label": {"type": "string", "description": "its title or name"},
            "label_marks": _SPANS,
            "type": {"type": "string", "description": "its class in the guidegraph ontology (local name), e.g. Direction"},
            "guide": {"type": "string", "format": "iri", "description": "the guide it belongs to (a guide's own IRI for a guide)"},
            "snippet": {"type": "string", "description": "plain text around the first match outside the title"},
            "snippet_field": {"enum": ["content", "indicators", "other", None]},
            "snippet_marks": _SPANS,
            "matched": {"type": "array", "items": {"enum": ["title", "content", "indicators", "other"]}},
            "score": {"type": "number", "description": "-bm25 over the weighted fields; higher is better"},
            "exact_title": {"type": "boolean", "description": "the title is the query; such hits come first"},
            "page": {"type": ["string", "null"], "description": "where this server describes the resource"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "total", "limit", "offset", "hits"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0, "description": "resources matching every term"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        },
    },
}


def search_paths() -> dict:
    from guidegraph.search.service import MAX_LIMIT, MAX_OFFSET

    error = {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {API_PATH: {"get": {
        "operationId": "search",
        "summary": "Full-text search of guides, programmes, fields, directions, research content, indicators and offices",
        "description": "Every whitespace-separated term must occur (Chinese matched as character bigrams, letters and "
                       "digits as words, case and width folded); hits ranked by bm25 with titles weighted most.",
        "tags": ["search"],
        "parameters": [
            {"name": "q", "in": "query", "required": True, "description": "what to search for",
             "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS}, "example": "CAR-T 肝癌"},
            {"name": "limit", "in": "query", "required": False, "description": "hits per page",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
            {"name": "offset", "in": "query", "required": False, "description": "hits to skip",
             "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}},
        ],
        "responses": {
            "200": {"description": "the hits", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResult"}}}},
            "400": {**error, "description": "q is missing, empty, too long or holds nothing searchable; a parameter is unknown, repeated or out of range"},
            "503": {**error, "description": "the store is unavailable while the index is rebuilt"},
        },
    }}}
