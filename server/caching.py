"""ETag / Last-Modified from the dataset version, so clients can cache reads."""

from __future__ import annotations

import hashlib

from flask import Response, request
from werkzeug.http import http_date, parse_date

from guidegraph.store.base import GraphStore


def etag_for(store: GraphStore, representation: str) -> str | None:
    if not store.tracks_version:
        return None
    v = store.version
    digest = hashlib.sha1(f"{request.full_path}|{representation}".encode()).hexdigest()[:12]
    return f'"{v.token}-{v.counter}-{digest}"'


def not_modified(store: GraphStore, representation: str) -> bool:
    """True when the client's cached copy is still current."""
    tag = etag_for(store, representation)
    if tag is None:
        return False
    inm = request.headers.get("If-None-Match")
    if inm:
        return tag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = parse_date(request.headers.get("If-Modified-Since"))
    if ims is not None:
        return int(store.version.modified) <= int(ims.timestamp())
    return False


def with_validators(response: Response, store: GraphStore, representation: str) -> Response:
    tag = etag_for(store, representation)
    if tag is not None:
        response.headers["ETag"] = tag
        response.headers["Last-Modified"] = http_date(store.version.modified)
        response.headers["Cache-Control"] = "no-cache"  # cache, but revalidate
    return response
