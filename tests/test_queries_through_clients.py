"""Every shipped query runs through SPARQLWrapper against a real server, and headers stay free of update words.

SPARQLWrapper decides "query or update" from the first operation word in the
text, comments included and inside other words ("adds" reads as ADD), and
sends an update to the endpoint, which refuses it (403 without a write token).
"""

from __future__ import annotations

import json
import urllib.parse
import warnings

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import send
from guidegraph.queries import load_queries, parse_query, sniffed_operation
from seeded_server import seeded_server  # noqa: F401 - a fixture

QUERIES = load_queries()
BODY = "PREFIX gg: <https://w3id.org/guidegraph/ontology#>\nSELECT ?s WHERE { ?s a gg:GuideDocument }\n"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.slug)
def test_every_shipped_query_runs_through_sparqlwrapper(seeded_server, query):
    client = SPARQLWrapper(seeded_server.sparql)
    client.setQuery(query.text)
    client.setReturnFormat(JSON)
    assert client.queryType == "SELECT" and not client.isSparqlUpdateRequest()
    rows = client.query().convert()["results"]["bindings"]
    required = {p.name: p.default for p in query.parameters if p.required}
    api = json.loads(send("GET", f"{seeded_server.url}/api/queries/{query.slug}.json?{urllib.parse.urlencode(required)}").body)
    assert len(rows) == len(api["rows"])  # the file as shipped is the query with its defaults


@pytest.mark.parametrize(
    "comment, sniffed",
    [
        ("where a programme adds a budget", "ADD"),
        ("the office's address and phone", "ADD"),
        ("directions Loaded from the guide", "LOAD"),
        ("items deleted in a later notice", "DELETE"),
        ("copy of the notice", "COPY"),
    ],
)
def test_a_header_with_an_update_word_is_refused(comment, sniffed):
    text = f"# title: A question\n# description: {comment}\n{BODY}"
    client = SPARQLWrapper("http://127.0.0.1:9/sparql")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.setQuery(text)
    assert client.queryType == sniffed  # what the client would do with it
    assert sniffed_operation(text) == sniffed
    with pytest.raises(ValueError, match=f"update words \\({sniffed}\\)"):
        parse_query("99_question", text)


@pytest.mark.parametrize(
    "text",
    [
        f"# title: A question\n# description: each guide and its programmes\n{BODY}",
        # a namespace containing an update word is not read as one (declarations are skipped)
        f"# title: A question\nPREFIX load: <http://example.org/add/delete#>\n{BODY}",
        f"# title: Select directions\n# description: plain text\n{BODY}",
    ],
)
def test_a_clean_header_is_read_as_a_select(text):
    client = SPARQLWrapper("http://127.0.0.1:9/sparql")
    client.setQuery(text)
    assert client.queryType == "SELECT" == sniffed_operation(text)
    assert parse_query("99_question", text).form == "SELECT"


def test_shipped_headers_are_free_of_update_words():
    for query in QUERIES:
        head = "\n".join(line for line in query.text.splitlines() if line.startswith("#"))
        assert sniffed_operation(head) in (None, "SELECT", "CONSTRUCT", "ASK", "DESCRIBE"), query.slug
