"""One representation decision per request: HTML or an RDF format, by path suffix or Accept.

A view hands ``represent`` the producers of its twins (an HTML renderer,
an RDF serialiser); this module picks one, answers 304 while the client's
copy is current, sets ``Vary``, ``Link: rel=alternate`` to every twin,
``Content-Location``, ETag and Last-Modified, and refuses with 406 and the
list of what is available. No route negotiates on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Response, current_app, g, request

from guidegraph.formats import RDF_FORMATS, RdfFormat
from guidegraph.server.caching import not_modified, validators_for, with_validators
from guidegraph.server.protocol import negotiate

HTML_TYPE = "text/html"
HTML_SUFFIX = ".html"
# The suffixes a resource answers (every extension of each format: .owl and .xml too) and
# the one each twin is linked under (its format's first extension).
RDF_SUFFIXES: dict[str, RdfFormat] = {ext: fmt for fmt in RDF_FORMATS for ext in fmt.extensions}
TWIN_SUFFIXES: dict[str, RdfFormat] = {fmt.extension: fmt for fmt in RDF_FORMATS}


@dataclass(frozen=True)
class Twins:
    """What one resource can be had as: ``html`` renders the page, ``rdf`` serialises in a format."""

    html: Callable[[], str] | None
    rdf: Callable[[RdfFormat], bytes] | None
    key: str  # what the resource is, for validators (e.g. its IRI)


def split_suffix(path: str) -> tuple[str, str | None]:
    """("doc/x", ".ttl") for "doc/x.ttl"; (path, None) when it ends in no suffix we serve."""
    for suffix in sorted((HTML_SUFFIX, *RDF_SUFFIXES), key=len, reverse=True):  # .json-ld before .ld
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], suffix
    return path, None


def _candidates(twins: Twins) -> list[tuple[str, str]]:
    out = [(HTML_TYPE, "html")] if twins.html else []
    if twins.rdf:
        out += [(fmt.media_type, fmt.name) for fmt in RDF_FORMATS]
        out += [(alias, fmt.name) for fmt in RDF_FORMATS for alias in fmt.aliases if "/" in alias]
    return out


def choose(twins: Twins, suffix: str | None, accept: str | None) -> str | RdfFormat | None:
    """"html", an RdfFormat, or None when nothing the client accepts is available."""
    if suffix == HTML_SUFFIX:
        return "html" if twins.html else None
    if suffix:
        return RDF_SUFFIXES[suffix] if twins.rdf else None
    hit = negotiate(accept, _candidates(twins))
    if hit is None:
        return None
    return "html" if hit[1] == "html" else next(f for f in RDF_FORMATS if f.name == hit[1])


def alternate_links(twins: Twins, stem_url: str) -> list[str]:
    links = []
    if twins.html:
        links.append(f'<{stem_url}{HTML_SUFFIX}>; rel="alternate"; type="{HTML_TYPE}"')
    if twins.rdf:
        links += [f'<{stem_url}{suffix}>; rel="alternate"; type="{fmt.media_type}"' for suffix, fmt in TWIN_SUFFIXES.items()]
    return links


def not_acceptable(twins: Twins) -> Response:
    offered = sorted({media for media, _ in _candidates(twins)})
    body = "Not Acceptable: this resource is available as " + ", ".join(offered) + "\n"
    return Response(body, status=406, content_type="text/plain; charset=utf-8")


def represent(twins: Twins, stem_url: str, suffix: str | None) -> Response:
    """The response for a GET of a resource whose twins live at ``stem_url`` + suffix."""
    chosen = choose(twins, suffix, request.headers.get("Accept"))
    if chosen is None:
        response = not_acceptable(twins)
        response.headers["Link"] = ", ".join(alternate_links(twins, stem_url))
        return response
    name = "html" if chosen == "html" else chosen.name
    store = current_app.extensions["guidegraph.store"]
    validators = validators_for(store, f"{twins.key}|{name}|{request.cookies.get('lang', '')}")
    if not_modified(validators):
        response = with_validators(Response(status=304), validators)
    else:
        pages = current_app.extensions["guidegraph.pages"]
        lang = g.get("lang", "zh")
        if chosen == "html":
            body = pages.get_or_make(store, (twins.key, "html", lang), twins.html)
            response = Response(body, content_type="text/html; charset=utf-8")
        else:
            body = pages.get_or_make(store, (twins.key, chosen.name), lambda: twins.rdf(chosen))
            response = Response(body, content_type=chosen.charset_media_type)
    response.headers["Link"] = ", ".join(alternate_links(twins, stem_url))
    if suffix is None:
        response.vary.add("Accept")
        response.headers["Content-Location"] = stem_url + (HTML_SUFFIX if chosen == "html" else chosen.extension)
    return with_validators(response, validators)
