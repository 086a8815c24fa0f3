"""/api/openapi.json: an OpenAPI 3.1 description of the canned-query API, built from the query headers.

Each query gets three operations (``/api/queries/NAME`` negotiating JSON or
CSV, and the ``.json`` / ``.csv`` forms); its parameters, their types and
whether they are required come from the ``# param:`` lines, so the document
cannot drift from what the API accepts.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from guidegraph import __version__
from guidegraph.feeds import api_description as feeds_api
from guidegraph.queries import CannedQuery, QueryParameter
from guidegraph.server.canned_queries import API, queries
from guidegraph.server.search_pages import SEARCH_SCHEMAS, search_paths

bp = Blueprint("openapi", __name__)

OPENAPI_PATH = "/api/openapi.json"
_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "iri": {"type": "string", "format": "iri"},
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


COMPONENTS = {
    "schemas": {
        "Cell": {
            "description": "One value of a result row; null where the variable is unbound.",
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": ["type", "value"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"enum": ["iri", "literal", "bnode"]},
                        "value": {"type": "string"},
                        "datatype": {"type": "string", "format": "iri"},
                        "lang": {"type": "string"},
                    },
                },
            ],
        },
        "ResultTable": {
            "type": "object",
            "required": ["query", "title", "parameters", "columns", "rows", "truncated"],
            "additionalProperties": False,
            "properties": {
                "query": {"type": "string", "description": "the query's name"},
                "title": {"type": "string"},
                "parameters": {"type": "object", "description": "the value each parameter had (given or default)"},
                "columns": {"type": "array", "items": {"type": "string"}},
                "rows": {"type": "array", "items": {"type": "array", "items": _ref("Cell")}},
                "truncated": {"type": "boolean", "description": "true when the server's row limit cut the result"},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "message", "parameter"],
                    "additionalProperties": False,
                    "properties": {
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "parameter": {"type": ["string", "null"], "description": "the parameter at fault, if one is"},
                    },
                }
            },
        },
        "Diff": {
            "description": "What changed from the older guide to the newer one (docs/diff.md).",
            "type": "object",
            "required": ["old", "new", "same", "summary", "guide_changes", "nodes"],
            "properties": {
                "old": {"type": "object"}, "new": {"type": "object"}, "same": {"type": "boolean"},
                "summary": {"type": "object", "additionalProperties": {"type": "integer"}},
                "guide_changes": {"type": "array", "items": {"type": "object"}},
                "nodes": {"type": "array", "items": {"type": "object"}},
            },
        },
        **SEARCH_SCHEMAS,
        "QueryList": {
            "type": "object",
            "required": ["queries"],
            "additionalProperties": False,
            "properties": {
                "queries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "title", "description", "parameters", "page", "api"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string"},
                            "title": {"type": "string"},
                            "description": {"type": "string"},
                            "page": {"type": "string"},
                            "api": {"type": "string"},
                            "parameters": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name", "type", "required", "default", "description"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "name": {"type": "string"},
                                        "type": {"enum": sorted(_TYPES)},
                                        "required": {"type": "boolean"},
                                        "default": {"type": "string"},
                                        "description": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                }
            },
        },
    }
}


def _parameter(param: QueryParameter) -> dict:
    schema = dict(_TYPES[param.type])
    default = param.parse(param.default)
    schema["default"] = default if isinstance(default, (int, str)) else float(default)
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description or param.name,
        "schema": schema,
    }


def _result_schema(query: CannedQuery) -> dict:
    """The generic table, narrowed to this query's name and parameter values."""
    values = {p.name: dict(_TYPES[p.type]) for p in query.parameters}
    for schema in values.values():
        schema.pop("format", None)  # echoed back as given text
        if schema["type"] == "number":
            schema["type"] = "string"  # decimals are echoed as exact decimal text
    return {
        "allOf": [_ref("ResultTable")],
        "properties": {
            "query": {"const": query.slug},
            "parameters": {
                "type": "object",
                "properties": values,
                "required": [p.name for p in query.parameters],
                "additionalProperties": False,
            },
        },
    }


def _operation(query: CannedQuery, suffix: str, media_types: list[str]) -> dict:
    content = {}
    for media in media_types:
        content[media] = {"schema": _result_schema(query) if media == "application/json" else {"type": "string", "description": "CSV: a header row of column names, then one row per result, each cell's value"}}
    responses = {
        "200": {"description": "the results", "content": content},
        "400": _error_response("a parameter is missing, unknown, repeated or not of its type"),
        "503": _error_response("the query ran past the server's time limit, or the store is unavailable"),
    }
    if not suffix:
        responses["406"] = _error_response("the Accept header allows neither JSON nor CSV")
    return {
        "operationId": query.slug + {"": "", ".json": "_json", ".csv": "_csv"}[suffix],
        "summary": query.title,
        "description": query.description,
        "tags": ["canned queries"],
        "parameters": [_parameter(p) for p in query.parameters],
        "responses": responses,
    }


def _diff_operations() -> dict[str, dict]:
    """The diff of two guides (server/diff_pages.py): the JSON twin and the RDF change set."""
    parameters = [
        {"name": name, "in": "query", "required": True, "description": f"IRI of the {side} guide (one of the home page's guides)",
         "schema": {"type": "string", "format": "iri"}}
        for name, side in (("old", "older"), ("new", "newer"))
    ]
    error = _error_response("old or new is missing, names no guide in the store, or another parameter is given")
    return {
        "/diff.json": {"get": {
            "operationId": "diff_json", "summary": "What changed between two guides", "tags": ["diff"],
            "parameters": parameters,
            "responses": {"200": {"description": "the diff", "content": {"application/json": {"schema": _ref("Diff")}}}, "400": error},
        }},
        "/diff.trig": {"get": {
            "operationId": "diff_trig", "summary": "The diff of two guides as an RDF change set with PROV", "tags": ["diff"],
            "parameters": parameters,
            "responses": {"200": {"description": "one named graph of gg:Change resources", "content": {"application/trig": {"schema": {"type": "string"}}}},
                          "400": {"description": "as for /diff.json, as one line of text", "content": {"text/plain": {"schema": {"type": "string"}}}}},
        }},
    }


def openapi_document(server_url: str) -> dict:
    paths: dict[str, dict] = {
        API: {
            "get": {
                "operationId": "list_queries",
                "summary": "The canned queries and their parameters",
                "tags": ["canned queries"],
                "responses": {"200": {"description": "the list", "content": {"application/json": {"schema": _ref("QueryList")}}}},
            }
        }
    }
    paths.update(search_paths())
    for query in queries().values():
        base = f"{API}/{query.slug}"
        paths[base] = {"get": _operation(query, "", ["application/json", "text/csv"])}
        paths[base + ".json"] = {"get": _operation(query, ".json", ["application/json"])}
        paths[base + ".csv"] = {"get": _operation(query, ".csv", ["text/csv"])}
    paths.update(_diff_operations())
    paths.update(feeds_api.paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "guidegraph canned queries and search",
            "version": __version__,
            "description": "Research questions about Chinese S&T funding guides (申报指南), each one SPARQL query "
            "with typed parameters, answered as JSON (columns and rows of typed cells) or CSV.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {**COMPONENTS, "schemas": {**COMPONENTS["schemas"], **feeds_api.SCHEMAS}},
    }


@bp.get(OPENAPI_PATH)
def openapi_json() -> Response:
    doc = openapi_document(request.url_root.rstrip("/"))
    return Response(json.dumps(doc, ensure_ascii=False, indent=1), mimetype="application/json")
