"""A short hash of a SPARQL JSON result that is equal when two engines gave the same answer.

Canonical form: every term by value, not by spelling (numbers as exact
decimals, so "5"^^xsd:int and "5.0"^^xsd:decimal agree; date-times in UTC;
plain and xsd:string literals alike; language tags lower-cased), blank nodes
relabelled in order of appearance, the parts of a GROUP_CONCAT value sorted
(SPARQL leaves their order to the engine), rows as a multiset unless the query sorts.
A sorted query gets two hashes: the sequence and the multiset, so "the same
rows in another order among ties" can be told from "other rows".
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}
STRING = {None, XSD + "string"}
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Fingerprint:
    def __init__(self, rows: int, ordered: str, unordered: str) -> None:
        self.rows, self.ordered, self.unordered = rows, ordered, unordered

    def __repr__(self) -> str:
        return f"Fingerprint(rows={self.rows}, {self.unordered})"


def fingerprint(body: bytes, ordered: bool, concatenated: dict[str, str] | None = None) -> Fingerprint:
    """``concatenated``: variables bound by GROUP_CONCAT, with their separator."""
    doc = json.loads(body)
    if "boolean" in doc:
        value = "true" if doc["boolean"] else "false"
        return Fingerprint(1, value, value)
    variables = sorted(doc.get("head", {}).get("vars", []))
    blanks: dict[str, str] = {}
    rows = []
    for binding in doc.get("results", {}).get("bindings", []):
        rows.append(tuple((v, _term(_parts_sorted(binding[v], (concatenated or {}).get(v)), blanks))
                          for v in variables if v in binding))
    as_text = [json.dumps(row, ensure_ascii=False) for row in rows]
    sequence = _digest(as_text)
    multiset = _digest(sorted(as_text))
    return Fingerprint(len(rows), sequence if ordered else multiset, multiset)


def _parts_sorted(term: dict, separator: str | None) -> dict:
    if separator is None or term.get("type") not in ("literal", "typed-literal") or not separator:
        return term
    return {**term, "value": separator.join(sorted(term.get("value", "").split(separator)))}


def _digest(items: list[str]) -> str:
    return hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()[:10]


def _term(term: dict, blanks: dict[str, str]) -> tuple:
    kind = term.get("type")
    value = term.get("value", "")
    if kind == "uri":
        return ("iri", value)
    if kind == "bnode":
        return ("blank", blanks.setdefault(value, f"b{len(blanks)}"))
    lang = term.get("xml:lang") or term.get("lang")
    datatype = term.get("datatype")
    if lang or datatype == LANG_STRING:
        return ("lang", value, (lang or "").lower())
    if datatype in STRING:
        return ("string", value)
    if datatype in NUMERIC:
        try:
            number = Decimal(value.strip())
            if number.is_finite():
                return ("number", format(number.normalize(), "f") if number else "0")
        except InvalidOperation:
            pass
        return ("number", value)
    if datatype == XSD + "dateTime":
        try:
            instant = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if instant.tzinfo is not None:
                instant = instant.astimezone(datetime.timezone.utc)
            return ("dateTime", instant.isoformat())
        except ValueError:
            pass
    if datatype == XSD + "boolean":
        return ("boolean", "true" if value.strip() in ("true", "1") else "false")
    return ("typed", value, datatype)
