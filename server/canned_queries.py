"""Canned queries (Datasette's model): each query in queries/ as a page and as an API.

- ``/queries/`` lists them; ``/queries/NAME`` shows one: its description, a
  form for its parameters, the results as a table and the SPARQL that ran.
- ``/api/queries`` lists them as JSON; ``/api/queries/NAME`` answers JSON
  (default) or CSV, chosen by suffix (``NAME.json``, ``NAME.csv``) or by
  ``Accept``. Parameters come from the query string, are checked against the
  query's header and bound by ``CannedQuery.bind``; mistakes are 400 with a
  JSON body ``{"error": {"status", "message", "parameter"}}``.

Each page names its machine twin with ``<link rel="alternate">``.
"""

from __future__ import annotations

import functools
import json
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, request, url_for
from werkzeug.exceptions import HTTPException, NotFound

from guidegraph.errors import GuideGraphError
from guidegraph.queries import CannedQuery, ParameterError, load_queries
from guidegraph.server.caching import mark_cache_status
from guidegraph.server.errors import status_for
from guidegraph.server.html_pages import page
from guidegraph.server.protocol import negotiate
from guidegraph.server.result_table import ResultTable, from_sparql_json, local_href, short_name, to_csv
from guidegraph.server.settings import Settings
from guidegraph.store.base import GraphStore, QueryAnswer

bp = Blueprint("canned_queries", __name__)

PAGES = "/queries"
API = "/api/queries"
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}
PAGE_ROWS = 1000  # rows drawn on an HTML page; the API gives up to the server's max_rows


@functools.lru_cache(maxsize=1)
def queries() -> dict[str, CannedQuery]:
    return {q.slug: q for q in load_queries()}


def find(name: str) -> CannedQuery:
    for query in queries().values():
        if name in (query.slug, query.name):
            return query
    raise NotFound(f"no query named {name!r}; the list is at {API}")


def given_parameters(query: CannedQuery, ignore: tuple[str, ...] = ()) -> dict[str, str]:
    """The request's query-string parameters (less ``ignore``); a repeated one is a mistake, not a silent pick."""
    given = {}
    for key in request.args:
        if key in ignore:
            continue
        values = request.args.getlist(key)
        if len(values) > 1:
            raise ParameterError(f"parameter {key} is given {len(values)} times; give it once", key)
        given[key] = values[0]
    return given


def effective_values(query: CannedQuery, given: dict[str, str]) -> dict[str, object]:
    """Each parameter's value as the query sees it: the given one, else the default."""
    out = {}
    for param in query.parameters:
        raw = given.get(param.name)
        value = param.parse(raw if raw not in (None, "") else param.default)
        out[param.name] = value if isinstance(value, (int, str)) else str(value)
    return out


def run(query: CannedQuery, given: dict[str, str], max_rows: int | None) -> tuple[str, ResultTable]:
    """Bind, run and tabulate; returns the SPARQL that ran and its table."""
    text, answer = run_answer(current_app.extensions["guidegraph.store"], current_app.extensions["guidegraph.settings"],
                              query, given, max_rows)
    g.query_answers = (*g.get("query_answers", ()), answer)  # for the Cache-Status header
    return text, from_sparql_json(answer.body, answer.truncated)


def run_answer(store: GraphStore, settings: Settings, query: CannedQuery, given: dict[str, str],
               max_rows: int | None) -> tuple[str, QueryAnswer]:
    """The store's answer to a canned query (also how the cache is warmed: same request, same key)."""
    text = query.bind(given, strict=True)
    limits = [x for x in (max_rows, settings.max_rows) if x]
    limit = min(limits) if limits else None
    return text, store.query(text, result_format="json", graph_format="turtle", timeout=settings.timeout, max_rows=limit)


def describe(query: CannedQuery) -> dict:
    """A query's entry in the API's list (the OpenAPI document is built from the same headers)."""
    return {
        "name": query.slug,
        "title": query.title,
        "description": query.description,
        "parameters": [
            {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "description": p.description}
            for p in query.parameters
        ],
        "page": url_for("canned_queries.query_page", name=query.slug),
        "api": url_for("canned_queries.api_query", name=query.slug),
    }


