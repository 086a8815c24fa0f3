"""SPARQL 1.1 Protocol request parsing and content negotiation, without HTTP.

Functions here take plain values (method, media type, decoded parameters,
body bytes) so they are tested directly; the blueprints only adapt Flask's
request to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Iterable, Mapping, Sequence

from guidegraph.errors import UsageError
from guidegraph.formats import RDF_FORMATS, RdfFormat
from guidegraph.store.base import Dataset, check_iri
from guidegraph.store.results import RESULT_FORMATS, ResultFormat, blank_opaque


class ProtocolError(UsageError):
    """A request the protocol does not allow; carries the HTTP status."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class NotAcceptable(ProtocolError):
    status = 406


class UnsupportedMediaType(ProtocolError):
    status = 415


FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    """One protocol operation: a query or an update, with its dataset."""

    kind: str  # "query", "update" or "description" (GET without query)
    text: str = ""
    dataset: Dataset = Dataset()
    using_graphs: tuple[str, ...] | None = None
    using_named_graphs: tuple[str, ...] | None = None


def split_media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """``text/turtle; charset=UTF-8`` -> ("text/turtle", {"charset": "UTF-8"})."""
    if not header:
        return "", {}
    parts = header.split(";")
    params = {}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        if key.strip():
            params[key.strip().lower()] = value.strip().strip('"')
    return parts[0].strip().lower(), params


def decode_utf8(body: bytes, params: Mapping[str, str]) -> str:
    """Decode a request body that the protocol requires to be UTF-8."""
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(f"request bodies must be UTF-8, not {params['charset']}", 415)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"request body is not valid UTF-8 (byte {exc.start})") from None


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise ProtocolError(f"the {name!r} parameter must be given once, it was given {len(values)} times")
    return values[0] if values else None


def _graphs(params: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...] | None:
    values = params.get(name)
    return tuple(values) if values else None


def parse_operation(
    method: str,
    url_params: Mapping[str, Sequence[str]],
    content_type: str | None,
    body: bytes,
    form_params: Mapping[str, Sequence[str]] | None = None,
) -> Operation:
    """Turn a protocol request into an Operation, or raise ProtocolError.

    ``url_params`` and ``form_params`` map names to all their (decoded once)
    values; ``form_params`` is the parsed body of a form POST.
    """
    method = method.upper()
    if method in ("GET", "HEAD"):
        params = url_params
        if "update" in params:
            raise ProtocolError("SPARQL Update must be sent by POST", 405)
        query = _single(params, "query")
        if query is None:
            return Operation("description")
        return Operation("query", query, _dataset(params))
    if method != "POST":
        raise ProtocolError(f"method {method} is not allowed here; use GET or POST", 405)
    media, mparams = split_media_type(content_type)
    if not media:
        raise ProtocolError("a POST needs a Content-Type: application/x-www-form-urlencoded, application/sparql-query or application/sparql-update", 415)
    if media == FORM:
        decode_utf8(body, mparams)  # rejects UTF-16 and other encodings
        params = _merge(url_params, form_params or {})
        query, update = _single(params, "query"), _single(params, "update")
        if query is not None and update is not None:
            raise ProtocolError("give either 'query' or 'update', not both")
        if query is not None:
            return Operation("query", query, _dataset(params))
        if update is not None:
            return _update(update, params)
        raise ProtocolError("the form has neither a 'query' nor an 'update' parameter")
    if media == SPARQL_QUERY:
        return Operation("query", decode_utf8(body, mparams), _dataset(url_params))
    if media == SPARQL_UPDATE:
        return _update(decode_utf8(body, mparams), url_params)
    raise UnsupportedMediaType(f"cannot take a body of type {media}; use {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}")


