"""Whole responses kept for the dataset version, answered before Flask is reached.

Most of a small query's time on the server is Flask's and ours around the
engine (routing, negotiation, validators, CORS, headers): about 1 ms, against
0.1 ms for handing back bytes. A repeated GET of a query answer is answered
here from the status, headers and body kept the first time.

What is kept: 200 responses to GET whose answer came through the store's
result cache (they carry ``Cache-Status``, so the query is one whose answer
may be repeated) and that carry the dataset-version ETag. The key holds every
request header such a response can depend on (``Vary`` and the ones pages
read: Host, Cookie, Accept-Language, Origin), so a kept response is exactly the
one Flask would give. A request with credentials is never answered from here.
"""

from __future__ import annotations

import time

from guidegraph.server.caching import cache_status
from guidegraph.server.access_log import log_request
from guidegraph.server.http import server_timing
from guidegraph.store.versioned_cache import MISSING, VersionedCache

_KEY_HEADERS = ("HTTP_HOST", "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT_LANGUAGE", "HTTP_COOKIE",
                "HTTP_ORIGIN", "HTTP_ACCESS_CONTROL_REQUEST_METHOD", "wsgi.url_scheme", "SCRIPT_NAME")
_SKIPPED_ON_HIT = ("cache-status", "server-timing")


class ResponseCache:
    """WSGI middleware in front of the Flask app."""

    def __init__(self, wsgi_app, store, budget: int) -> None:
        self.wsgi_app = wsgi_app
        self.store = store
        self.kept = VersionedCache(budget > 0, budget=budget)

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        version = self.store.cache_version()
        if (method not in ("GET", "HEAD") or not self.kept.enabled or version is None
                or "HTTP_AUTHORIZATION" in environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
               *(environ.get(name) for name in _KEY_HEADERS))
        kept = self.kept.lookup(self.store, key)
        if kept is not MISSING:
            return self._answer(kept, environ, start_response, started)
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        if not captured.get("status", "").startswith("200") or not _storable(captured["headers"]):
            return body
        try:
            chunks = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close:
                close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() not in _SKIPPED_ON_HIT]
        if method == "GET":  # a HEAD answer has no body to give a later GET
            self.kept.keep(self.store, key, (headers, chunks), size=len(chunks) + 64 * len(headers), version=version)
        return [chunks]

    def _answer(self, kept, environ, start_response, started: float):
        headers, body = kept
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if etag and inm and (inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]):
            status, out = "304 Not Modified", []
            headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-type", "content-encoding")]
        else:
            status, out = "200 OK", ([] if environ.get("REQUEST_METHOD") == "HEAD" else [body])
        elapsed = (time.perf_counter() - started) * 1000
        start_response(status, [*headers, ("Cache-Status", cache_status("hit")),
                                ("Server-Timing", server_timing(elapsed))])
        path = environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        log_request(environ.get("REMOTE_ADDR"), environ.get("REQUEST_METHOD", ""), path, int(status[:3]), elapsed)
        return out


def _storable(headers) -> bool:
    names = {k.lower(): v for k, v in headers}
    return ("cache-status" in names and "etag" in names and "set-cookie" not in names
            and "no-store" not in names.get("cache-control", ""))
