"""The common SPARQL query, answered without Flask: GET /sparql?query=… with nothing unusual.

Flask and the hooks around every request (routing, contexts, language, CORS,
security headers) cost about as much as the engine answering a small query.
This lane takes the plain case (a GET of /sparql with only ``query`` and
dataset parameters, no credentials, no conditional or cross-origin headers)
and answers it with the same functions the Flask view uses: the protocol's
parsing and negotiation, the store (and its result cache), the validators,
compression and the access log.

The headers that do not depend on the request (Vary, CORS, security policy,
Cache-Control, the content type) are learnt from the first response Flask made
for the same kind of answer, so the two cannot drift apart; until then, and for
anything else, the request goes to Flask. A failure (syntax error, time limit)
is handed to Flask with the exception, and its error handlers write the answer.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs

from guidegraph.server.caching import cache_status, validator_headers, validators_for
from guidegraph.server.access_log import log_request
from guidegraph.server.http import compress_if_wanted, gzip_etag, server_timing
from guidegraph.server.protocol import choose_rdf_format, choose_result_format, parse_operation
from guidegraph.server.query_size import check_query_size
from guidegraph.store.base import Dataset
from guidegraph.store.results import scan_query

ERROR_KEY = "guidegraph.fast_lane.error"
PATH = "/sparql"
_PARAMS = {"query", "default-graph-uri", "named-graph-uri"}
_NOT_PLAIN = ("HTTP_ORIGIN", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_COOKIE",
              "HTTP_ACCESS_CONTROL_REQUEST_METHOD")
# Set per response, never learnt.
_OWN = {"content-length", "etag", "last-modified", "cache-control", "cache-status", "server-timing", "x-sparql-truncated",
        "content-encoding", "date", "server", "set-cookie"}


class SparqlFastLane:
    """WSGI middleware in front of the Flask app (behind the response cache)."""

    def __init__(self, wsgi_app, store, settings) -> None:
        self.wsgi_app = wsgi_app
        self.store = store
        self.settings = settings
        self._learnt: dict[tuple, list[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        plan = self._plain(environ)
        if plan is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        text, dataset, result_name, rdf_name, returns_graph, full_path, base_iri = plan
        try:
            answer = self.store.query(text, result_format=result_name, graph_format=rdf_name, dataset=dataset,
                                      timeout=self.settings.timeout, max_rows=self.settings.max_rows,
                                      base_iri=base_iri)
        except Exception as exc:  # noqa: BLE001 - Flask's error handlers answer it
            environ[ERROR_KEY] = exc
            return self.wsgi_app(environ, start_response)
        body = compress_if_wanted(answer.body, environ.get("HTTP_ACCEPT_ENCODING"), self.settings.gzip_min_bytes)
        shape = (answer.media_type, body is not answer.body)
        static = self._learnt.get(shape)
        if static is None:
            return self._learn(shape, answer.cache, environ, start_response)
        headers = list(static)
        validators = validators_for(self.store, rdf_name if returns_graph else result_name, full_path)
        if validators is not None:
            for name, value in validator_headers(validators):
                headers.append((name, gzip_etag(value) if name == "ETag" and shape[1] else value))
        if shape[1]:
            headers.append(("Content-Encoding", "gzip"))
        if answer.cache:
            headers.append(("Cache-Status", cache_status(answer.cache)))
        if answer.truncated:
            headers.append(("X-SPARQL-Truncated", f"results cut to the first {self.settings.max_rows} rows"))
        elapsed = (time.perf_counter() - started) * 1000
        headers += [("Content-Length", str(len(body))), ("Server-Timing", server_timing(elapsed))]
        start_response("200 OK", headers)
        log_request(environ.get("REMOTE_ADDR"), "GET", full_path, 200, elapsed)
        return [body]

    def _plain(self, environ):
        """What to run when the request is the plain case, else None."""
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != PATH or environ.get("SCRIPT_NAME"):
            return None
        if any(name in environ for name in _NOT_PLAIN):
            return None
        host = environ.get("HTTP_HOST")
        raw = environ.get("QUERY_STRING", "")
        if not host or not host.isascii() or not raw.isascii() or len(raw) > self.settings.max_request_bytes:
            return None
        params = parse_qs(raw, keep_blank_values=True)
        if not params.keys() <= _PARAMS or len(params.get("query", ())) != 1:
            return None
        try:
            op = parse_operation("GET", params, None, b"", None)
            if op.kind != "query" or not op.text:
                return None
            check_query_size(op.text, op.kind)
        except Exception:  # noqa: BLE001 - Flask says what is wrong with it
            return None
        shape = scan_query(op.text)
        if shape.uses_service or shape.form is None:
            return None
        accept = environ.get("HTTP_ACCEPT")
        result_fmt, rdf_fmt = _or_none(choose_result_format, accept), _or_none(choose_rdf_format, accept)
        if (rdf_fmt if shape.returns_graph else result_fmt) is None:
            return None  # 406: Flask's
        dataset = op.dataset if isinstance(op.dataset, Dataset) else Dataset()
        base_iri = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{PATH}"
        return (op.text, dataset, result_fmt.name if result_fmt else "json", rdf_fmt.name if rdf_fmt else "turtle",
                shape.returns_graph, f"{PATH}?{raw}", base_iri)

    def _learn(self, shape, cache: str | None, environ, start_response):
        """Let Flask answer (the query's answer is kept now, so it does not run again) and keep the
        headers of its response that any answer of this shape has."""

        def capture(status, headers, exc_info=None):
            if status.startswith("200"):
                static = [(k, v) for k, v in headers if k.lower() not in _OWN]
                with self._lock:
                    self._learnt.setdefault(shape, static)
                if cache:  # Flask found the answer the lane had just kept; this request ran it
                    headers = [(k, v) for k, v in headers if k.lower() != "cache-status"]
                    headers.append(("Cache-Status", cache_status(cache)))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, capture)


def _or_none(choose, accept):
    try:
        return choose(accept, None)
    except Exception:  # noqa: BLE001 - no acceptable format: Flask answers 406
        return None
