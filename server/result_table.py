"""SELECT results as a table: columns, and rows of typed cells.

The shape the canned-query API returns (and the HTML pages draw)::

    {"columns": ["guide", "year"],
     "rows": [[{"type": "iri", "value": "https://..."},
               {"type": "literal", "value": "2025", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}]]}

A cell is ``null`` where the variable is unbound; ``type`` is ``iri``,
``literal`` or ``bnode``; literals carry ``datatype`` or ``lang`` when they
have one. CSV has the same columns and each cell's ``value``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from guidegraph.namespaces import PREFIXES

_SPARQL_TYPES = {"uri": "iri", "literal": "literal", "typed-literal": "literal", "bnode": "bnode"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class ResultTable:
    columns: list[str]
    rows: list[list[dict | None]]
    truncated: bool = False


def from_sparql_json(body: bytes, truncated: bool = False) -> ResultTable:
    """A table from a SPARQL 1.1 Query Results JSON document (SELECT; ASK gives one column)."""
    doc = json.loads(body)
    if "boolean" in doc:
        return ResultTable(["result"], [[{"type": "literal", "value": "true" if doc["boolean"] else "false",
                                          "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}]], truncated)
    columns = list(doc["head"].get("vars", []))
    rows = [[_cell(binding.get(name)) for name in columns] for binding in doc["results"]["bindings"]]
    return ResultTable(columns, rows, truncated)


def _cell(term: dict | None) -> dict | None:
    if term is None:
        return None
    cell = {"type": _SPARQL_TYPES[term["type"]], "value": term["value"]}
    if "xml:lang" in term:
        cell["lang"] = term["xml:lang"]
    elif term.get("datatype") and term["datatype"] != XSD_STRING:
        cell["datatype"] = term["datatype"]
    return cell


def to_csv(table: ResultTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if cell is None else cell["value"] for cell in row])
    return out.getvalue()


def short_name(iri: str, base: str) -> str:
    """How a table shows an IRI: ``gg:national`` in one of our vocabularies' namespaces,
    ``guide/cn/2021/t1`` for our own data (the path under the data's ``base`` IRI), else the IRI itself."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    if iri.startswith(base) and len(iri) > len(base):
        return iri[len(base):]
    return iri


def local_href(iri: str, base: str, resource_path: str = "/id/") -> str:
    """Where a browser on this server reads about ``iri``: our data (under ``base``) and
    ontology IRIs are served here (under the resource path and /ontology), others are linked as they are."""
    if iri.startswith(base):
        return resource_path + iri[len(base):]
    namespace = PREFIXES["gg"]
    if iri.startswith(namespace):
        return "/ontology#" + iri[len(namespace):]
    return iri
