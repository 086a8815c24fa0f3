"""SPARQL result formats, query shape scanning and the result-row cap.

Everything here is plain functions over strings and bytes so that both store
implementations and the HTTP layer share one definition of what a format is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph

from guidegraph.formats import (  # noqa: F401 - the format tables live in guidegraph.formats
    RDF_FORMATS,
    RESULT_FORMATS,
    RdfFormat,
    ResultFormat,
    rdf_format_by_name,
    result_format_by_name,
)


def oxigraph_rdf_format(fmt: RdfFormat) -> pyoxigraph.RdfFormat:
    return fmt.oxigraph_format


# --- query shape -------------------------------------------------------------

# Strings, IRIs and comments are blanked out before looking for keywords, so a
# keyword inside a literal or an IRI is never mistaken for syntax.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)
_KEYWORD_EDGE_BEFORE = r"(?<![\w:?$\-.])"
_KEYWORD_EDGE_AFTER = r"(?![\w:\-])"
_FORM = re.compile(_KEYWORD_EDGE_BEFORE + r"(SELECT|ASK|CONSTRUCT|DESCRIBE)" + _KEYWORD_EDGE_AFTER, re.IGNORECASE)
_SERVICE = re.compile(_KEYWORD_EDGE_BEFORE + r"SERVICE" + _KEYWORD_EDGE_AFTER, re.IGNORECASE)


@dataclass(frozen=True)
class QueryShape:
    """What can be told about a query without parsing it fully."""

    form: str | None  # "select", "ask", "construct", "describe" or None if unknown
    uses_service: bool

    @property
    def returns_graph(self) -> bool:
        return self.form in ("construct", "describe")


def blank_opaque(text: str) -> str:
    """``text`` with strings, IRIs and comments replaced by spaces of the same length."""
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), text)


def scan_query(text: str) -> QueryShape:
    """Find the query form and whether SERVICE is used (the parser has the last word)."""
    bare = blank_opaque(text)
    match = _FORM.search(bare)
    form = match.group(1).lower() if match else None
    return QueryShape(form, bool(_SERVICE.search(bare)))


# --- result row cap ----------------------------------------------------------

def count_rows_upper_bound(body: bytes, fmt: ResultFormat) -> int:
    """An upper bound on the solutions in a serialised SELECT result.

    Exact for XML and TSV; may overcount for JSON and CSV when literals
    contain row-like text, which only sends the result down the exact path.
    """
    if fmt.name == "xml":
        return body.count(b"<result>") + body.count(b"<result/>")
    if fmt.name == "tsv":
        return max(body.count(b"\n") - 1, 0) + (0 if body.endswith(b"\n") or b"\n" not in body else 1)
    if fmt.name == "csv":
        return max(body.count(b"\n") - 1, 0) + 1
    return body.count(b",{") + body.count(b"[{")


def truncate_solutions(tsv: bytes, max_rows: int, fmt: ResultFormat) -> bytes | None:
    """The first ``max_rows`` solutions of a TSV result re-serialised as ``fmt``,
    or None when the result is not longer than that.

    TSV writes one solution per line with full RDF terms (newlines in literals
    are escaped), so cutting lines is exact and lossless.
    """
    lines = tsv.split(b"\n", max_rows + 2)
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) - 1 <= max_rows:
        return None
    kept = b"\n".join(lines[: max_rows + 1]) + b"\n"
    solutions = pyoxigraph.parse_query_results(kept, format=pyoxigraph.QueryResultsFormat.TSV)
    return solutions.serialize(format=fmt.oxigraph)


def exact_tsv(body: bytes, fmt: ResultFormat) -> bytes:
    """Re-serialise a lossless SELECT result (JSON, XML, TSV) as TSV."""
    if fmt.name == "tsv":
        return body
    return pyoxigraph.parse_query_results(body, format=fmt.oxigraph).serialize(format=pyoxigraph.QueryResultsFormat.TSV)
