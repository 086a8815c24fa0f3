"""Cross-cutting HTTP behaviour: Vary, gzip, security headers, and one log line per request."""

from __future__ import annotations

import gzip
import time

from flask import Flask, Response, g, request

from guidegraph.server.access_log import log_request

# Pages load only our own files: no inline script or style, no other origin, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def _accepts_gzip(header: str | None) -> bool:
    for item in (header or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return "q=0" not in params.replace(" ", "") or "q=0." in params.replace(" ", "")
    return False


def install(app: Flask, gzip_min_bytes: int) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.vary.add("Accept")
        response.vary.add("Accept-Encoding")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if (
            response.status_code == 200
            and not response.direct_passthrough
            and "Content-Encoding" not in response.headers
        ):
            data = response.get_data()
            compressed = compress_if_wanted(data, request.headers.get("Accept-Encoding"), gzip_min_bytes)
            if compressed is not data:
                response.set_data(compressed)
                response.headers["Content-Encoding"] = "gzip"
                etag = response.headers.get("ETag")
                if etag:
                    response.headers["ETag"] = gzip_etag(etag)
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log_request(request.remote_addr, request.method, request.full_path.rstrip("?"), response.status_code, elapsed)
        response.headers["Server-Timing"] = server_timing(elapsed)
        return response


def server_timing(elapsed_ms: float) -> str:
    """The Server-Timing value of every answer. Hundredths of a millisecond: most answers from
    the caches and many from the engine take well under one, which tenths would round away."""
    return f"total;dur={elapsed_ms:.2f}"


def compress_if_wanted(data: bytes, accept_encoding: str | None, min_bytes: int) -> bytes:
    """``data`` gzip-compressed when the client takes gzip and it is worth it, else ``data`` itself."""
    if len(data) >= min_bytes and _accepts_gzip(accept_encoding):
        return gzip.compress(data, compresslevel=5)
    return data


def gzip_etag(etag: str) -> str:
    """The compressed representation's own (strong) validator."""
    return etag if etag.startswith("W/") else etag[:-1] + '-gz"'
