"""A query's own dataset: its FROM and FROM NAMED clauses (SPARQL 1.1 Query §13).

Found by scanning tokens, not by matching raw text: strings, IRIs and
comments are masked first (``mask_opaque``), and a keyword only counts
with a token edge on both sides, so ``?from``, ``from:x``, ``ex:FROM`` or
"FROM" inside a literal are never taken for a clause. In the query grammar
the keyword FROM appears nowhere but in a dataset clause.

Turning the clause targets into absolute IRIs (relative IRIs against BASE,
prefixed names against PREFIX, escapes in local names) is left to the SPARQL
parser itself: the query's prologue with the raw targets in a VALUES block is
evaluated on an empty in-memory store, so the names come out exactly as the
engine would resolve them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph

from guidegraph.store.base import Dataset
from guidegraph.store.results import KEYWORD_EDGE_AFTER, KEYWORD_EDGE_BEFORE, QUERY_FORM, mask_opaque

_FROM = re.compile(
    KEYWORD_EDGE_BEFORE + r"FROM" + KEYWORD_EDGE_AFTER + r"\s*(?:(NAMED)" + KEYWORD_EDGE_AFTER + r"\s*)?",
    re.IGNORECASE,
)
_IRI_REF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
# A prefixed name: PN_CHARS plus '.', ':', %XX and backslash escapes (PN_LOCAL_ESC).
_PREFIXED_NAME = re.compile(r"(?:[^\s\\{}<>()\[\]\"',;#]|\\.)+")


@dataclass(frozen=True)
class DatasetClause:
    """One FROM (``named`` False) or FROM NAMED clause and the raw text of its target."""

    named: bool
    target: str


def _may_name_a_dataset(text: str) -> bool:
    # Masking takes 25 µs on a short query; most queries do not hold the word at all.
    return "from" in text.lower()


def dataset_clauses(text: str) -> list[DatasetClause]:
    """The query's dataset clauses in order; empty when it has none."""
    if not _may_name_a_dataset(text):
        return []
    bare = mask_opaque(text)
    clauses = []
    for match in _FROM.finditer(bare):
        at = match.end()
        token = (_IRI_REF if text.startswith("<", at) else _PREFIXED_NAME).match(text, at)
        clauses.append(DatasetClause(match.group(1) is not None, token.group(0) if token else ""))
    return clauses


def without_dataset_clauses(text: str) -> str:
    """``text`` with its FROM and FROM NAMED clauses blanked out (same length, so
    positions in error messages stay right), for a server that would add the
    protocol's dataset to the clauses instead of letting it replace them."""
    bare = mask_opaque(text)
    out = text
    for match in reversed(list(_FROM.finditer(bare))):
        at = match.end()
        token = (_IRI_REF if text.startswith("<", at) else _PREFIXED_NAME).match(text, at)
        end = token.end() if token else at
        out = out[: match.start()] + " " * (end - match.start()) + out[end:]
    return out


def has_dataset_clause(text: str) -> bool:
    return _may_name_a_dataset(text) and bool(_FROM.search(mask_opaque(text)))


_RESOLVER = pyoxigraph.Store()  # always empty; only its SPARQL parser is used


def query_dataset(text: str, base_iri: str | None = None) -> Dataset | None:
    """The dataset the query's own clauses describe, or None when it has none.

    Per §13.2, FROM NAMED alone leaves the default graph empty and FROM alone
    leaves no named graphs. None is also returned when a target cannot be
    resolved (a malformed query): the engine then reports the syntax error.
    """
    clauses = dataset_clauses(text)
    if not clauses:
        return None
    if any(not c.target for c in clauses):
        return None
    form = QUERY_FORM.search(mask_opaque(text))
    prologue = text[: form.start()] if form else ""
    probe = f"{prologue}\nSELECT ?g WHERE {{ VALUES ?g {{ {' '.join(c.target for c in clauses)} }} }}"
    try:
        names = [solution["g"].value for solution in _RESOLVER.query(probe, base_iri=base_iri)]
    except (SyntaxError, ValueError, OSError):
        return None
    if len(names) != len(clauses):
        return None
    default = tuple(dict.fromkeys(n for n, c in zip(names, clauses) if not c.named))
    named = tuple(dict.fromkeys(n for n, c in zip(names, clauses) if c.named))
    return Dataset(default, named)
