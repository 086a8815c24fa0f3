"""SPARQL result formats, query shape scanning and the result-row cap.

Everything here is plain functions over strings and bytes so that both store
implementations and the HTTP layer share one definition of what a format is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
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
KEYWORD_EDGE_BEFORE = r"(?<![\w:?$\-.])"
KEYWORD_EDGE_AFTER = r"(?![\w:\-])"
QUERY_FORM = re.compile(KEYWORD_EDGE_BEFORE + r"(SELECT|ASK|CONSTRUCT|DESCRIBE)" + KEYWORD_EDGE_AFTER, re.IGNORECASE)
_SERVICE = re.compile(KEYWORD_EDGE_BEFORE + r"SERVICE" + KEYWORD_EDGE_AFTER, re.IGNORECASE)


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


OPAQUE_MARK = "\x01"


def mask_opaque(text: str) -> str:
    """Like ``blank_opaque``, but strings and IRIs become OPAQUE_MARK characters, so a
    scan can tell where a token stands; comments are whitespace and become spaces."""
    return _OPAQUE.sub(lambda m: (" " if m.group(0).startswith("#") else OPAQUE_MARK) * len(m.group(0)), text)


def scan_query(text: str) -> QueryShape:
    """Find the query form and whether SERVICE is used (the parser has the last word)."""
    bare = blank_opaque(text)
    match = QUERY_FORM.search(bare)
    form = match.group(1).lower() if match else None
    return QueryShape(form, "service" in text.lower() and bool(_SERVICE.search(bare)))


# --- result row cap ----------------------------------------------------------

class EnoughRows(Exception):
    """Raised by a RowBoundSink once its bound passes the cap."""


class RowBoundSink(io.RawIOBase):
    """Keeps a result being written in ``fmt`` and raises EnoughRows once an upper bound of its
    solutions (count_rows_upper_bound, kept up chunk by chunk) passes ``max_rows``.

    For TSV the bound is exact: one solution per line with full RDF terms (newlines inside
    literals are escaped), so counting line ends counts solutions."""

    def __init__(self, max_rows: int, fmt: ResultFormat) -> None:
        super().__init__()
        self._chunks: list[bytes] = []
        self._markers, self._bound = _SINK_MARKERS.get(fmt.name, (_ROW_MARKERS[fmt.name], 0))
        self._overlap = max(len(m) for m in self._markers) - 1
        self._tail = b""
        self._max_rows = max_rows

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        data = bytes(chunk)
        self._chunks.append(data)
        self._bound += self._count(data)
        if self._overlap:
            # A marker split over two writes, looked for only in the few bytes around the seam
            # (counting the whole chunk again with the tail in front cost a copy of it).
            head = data[:self._overlap]
            if self._tail:
                self._bound += self._count(self._tail + head) - self._count(self._tail) - self._count(head)
            self._tail = data[-self._overlap:] if len(data) >= self._overlap else (self._tail + data)[-self._overlap:]
        if self._bound > self._max_rows:
            raise EnoughRows
        return len(data)

    def _count(self, data: bytes) -> int:
        count = 0
        for marker in self._markers:
            count += data.count(marker)
        return count

    def value(self) -> bytes:
        return b"".join(self._chunks)


class TsvSink(RowBoundSink):
    """Collects a TSV result and raises EnoughRows once it holds ``max_rows + 1`` rows."""

    def __init__(self, max_rows: int) -> None:
        super().__init__(max_rows, result_format_by_name("tsv"))


# What starts (or ends) each solution, as count_rows_upper_bound counts them.
_ROW_MARKERS = {"json": (b",{", b"[{"), "xml": (b"<result>", b"<result/>"), "csv": (b"\n",), "tsv": (b"\n",)}
# What a sink counts, and where its count starts, where that is cheaper. pyoxigraph writes JSON
# without spaces, each solution after the first starting ",{": one pattern, not two, halves the
# scanning (bytes.count takes 6 us per 8 KB chunk and pattern here, 1.7 ms per MB with two).
# TSV and CSV: the header line ends in a line break too.
_SINK_MARKERS = {"json": ((b",{",), 1), "csv": ((b"\n",), -1), "tsv": ((b"\n",), -1)}


def capped_solutions(solutions: pyoxigraph.QuerySolutions, max_rows: int, fmt: ResultFormat,
                     again: Callable[[], pyoxigraph.QuerySolutions] | None = None) -> tuple[bytes, bool]:
    """At most ``max_rows`` solutions serialised as ``fmt``, and whether there were more.

    pyoxigraph evaluates while it serialises, so stopping the TSV writer at the
    first solution past the cap stops the evaluation too: the cost is that of
    ``max_rows + 1`` solutions however large the whole result would be.

    With ``again`` (the same query, run anew) the answer is first written straight in ``fmt``
    while an upper bound of its rows is kept; an answer that stays within the cap is then
    exact and done, without going through TSV. Only one whose bound passes the cap (it is
    cut, or its text looks like rows) runs again down the TSV path.
    """
    if again is not None and fmt.name != "tsv":  # TSV's own path is the exact one
        direct = RowBoundSink(max_rows, fmt)
        try:
            solutions.serialize(direct, format=fmt.oxigraph)
            return direct.value(), False
        except EnoughRows:
            solutions = again()
    sink = TsvSink(max_rows)
    try:
        solutions.serialize(sink, format=pyoxigraph.QueryResultsFormat.TSV)
    except EnoughRows:
        pass
    return tsv_as(sink.value(), max_rows, fmt)


def tsv_as(tsv: bytes, max_rows: int, fmt: ResultFormat) -> tuple[bytes, bool]:
    """The first ``max_rows`` solutions of a TSV result as ``fmt``, and whether any were cut."""
    lines = tsv.split(b"\n", max_rows + 2)
    if lines and lines[-1] == b"":
        lines.pop()
    truncated = len(lines) - 1 > max_rows
    if truncated:
        tsv = b"\n".join(lines[: max_rows + 1]) + b"\n"
    if fmt.name == "tsv":
        return tsv, truncated
    solutions = pyoxigraph.parse_query_results(tsv, format=pyoxigraph.QueryResultsFormat.TSV)
    return solutions.serialize(format=fmt.oxigraph), truncated


def count_rows_upper_bound(body: bytes, fmt: ResultFormat) -> int:
    """An upper bound on the solutions in a serialised SELECT result.

    Exact for XML and TSV; may overcount for JSON and CSV when literals
    contain row-like text, which only sends the result down the exact path.
    """
    if fmt.name == "tsv":
        return max(body.count(b"\n") - 1, 0) + (0 if body.endswith(b"\n") or b"\n" not in body else 1)
    if fmt.name == "csv":
        return max(body.count(b"\n") - 1, 0) + 1
    return sum(body.count(marker) for marker in _ROW_MARKERS[fmt.name])  # JSON, XML


def exact_tsv(body: bytes, fmt: ResultFormat) -> bytes:
    """Re-serialise a lossless SELECT result (JSON, XML, TSV) as TSV."""
    if fmt.name == "tsv":
        return body
    return pyoxigraph.parse_query_results(body, format=fmt.oxigraph).serialize(format=pyoxigraph.QueryResultsFormat.TSV)