def _merge(*sources: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for source in sources:
        for key, values in source.items():
            merged.setdefault(key, []).extend(values)
    return merged


def _dataset(params: Mapping[str, Sequence[str]]) -> Dataset:
    return Dataset(_graphs(params, "default-graph-uri"), _graphs(params, "named-graph-uri"))


def _update(text: str, params: Mapping[str, Sequence[str]]) -> Operation:
    return Operation("update", text, Dataset(), _graphs(params, "using-graph-uri"), _graphs(params, "using-named-graph-uri"))


# --- content negotiation -----------------------------------------------------

@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match (2 exact, 1 type/*, 0 */*), or -1."""
        t, _, s = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type == t and self.subtype == "*":
            return 1
        if self.type == t and self.subtype == s:
            return 2
        return -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an Accept header; an absent or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, item in enumerate(header.split(",")):
        media, params = split_media_type(item)
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = 1.0
        t, _, s = media.partition("/")
        ranges.append(MediaRange(t, s, max(0.0, min(q, 1.0)), order))
    return ranges


def _candidates_rdf() -> list[tuple[str, str]]:
    out = [(f.media_type, f.name) for f in RDF_FORMATS]
    out += [(alias, f.name) for f in RDF_FORMATS for alias in f.aliases if "/" in alias]
    return out


def _candidates_results() -> list[tuple[str, str]]:
    out = [(f.media_type, f.name) for f in RESULT_FORMATS]
    out += [(alias, f.name) for f in RESULT_FORMATS for alias in f.aliases if "/" in alias]
    return out


RESULT_CANDIDATES = _candidates_results()
RDF_CANDIDATES = _candidates_rdf()


def negotiate(accept: str | None, candidates: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The (media type, format name) the client prefers, server order breaking ties."""
    ranges = parse_accept(accept)
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for index, (media_type, name) in enumerate(candidates):
        # The most specific range that matches decides the quality of a type.
        matching = [(r.matches(media_type), r) for r in ranges]
        matching = [(spec, r) for spec, r in matching if spec >= 0]
        if not matching:
            continue
        spec, rng = max(matching, key=lambda m: (m[0], m[1].q))
        if rng.q <= 0:
            continue
        key = (rng.q, spec, -index, 0)
        if best is None or key > best:
            best, chosen = key, (media_type, name)
    return chosen


def format_from_parameter(value: str, graph: bool) -> str:
    """The format name a ``format=`` parameter asks for, for a result or a graph."""
    key = value.strip().lower().replace(" ", "+")  # a raw '+' in a query string decodes to a space
    if graph:
        if key in ("json", "application/json"):
            return "jsonld"
        for fmt in RDF_FORMATS:
            if key in (fmt.name, fmt.media_type) or key in fmt.aliases or ("." + key) in fmt.extensions:
                return fmt.name
    else:
        for rfmt in RESULT_FORMATS:
            if key in (rfmt.name, rfmt.media_type) or key in rfmt.aliases:
                return rfmt.name
    kind = "an RDF graph" if graph else "SPARQL results"
    raise NotAcceptable(f"format {value!r} is not available for {kind}")


# Clients send the same few Accept headers again and again; negotiating is
# pure, so each distinct short (Accept, format) pair is worked out once.
# Long headers are negotiated afresh so the cache stays small.
_CACHED_HEADER_CHARS = 512


def _cached_when_short(choose):
    cached = lru_cache(maxsize=256)(choose)

    @wraps(choose)
    def choose_format(accept: str | None, format_param: str | None):
        if len(accept or "") + len(format_param or "") <= _CACHED_HEADER_CHARS:
            return cached(accept, format_param)
        return choose(accept, format_param)

    choose_format.cache = cached  # type: ignore[attr-defined]
    return choose_format


@_cached_when_short
def choose_result_format(accept: str | None, format_param: str | None) -> ResultFormat | None:
    """The results format to answer in; None when the client accepts none we have."""
    from guidegraph.store.results import result_format_by_name

    if format_param:
        return result_format_by_name(format_from_parameter(format_param, graph=False))
    hit = negotiate(accept, RESULT_CANDIDATES)
    return result_format_by_name(hit[1]) if hit else None


@_cached_when_short
def choose_rdf_format(accept: str | None, format_param: str | None) -> RdfFormat | None:
    """The RDF format to answer in; None when the client accepts none we have."""
    from guidegraph.store.results import rdf_format_by_name

    if format_param:
        return rdf_format_by_name(format_from_parameter(format_param, graph=True))
    hit = negotiate(accept, RDF_CANDIDATES)
    return rdf_format_by_name(hit[1]) if hit else None


def bearer_token(authorization: str | None) -> str | None:
    """The token of ``Authorization: Bearer TOKEN``, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def one_line(message: str, limit: int = 400) -> str:
    """Collapse a multi-line parser message into one bounded line."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_UPDATE_TOKENS = re.compile(r"(?<![\w:?$\-.])(WITH|USING|WHERE|DELETE|INSERT)(?![\w:\-])|[{}]", re.IGNORECASE)


def apply_update_dataset(update: str, using: Sequence[str] | None, using_named: Sequence[str] | None) -> str:
    """Write the protocol's using-graph-uri / using-named-graph-uri into an update
    as USING clauses before each WHERE of an INSERT/DELETE operation.

    The protocol forbids combining these parameters with USING or WITH in the
    update itself, so that is a 400.
    """
    if not using and not using_named:
        return update
    for iri in list(using or ()) + list(using_named or ()):
        check_iri(iri)
    bare = blank_opaque(update)
    clause = " ".join([f"USING <{g}>" for g in using or ()] + [f"USING NAMED <{g}>" for g in using_named or ()]) + " "
    depth = 0
    previous = ""
    inserts: list[int] = []
    for match in _UPDATE_TOKENS.finditer(bare):
        token = match.group(0).upper()
        if token == "{":
            depth += 1
            continue
        if token == "}":
            depth -= 1
            continue
        if depth == 0 and token in ("WITH", "USING"):
            raise ProtocolError("using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update")
        if depth == 0 and token == "WHERE":
            if previous == "DELETE":
                raise ProtocolError("using-graph-uri / using-named-graph-uri do not apply to DELETE WHERE; write DELETE { ... } WHERE { ... }")
            inserts.append(match.start())
        if depth == 0:
            previous = token
    for position in reversed(inserts):
        update = update[:position] + clause + update[position:]
    return update
