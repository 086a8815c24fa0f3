"""The SPARQL 1.1 Protocol endpoint: /sparql for queries and updates."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from guidegraph.formats import RDF_FORMATS
from guidegraph.server import query_page, service_description
from guidegraph.server.access import require_write
from guidegraph.server.caching import mark_cache_status, not_modified, validators_for, with_validators
from guidegraph.server.query_size import check_query_size
from guidegraph.server.protocol import (
    FORM,
    NotAcceptable,
    ProtocolError,
    apply_update_dataset,
    choose_rdf_format,
    choose_result_format,
    parse_operation,
    split_media_type,
)
from guidegraph.server.settings import Settings
from guidegraph.server.sparql_fast_lane import ERROR_KEY
from guidegraph.store.base import GraphStore, ServiceDisabled
from guidegraph.store.results import scan_query

bp = Blueprint("sparql", __name__)

ENDPOINT_PATH = "/sparql"


def _params(multidict) -> dict[str, list[str]]:
    return {key: multidict.getlist(key) for key in multidict.keys()}


@bp.route(ENDPOINT_PATH, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def endpoint():
    failed = request.environ.pop(ERROR_KEY, None)
    if failed is not None:
        raise failed  # the fast lane ran this query and it failed: the error handlers answer
    settings: Settings = current_app.extensions["guidegraph.settings"]
    store: GraphStore = current_app.extensions["guidegraph.store"]
    if len(request.query_string) > settings.max_request_bytes:
        raise ProtocolError("the request URL is longer than the configured maximum request size", 413)
    media, _ = split_media_type(request.content_type)
    body = request.get_data(cache=True) if request.method == "POST" else b""
    form = _params(request.form) if request.method == "POST" and media == FORM else None
    op = parse_operation(request.method, _params(request.args), request.content_type, body, form)
    if op.text:
        check_query_size(op.text, op.kind)  # before it reaches a parser that could overflow its stack
    if op.kind == "description":
        if request.method in ("GET", "HEAD") and not request.args.get("format") and query_page.wants_html([f.media_type for f in RDF_FORMATS]):
            return query_page.render_editor()  # a browser opening the endpoint gets the editor
        return service_description.respond()
    if op.kind == "update":
        text = apply_update_dataset(op.text, op.using_graphs, op.using_named_graphs)
        require_write()
        if scan_query(text).uses_service and not settings.allow_service:
            raise ServiceDisabled("federated SERVICE is disabled on this endpoint, in updates too")
        store.update(text, base_iri=request.base_url, timeout=settings.timeout)
        return Response(status=204)
    return run_query(op.text, op.dataset, store, settings)


def run_query(text, dataset, store: GraphStore, settings: Settings) -> Response:
    shape = scan_query(text)
    if shape.uses_service and not settings.allow_service:
        raise ServiceDisabled("federated SERVICE queries are disabled on this endpoint")
    format_param = request.args.get("format")
    if not format_param and request.method == "POST":
        format_param = request.form.get("format")
    accept = request.headers.get("Accept")
    result_fmt = _try(lambda: choose_result_format(accept, format_param))
    rdf_fmt = _try(lambda: choose_rdf_format(accept, format_param))
    wanted = rdf_fmt if shape.returns_graph else result_fmt
    if wanted is None and shape.form is not None:
        kind = "RDF graph" if shape.returns_graph else "SPARQL results"
        raise NotAcceptable(f"cannot produce any {kind} format the request accepts ({format_param or accept})")
    result_name = result_fmt.name if result_fmt else "json"
    rdf_name = rdf_fmt.name if rdf_fmt else "turtle"
    tag_key = f"{rdf_name if shape.returns_graph else result_name}"
    validators = validators_for(store, tag_key) if request.method in ("GET", "HEAD") else None
    if not_modified(validators):
        return with_validators(Response(status=304), validators)
    timeout = _timeout(settings)
    answer = store.query(
        text,
        result_format=result_name,
        graph_format=rdf_name,
        dataset=dataset,
        timeout=timeout,
        max_rows=settings.max_rows,
        base_iri=request.base_url,
    )
    response = Response(answer.body, content_type=_with_charset(answer.media_type))
    mark_cache_status(response, answer)
    if answer.truncated:
        response.headers["X-SPARQL-Truncated"] = f"results cut to the first {settings.max_rows} rows"
    return with_validators(response, validators)


def _try(choose):
    try:
        return choose()
    except NotAcceptable:
        return None


def _timeout(settings: Settings) -> float | None:
    """The configured limit, or a shorter one the client asks for with ``timeout=``."""
    limit = settings.timeout
    asked = request.args.get("timeout")
    if asked:
        try:
            value = float(asked)
        except ValueError:
            raise ProtocolError(f"timeout must be a number of seconds, not {asked!r}") from None
        if value > 0:
            limit = min(limit, value) if limit else value
    return limit


def _with_charset(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith(("json", "xml")) or media_type in (
        "application/n-triples",
        "application/n-quads",
        "application/trig",
    ):
        return f"{media_type}; charset=utf-8"
    return media_type
