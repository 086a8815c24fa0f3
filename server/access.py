"""Write access: SPARQL Update and Graph Store writes need the configured token."""

from __future__ import annotations

import hmac

from flask import current_app, request

from guidegraph.server.protocol import ProtocolError, bearer_token


class Unauthorized(ProtocolError):
    status = 401


class Forbidden(ProtocolError):
    status = 403


def check_write(configured: str | None, authorization: str | None) -> None:
    """Raise 403 when writes are off or the token is wrong, 401 when none was sent."""
    if not configured:
        raise Forbidden("this endpoint is read-only (no write token is configured)")
    given = bearer_token(authorization)
    if given is None:
        raise Unauthorized("writes need 'Authorization: Bearer <write token>'")
    if not hmac.compare_digest(given.encode(), configured.encode()):
        raise Forbidden("the write token is not valid")


def require_write() -> None:
    settings = current_app.extensions["guidegraph.settings"]
    check_write(settings.write_token, request.headers.get("Authorization"))
