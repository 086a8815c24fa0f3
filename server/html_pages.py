"""HTML responses of the query pages: rendered templates with a strict Content-Security-Policy.

Scripts come only from this server and never inline, so a literal from a
guide that slipped through escaping still could not run. Styles are as strict
except where a page embeds a widget that positions its parts with inline
styles (the YASGUI editor and its result table do, and CodeMirror with it);
inline styles cannot run code.
"""

from __future__ import annotations

from flask import Response, render_template



def content_security_policy(inline_styles: bool = False) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'" if inline_styles else "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def page(template: str, status: int = 200, inline_styles: bool = False, **context) -> Response:
    response = Response(render_template(template, **context), status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = content_security_policy(inline_styles)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
