"""ETag / Last-Modified from the dataset version, so clients can cache reads."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Callable

from flask import Response, request
from werkzeug.http import http_date, parse_date

from guidegraph.formats import RdfFormat
from guidegraph.server.protocol import NotAcceptable, choose_rdf_format
from guidegraph.store.base import GraphStore


@dataclass(frozen=True)
class Validators:
    """The cache validators of one representation, computed once per request."""

    etag: str
    modified: float


def validators_for(store: GraphStore, representation: str, full_path: str | None = None) -> Validators | None:
    """``full_path``: path and query string of the request (default: Flask's request)."""
    version = store.cache_version()
    if version is None:
        return None
    token, counter = version
    digest = hashlib.sha1(f"{request.full_path if full_path is None else full_path}|{representation}".encode()).hexdigest()[:12]
    return Validators(f'"{token}-{counter}-{digest}"', store.cache_modified())


# Formatting the date was a tenth of a small query's time in the server; it changes only with a write.
_http_date = functools.lru_cache(maxsize=64)(http_date)


def validator_headers(validators: Validators) -> list[tuple[str, str]]:
    return [("ETag", validators.etag), ("Last-Modified", _http_date(validators.modified)),
            ("Cache-Control", "no-cache")]  # cache, but revalidate


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
        for name, value in validator_headers(validators):
            response.headers[name] = value
    return response


def rdf_representation(store: GraphStore, key: str, unavailable: str,
                       produce: Callable[[RdfFormat], bytes | Response]) -> Response:
    """Answer a GET for an RDF document: negotiate the format, answer 304 while the client's
    copy is current, else ``produce`` the body (or a whole response, e.g. a 404)."""
    fmt = choose_rdf_format(request.headers.get("Accept"), request.args.get("format"))
    if fmt is None:
        raise NotAcceptable(unavailable)
    validators = validators_for(store, f"{key}-{fmt.name}")
    if not_modified(validators):
        return with_validators(Response(status=304), validators)
    body = produce(fmt)
    if isinstance(body, Response):
        return body
    return with_validators(Response(body, content_type=f"{fmt.media_type}; charset=utf-8"), validators)


# RFC 9211: whether the answer came from the result cache (store.result_cache).
CACHE_NAME = "guidegraph"


def mark_cache_status(response: Response, *answers) -> None:
    """Say in the response whether its query answer(s) came from the result cache (all must have)."""
    statuses = [a.cache for a in answers if a is not None and a.cache]
    if not statuses:
        return
    response.headers["Cache-Status"] = cache_status("hit" if all(s == "hit" for s in statuses) else "miss")


def cache_status(cache: str) -> str:
    return f"{CACHE_NAME}; hit" if cache == "hit" else f"{CACHE_NAME}; fwd=miss; stored"
