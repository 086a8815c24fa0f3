"""SPARQL JSON results as the API's table: typed cells, unbound values, ASK, CSV, how IRIs are shown and linked."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph

from guidegraph.server.result_table import from_sparql_json, local_href, short_name, to_csv

BASE = "https://data.example.org/id/"


def answer(query: str) -> bytes:
    store = pyoxigraph.Store()
    store.update(f"""INSERT DATA {{
        <{BASE}guide/a> <http://www.w3.org/2000/01/rdf-schema#label> "指南, \\"甲\\""@zh ;
                        <https://w3id.org/guidegraph/ontology#year> "2025"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
                        <https://w3id.org/guidegraph/ontology#note> "plain" ;
                        <https://w3id.org/guidegraph/ontology#part> _:b . }}""")
    return store.query(query).serialize(format=pyoxigraph.QueryResultsFormat.JSON)


def test_cells_keep_type_language_and_datatype_and_unbound_is_null():
    table = from_sparql_json(answer("""SELECT ?s ?label ?year ?note ?part ?missing WHERE {
        ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label ; <https://w3id.org/guidegraph/ontology#year> ?year ;
           <https://w3id.org/guidegraph/ontology#note> ?note ; <https://w3id.org/guidegraph/ontology#part> ?part .
        OPTIONAL { ?s <urn:nothing> ?missing } }"""))
    assert table.columns == ["s", "label", "year", "note", "part", "missing"]
    (row,) = table.rows
    s, label, year, note, part, missing = row
    assert s == {"type": "iri", "value": f"{BASE}guide/a"}
    assert label == {"type": "literal", "value": '指南, "甲"', "lang": "zh"}
    assert year == {"type": "literal", "value": "2025", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}
    assert note == {"type": "literal", "value": "plain"}  # xsd:string is not repeated on every cell
    assert part["type"] == "bnode" and missing is None
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows[0] == table.columns and rows[1][1] == '指南, "甲"' and rows[1][5] == ""


def test_ask_is_one_boolean_cell():
    table = from_sparql_json(json.dumps({"head": {}, "boolean": True}).encode())
    assert table.columns == ["result"] and table.rows[0][0]["value"] == "true"


def test_iris_are_shown_short_and_linked_here_when_they_are_ours():
    assert short_name("https://w3id.org/guidegraph/ontology#national", BASE) == "gg:national"
    assert short_name(f"{BASE}guide/cn/2021/t1", BASE) == "guide/cn/2021/t1"
    assert short_name("https://example.com/x", BASE) == "https://example.com/x"
    assert local_href(f"{BASE}guide/cn/2021/t1", BASE) == "/id/guide/cn/2021/t1"
    assert local_href("https://w3id.org/guidegraph/ontology#national", BASE) == "/ontology#national"
    assert local_href("https://example.com/x", BASE) == "https://example.com/x"
