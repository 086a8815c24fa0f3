"""The OpenAPI description of the deadline feeds and /api/deadlines (merged into /api/openapi.json)."""

from __future__ import annotations

from guidegraph.feeds.closing import MAX_DAYS

DEFAULT_WITHIN = 30  # days: the API's default and the home page's block
CODE_PATTERN = "^[a-z0-9][a-z0-9-]{0,39}$"
TAG = "deadlines"

SCHEMAS = {
    "ClosingDeadlines": {
        "type": "object",
        "required": ["from", "until", "within", "jurisdiction", "deadlines", "feeds"],
        "additionalProperties": False,
        "properties": {
            "from": {"type": "string", "format": "date"},
            "until": {"type": "string", "format": "date", "description": "from + within days, inclusive"},
            "within": {"type": "integer", "minimum": 0, "maximum": MAX_DAYS},
            "jurisdiction": {"type": ["string", "null"]},
            "deadlines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["iri", "uid", "label", "summary", "text", "closes", "date", "all_day", "days_left",
                                 "page", "guide", "jurisdiction"],
                    "additionalProperties": False,
                    "properties": {
                        "iri": {"type": "string", "format": "iri"},
                        "uid": {"type": "string", "description": "the UID of the same event in the iCalendar feeds"},
                        "label": {"type": ["string", "null"], "description": "what closes, as the guide heads it"},
                        "summary": {"type": "string"},
                        "text": {"type": ["string", "null"], "description": "the guide's sentence"},
                        "closes": {"type": "string", "format": "date-time",
                                   "description": "the printed time, else the end of the day in China (+08:00)"},
                        "date": {"type": "string", "format": "date", "description": "the day it closes, China time"},
                        "all_day": {"type": "boolean", "description": "true when the guide prints no time of day"},
                        "days_left": {"type": "integer", "minimum": 0},
                        "page": {"type": "string", "format": "uri"},
                        "guide": {
                            "type": "object", "required": ["iri", "title", "page"], "additionalProperties": False,
                            "properties": {"iri": {"type": "string", "format": "iri"}, "title": {"type": ["string", "null"]},
                                           "page": {"type": "string", "format": "uri"}},
                        },
                        "jurisdiction": {
                            "type": "object", "required": ["code", "label"], "additionalProperties": False,
                            "properties": {"code": {"type": ["string", "null"]}, "label": {"type": ["string", "null"]}},
                        },
                    },
                },
            },
            "feeds": {
                "type": "object", "required": ["ics", "atom"], "additionalProperties": False,
                "properties": {"ics": {"type": "string"}, "atom": {"type": "string"}},
            },
        },
    },
}

_LANG = {"name": "lang", "in": "query", "required": False, "description": "zh (default) or en, for the words the feed adds",
         "schema": {"type": "string", "enum": ["zh", "en"], "default": "zh"}}
_CODE = {"name": "code", "in": "path", "required": True, "example": "cn-js",
         "description": "a jurisdiction code as the IRIs use it: cn, ISO 3166-2:CN for provinces (cn-sx), GB/T 2260 for cities and counties (370100)",
         "schema": {"type": "string", "pattern": CODE_PATTERN}}
_FEED_TYPES = {"ics": ("text/calendar", "iCalendar (RFC 5545)"), "atom": ("application/atom+xml", "Atom (RFC 4287)")}


def _feed(fmt: str, per_jurisdiction: bool) -> dict:
    media, name = _FEED_TYPES[fmt]
    responses = {
        "200": {"description": f"the feed, {name}", "content": {media: {"schema": {"type": "string"}}}},
        "304": {"description": "the client's copy (If-None-Match / If-Modified-Since) is current"},
    }
    if per_jurisdiction:
        responses["404"] = {"description": "no guide in the dataset belongs to that jurisdiction",
                            "content": {"text/plain": {"schema": {"type": "string"}}}}
    scope = "one jurisdiction's guides" if per_jurisdiction else "every guide"
    return {
        "operationId": f"deadlines_{'jurisdiction_' if per_jurisdiction else ''}{fmt}",
        "summary": f"Application windows and deadlines of {scope}, {name}",
        "description": "One event per deadline, per application window and per opening no deadline follows; "
                       "each UID (and Atom entry id) is the IRI of the deadline or window.",
        "tags": [TAG],
        "parameters": ([_CODE] if per_jurisdiction else []) + [_LANG],
        "responses": responses,
    }


def paths() -> dict[str, dict]:
    error = {"description": "a parameter is unknown, repeated or not of its type, or the jurisdiction is unknown",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "/api/deadlines": {"get": {
            "operationId": "closing_deadlines",
            "summary": "The deadlines closing within N days",
            "description": "Deadlines whose day (China time) falls from `from` to `from` + `within` days, soonest first.",
            "tags": [TAG],
            "parameters": [
                {"name": "within", "in": "query", "required": False, "description": "days after from",
                 "schema": {"type": "integer", "minimum": 0, "maximum": MAX_DAYS, "default": DEFAULT_WITHIN}},
                {"name": "from", "in": "query", "required": False, "description": "the first day, YYYY-MM-DD (default: today in China)",
                 "schema": {"type": "string", "format": "date"}},
                {"name": "jurisdiction", "in": "query", "required": False, "description": "only this jurisdiction's guides",
                 "schema": {"type": "string", "pattern": CODE_PATTERN}},
                _LANG,
            ],
            "responses": {
                "200": {"description": "the deadlines", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClosingDeadlines"}}}},
                "400": error,
            },
        }},
        "/feeds/deadlines.ics": {"get": _feed("ics", False)},
        "/feeds/deadlines.atom": {"get": _feed("atom", False)},
        "/feeds/jurisdiction/{code}.ics": {"get": _feed("ics", True)},
        "/feeds/jurisdiction/{code}.atom": {"get": _feed("atom", True)},
    }
