"""Cross-cutting HTTP behaviour: Vary, gzip, security headers, and one log line per request."""

from __future__ import annotations

import gzip
import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("guidegraph.access")

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
            _accepts_gzip(request.headers.get("Accept-Encoding"))
            and not response.direct_passthrough
            and response.status_code == 200
            and "Content-Encoding" not in response.headers
        ):
            data = response.get_data()
            if len(data) >= gzip_min_bytes:
                response.set_data(gzip.compress(data, compresslevel=5))
                response.headers["Content-Encoding"] = "gzip"
                etag = response.headers.get("ETag")
                if etag and not etag.startswith("W/"):
                    response.headers["ETag"] = etag[:-1] + '-gz"'
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %d %.1fms", request.remote_addr, request.method, request.full_path.rstrip("?")[:300], response.status_code, elapsed)
        response.headers["Server-Timing"] = f"total;dur={elapsed:.1f}"
        return response
