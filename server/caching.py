"""ETag / Last-Modified from the dataset version, so clients can cache reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Response, request
from werkzeug.http import http_date, parse_date

from guidegraph.store.base import GraphStore


@dataclass(frozen=True)
class Validators:
    """The cache validators of one representation, computed once per request."""

    etag: str
    modified: float


def validators_for(store: GraphStore, representation: str) -> Validators | None:
    if not store.tracks_version:
        return None
    v = store.version
    digest = hashlib.sha1(f"{request.full_path}|{representation}".encode()).hexdigest()[:12]
    return Validators(f'"{v.token}-{v.counter}-{digest}"', v.modified)


def not_modified(validators: Validators | None) -> bool:
    """True when the client's cached copy is still current."""
    if validators is None:
        return False
    inm = request.headers.get("If-None-Match")
    if inm:
        return validators.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = parse_date(request.headers.get("If-Modified-Since"))
    if ims is not None:
        return int(validators.modified) <= int(ims.timestamp())
    return False


def with_validators(response: Response, validators: Validators | None) -> Response:
    if validators is not None:
        response.headers["ETag"] = validators.etag
        response.headers["Last-Modified"] = http_date(validators.modified)
        response.headers["Cache-Control"] = "no-cache"  # cache, but revalidate
    return response
