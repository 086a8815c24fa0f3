"""The size guard: queries deep or long enough to overflow the engine's stack are refused, others pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidegraph.server.protocol import ProtocolError
from guidegraph.server.query_size import MAX_NESTING, MAX_OPERATORS, check_query_size

QUERIES = Path(__file__).parent.parent / "queries"


@pytest.mark.parametrize("text", [
    "SELECT * WHERE " + "{" * (MAX_NESTING + 1) + "?s ?p ?o" + "}" * (MAX_NESTING + 1),
    "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "ASK { ?s <http://p> " + "(" * 1000 + "1" + ")" * 1000 + " }",
    "ASK { FILTER(" + "!" * 2000 + "true) }",
    "ASK { FILTER(" + "+".join(["1"] * 2000) + " > 0) }",
    "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * 600) + " }",
    "ASK { ?s ?p ?o " + " MINUS { ?s ?p ?o }" * 600 + " }",
    "ASK { " + " . ".join(f"?s{i} <http://p> ?s{i + 1}" for i in range(1200)) + " }",
    "INSERT DATA { <http://s> <http://p> " + "(" * 1000 + "1" + ")" * 1000 + " }",
])
def test_deep_or_long_chains_are_refused_with_a_400(text):
    with pytest.raises(ProtocolError) as info:
        check_query_size(text)
    assert info.value.status == 400 and "at most" in str(info.value)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { VALUES ?x { " + " ".join(str(i) for i in range(20000)) + " } }",
    "SELECT * WHERE { VALUES (?x ?y) { " + " ".join(f"({i} {i})" for i in range(5000)) + " } ?x ?p ?y }",
    "INSERT DATA { " + " ".join(f"<http://s{i}> <http://p> {i}.5 ." for i in range(20000)) + " }",
    'SELECT * WHERE { ?s ?p "' + "{(" * 5000 + '" }',  # brackets inside a string are text
    "SELECT * WHERE { ?s ?p ?o } # " + "{" * 5000,  # and inside a comment
    "SELECT * WHERE " + "{" * MAX_NESTING + "?s ?p ?o" + "}" * MAX_NESTING,
])
def test_flat_data_and_opaque_text_pass(text):
    check_query_size(text)


def test_every_shipped_query_passes_with_room_to_spare():
    for path in sorted(QUERIES.glob("*.rq")):
        check_query_size(path.read_text(encoding="utf-8"))
        check_query_size(path.read_text(encoding="utf-8") * 10)  # ten times longer still passes
    assert MAX_OPERATORS >= 1000 and MAX_NESTING >= 100


def test_a_long_object_list_is_a_long_pattern_and_refused():
    """``?s ?p 1, 2, 3 …`` is one triple pattern per object: 30,000 of them overflow the engine's stack."""
    with pytest.raises(ProtocolError, match="operators"):
        check_query_size("ASK { <http://s> <http://p> " + ", ".join(str(i) for i in range(30000)) + " }")
