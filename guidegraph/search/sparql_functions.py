"""Text functions for SPARQL on the embedded engine (pyoxigraph custom functions).

- ``gg:textMatch(?text, "query")`` is true when every term of the query occurs
  in the literal ``?text``, with the search index's own rules (CJK bigrams,
  case and width folded; see tokens.py), so SPARQL and /api/search agree on
  what matches;
- ``gg:textScore(?text, "query")`` is a relevance score (xsd:double, 0 when a
  term is missing) for ORDER BY: bm25's term-frequency part with length
  normalisation, without the corpus-wide IDF a single row cannot know.

Both are evaluated row by row on the literals the rest of the query binds;
for a ranked search of the whole dataset use the index behind /api/search.
A non-literal argument or a query with nothing to search for leaves the
result unbound (the SPARQL way of a function error).
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from guidegraph.namespaces import GG
from guidegraph.search.tokens import QueryError, Term, index_tokens, parse_query

TEXT_MATCH = str(GG) + "textMatch"
TEXT_SCORE = str(GG) + "textScore"
_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
K1, B, AVERAGE_TOKENS = 1.2, 0.75, 100.0


@lru_cache(maxsize=256)
def _terms(query: str) -> tuple[Term, ...] | None:
    try:
        return tuple(parse_query(query))
    except QueryError:
        return None


def _arguments(text, query) -> tuple[list[str], tuple[Term, ...]] | None:
    if not isinstance(text, ox.Literal) or not isinstance(query, ox.Literal):
        return None
    terms = _terms(query.value)
    return (index_tokens(text.value), terms) if terms else None


def text_score_value(text: str, query: str) -> float | None:
    """The score of ``text`` for ``query`` (None when the query has nothing to search for)."""
    terms = _terms(query)
    if not terms:
        return None
    tokens = index_tokens(text)
    norm = 1 - B + B * len(tokens) / AVERAGE_TOKENS
    score = 0.0
    for term in terms:
        tf = term.count_in(tokens)
        if tf == 0:
            return 0.0
        score += tf * (K1 + 1) / (tf + K1 * norm)
    return score


def text_match(text, query):
    args = _arguments(text, query)
    if args is None:
        return None
    tokens, terms = args
    return ox.Literal("true" if all(t.count_in(tokens) for t in terms) else "false", datatype=_BOOLEAN)


def text_score(text, query):
    if not isinstance(text, ox.Literal) or not isinstance(query, ox.Literal):
        return None
    score = text_score_value(text.value, query.value)
    return None if score is None else ox.Literal(repr(float(score)), datatype=_DOUBLE)


FUNCTIONS = {ox.NamedNode(TEXT_MATCH): text_match, ox.NamedNode(TEXT_SCORE): text_score}


def used_in(sparql: str) -> bool:
    """Whether a query may call the functions (registering them costs every query a little)."""
    return "textMatch" in sparql or "textScore" in sparql
