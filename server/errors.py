"""Map exceptions to HTTP statuses by type, with one-line plain-text bodies."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from guidegraph.errors import FileSystemError, GuideGraphError, StoreError, UsageError
from guidegraph.server.protocol import ProtocolError, one_line
from guidegraph.store.base import QuerySyntaxError, QueryTimeout, ServiceDisabled, StoreUnavailable

log = logging.getLogger("guidegraph.server")


def status_for(exc: BaseException) -> int:
    """The HTTP status an exception deserves (pure, so it is tested directly)."""
    if isinstance(exc, ProtocolError):
        return exc.status
    if isinstance(exc, (QuerySyntaxError, ServiceDisabled, UsageError)):
        return 400
    if isinstance(exc, (QueryTimeout, StoreUnavailable)):
        return 503
    if isinstance(exc, FileSystemError):
        # 507 Insufficient Storage (RFC 4918) names a full disk; other refusals of the machine are temporary unavailability
        return 507 if exc.reason == "no-space" else 503
    if isinstance(exc, HTTPException):
        return exc.code or 500
    if isinstance(exc, StoreError):
        return 500
    return 500


def _wants_page() -> bool:
    """A browser asking for a page gets the error as a page; every other client as one line of text."""
    from flask import has_request_context, request

    from guidegraph.server.protocol import negotiate

    if not has_request_context() or request.path.startswith(("/sparql", "/graph-store", "/api/")):
        return False
    hit = negotiate(request.headers.get("Accept"), [("text/plain", "text"), ("text/html", "html")])
    return bool(hit and hit[1] == "html" and "text/html" in (request.headers.get("Accept") or ""))


def _text(status: int, message: str) -> Response:
    if _wants_page():
        from flask import render_template

        try:
            page = render_template("error.html", status=status, message=one_line(message))
            response = Response(page, status=status, content_type="text/html; charset=utf-8")
        except Exception:  # noqa: BLE001 - an error page must never fail; fall back to text
            response = Response(one_line(message) + "\n", status=status, content_type="text/plain; charset=utf-8")
    else:
        response = Response(one_line(message) + "\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="guidegraph"'
    if status == 405:
        response.headers["Allow"] = "GET, POST"
    if status == 503:
        response.headers["Retry-After"] = "1"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(GuideGraphError)
    def _known(exc: GuideGraphError):
        status = status_for(exc)
        if status >= 500:
            log.error("store failure: %s", exc)
        return _text(status, str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        response = _text(exc.code or 500, exc.description or exc.name)
        for key in ("Allow",):
            if exc.get_headers() and dict(exc.get_headers()).get(key):
                response.headers[key] = dict(exc.get_headers())[key]
        return response

    @app.errorhandler(Exception)
    def _bug(exc: Exception):
        log.exception("internal error")
        return _text(500, f"internal server error ({type(exc).__name__}); this is a bug in guidegraph")
