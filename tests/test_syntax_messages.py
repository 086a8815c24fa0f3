"""SPARQL syntax errors say in words what was expected, with line and column, from the parser and the endpoint."""

from __future__ import annotations

import re
import urllib.parse

import pyoxigraph
import pytest

from conftest import send
from guidegraph.syntax_messages import describe

BROKEN = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT x",
    "SELECT * WHERE { ?s ?p ?o . FILTER( }",
    "SELECT * WHERE { ?s ?p ?o ",
    "SELECT ?x WHERE {\n  ?x ?p 'a'\n} ORDER BY",
    "PREFIX x: <a> SELECT * { ?s x: ?o }",
    "SELECT * WHERE { ?s a gg:Foo }",
    "SELEC * WHERE {}",
]


def parser_message(query: str) -> str:
    with pytest.raises(SyntaxError) as err:
        pyoxigraph.Store().query(query)
    return str(err.value)


@pytest.mark.parametrize("query", BROKEN)
def test_real_parser_messages_come_out_in_words(query):
    raw = parser_message(query)
    text = describe(raw)
    assert re.match(r"line \d+, column \d+: \S", text), text
    assert "[_]" not in text and "..=" not in text and "\\u{" not in text and "\n" not in text
    line, column = re.match(r"error at (\d+):(\d+)", raw).groups()
    assert text.startswith(f"line {line}, column {column}:")


@pytest.mark.parametrize(
    "raw, words",
    [
        ("error at 1:35: expected one of HAVING, OFFSET, ['0'..='9']", "line 1, column 35: expected HAVING, OFFSET or a digit"),
        ("error at 2:3: expected one of \",\", \".\", [_]", 'line 2, column 3: expected "," or "."'),
        ("error at 1:9: expected one of ['A' ..= 'Z' | 'a' ..= 'z'\n| '\\u{00C0}'..='\\u{00D6}'], ['%']", 'line 1, column 9: expected a letter or "%"'),
        ("error at 1:9: expected one of ['-' | '0' ..= '9' | '\\u{00B7}']", "line 1, column 9: expected a name character"),
        ("error at 1:29: expected one of Prefix not found, ['%'], [':']", "line 1, column 29: this prefix is not declared (add a PREFIX line for it)"),
        ("error at 1:14: expected IRI parsing failed", "line 1, column 14: expected a valid IRI"),
        ("error at 4:1: expected [_]", "line 4, column 1: the text cannot continue like this"),
        ("Parser error: error at 1:2: expected SELECT", "Parser error: line 1, column 2: expected SELECT"),
        ("the server said no\n  politely", "the server said no politely"),
    ],
)
def test_each_kind_of_token_is_named(raw, words):
    assert describe(raw) == words


def test_the_endpoint_answers_syntax_errors_in_words(protocol_server):
    r = send("GET", protocol_server.sparql + "?query=" + urllib.parse.quote("SELECT * WHERE { ?s a gg:Foo }"))
    assert r.status == 400
    assert r.text().strip() == "syntax error: line 1, column 29: this prefix is not declared (add a PREFIX line for it)"
    r = send("GET", protocol_server.sparql + "?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT x"))
    assert r.status == 400 and "expected HAVING, OFFSET, OPTIONAL, VALUES or a digit" in r.text()