# --- the API ------------------------------------------------------------------

def _json(doc: dict, status: int = 200) -> Response:
    return Response(json.dumps(doc, ensure_ascii=False), status=status, mimetype="application/json")


def json_errors(view):
    """Errors of API views as JSON with the status they deserve (never a traceback)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except HTTPException as exc:
            return _error(exc.code or 500, exc.description or exc.name)
        except GuideGraphError as exc:
            status = status_for(exc)
            if status >= 500:
                current_app.logger.error("canned query failed: %s", exc)
            return _error(status, str(exc), getattr(exc, "parameter", None))

    return wrapper


def _error(status: int, message: str, parameter: str | None = None) -> Response:
    response = _json({"error": {"status": status, "message": " ".join(message.split()), "parameter": parameter}}, status)
    if status == 503:
        response.headers["Retry-After"] = "1"
    return response


@bp.get(API)
@bp.get(API + ".json")
@json_errors
def api_index() -> Response:
    return _json({"queries": [describe(q) for q in queries().values()]})


@bp.get(API + "/<name>")
@json_errors
def api_query(name: str) -> Response:
    name, fmt = _split_suffix(name)
    query = find(name)
    if fmt is None:
        hit = negotiate(request.headers.get("Accept"), [(m, f) for f, m in MEDIA_TYPES.items()])
        if hit is None:
            raise _NotAcceptable()
        fmt = hit[1]
    given = given_parameters(query)
    _, table = run(query, given, None)
    if fmt == "csv":
        response = Response(to_csv(table), mimetype="text/csv")
    else:
        response = _json(
            {
                "query": query.slug,
                "title": query.title,
                "parameters": effective_values(query, given),
                "columns": table.columns,
                "rows": table.rows,
                "truncated": table.truncated,
            }
        )
    if table.truncated:
        response.headers["X-SPARQL-Truncated"] = "results cut to the server's maximum number of rows"
    mark_cache_status(response, *g.get("query_answers", ()))
    response.vary.add("Accept")
    return response


class _NotAcceptable(HTTPException):
    code = 406
    description = "this query answers application/json or text/csv (or add .json / .csv to the path)"


def _split_suffix(name: str) -> tuple[str, str | None]:
    stem, dot, ext = name.rpartition(".")
    if dot and ext in MEDIA_TYPES:
        return stem, ext
    return name, None


# --- the pages ----------------------------------------------------------------

@bp.get(PAGES + "/")
def index() -> Response:
    return page(
        "queries/index.html",
        queries=list(queries().values()),
        alternate=url_for("canned_queries.api_index"),
    )


@bp.get(PAGES + "/<name>")
def query_page(name: str) -> Response:
    query = find(name)
    status, error, table, text = 200, None, None, None
    try:
        given = given_parameters(query, ignore=("lang",))
        # A first visit (nothing submitted) runs the query with the defaults in its file.
        submitted = given if given else {p.name: p.default for p in query.parameters}
        text, table = run(query, submitted, PAGE_ROWS)
        form_values = {p.name: submitted.get(p.name, "") for p in query.parameters}
    except GuideGraphError as exc:
        status, error = status_for(exc), str(exc)
        form_values = {p.name: request.args.get(p.name, "") for p in query.parameters}
    # The twin answers for the values the page ran with (the defaults on a first visit).
    twin_args = urlencode({k: v for k, v in form_values.items() if v != ""})
    suffix = ("?" + twin_args) if twin_args else ""
    settings = current_app.extensions["guidegraph.settings"]
    return page(
        "queries/query.html",
        status=status,
        query=query,
        form_values=form_values,
        table=table,
        sparql=text or query.text,
        error=error,
        json_href=url_for("canned_queries.api_query", name=query.slug + ".json") + suffix,
        csv_href=url_for("canned_queries.api_query", name=query.slug + ".csv") + suffix,
        editor_href=url_for("query_page.query_editor") + "?" + urlencode({"query": text or query.text}),
        short_name=functools.partial(short_name, base=settings.data_base_iri),
        local_href=functools.partial(local_href, base=settings.data_base_iri, resource_path=settings.resource_path),
    )
