"""The rules of the remote dialects, each on its own, without a server."""

from __future__ import annotations

import pytest

from guidegraph.errors import UsageError
from guidegraph.store.dataset_clause import query_dataset, without_dataset_clauses
from guidegraph.store.remote import RemoteStore
from guidegraph.store.remote_dialects import DIALECTS, VIRTUOSO_DEFAULT_GRAPH, check_choice, detect

VIRTUOSO = DIALECTS["virtuoso"]
STANDARD = DIALECTS["standard"]


@pytest.mark.parametrize("server, name", [
    ("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu", "virtuoso"),
    ("virtuoso/08.03", "virtuoso"),
    ("Oxigraph/0.5.13", "standard"),
    ("Apache Jena Fuseki (5.1.0)", "standard"),
    (None, "standard"),
])
def test_the_dialect_is_told_by_the_server_header(server, name):
    assert detect(server).name == name


def test_an_unknown_dialect_setting_is_a_usage_error():
    assert check_choice(None) == "auto" and check_choice("virtuoso") == "virtuoso"
    with pytest.raises(UsageError, match="choose one of auto, standard, virtuoso"):
        check_choice("blazegraph")


def test_dataset_clauses_are_blanked_keeping_positions():
    query = 'PREFIX ex: <http://e/>\nSELECT ?s FROM ex:g1 FROM NAMED <http://e/g2> WHERE { ?s ?p "FROM <x>" }'
    blanked = without_dataset_clauses(query)
    assert len(blanked) == len(query) and blanked.count("\n") == query.count("\n")
    assert "FROM ex:g1" not in blanked and "<http://e/g2>" not in blanked
    assert '"FROM <x>"' in blanked  # a keyword inside a literal is not a clause
    assert query_dataset(blanked) is None and query_dataset(query) is not None


@pytest.mark.parametrize("update, pragma", [
    ("INSERT DATA { <urn:a> <urn:p> 1 }", True),
    ("CLEAR DEFAULT", True),
    ('INSERT DATA { <urn:a> <urn:p> "WHERE" }', True),  # the word in a literal is no WHERE clause
    ("DELETE WHERE { GRAPH <urn:g> { ?s ?p ?o } }", False),
    ("INSERT { GRAPH <urn:h> { ?s ?p ?o } } where { GRAPH <urn:g> { ?s ?p ?o } }", False),
])
def test_only_data_updates_get_the_stand_in_default_graph(update, pragma):
    sent = VIRTUOSO.update_text(update)
    assert sent.endswith(update)
    assert (f"define input:default-graph-uri <{VIRTUOSO_DEFAULT_GRAPH}>" in sent) is pragma
    assert "\n" not in sent[: len(sent) - len(update)]  # line numbers of errors stay the caller's
    assert STANDARD.update_text(update) == update


def test_virtuoso_errors_are_cut_to_code_and_text():
    body = ("Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '}' before '}'\n\n"
            "SPARQL query:\nSELECT * WHERE { ?s ?p }")
    assert VIRTUOSO.error_text(body) == "SP030: SPARQL compiler, line 1: syntax error at '}' before '}'"
    assert STANDARD.error_text(body) == body


def test_a_partial_answer_and_a_timeout_error_are_recognised():
    assert VIRTUOSO.is_partial({"X-SQL-State": "S1TAT"})
    assert not VIRTUOSO.is_partial({}) and not STANDARD.is_partial({"X-SQL-State": "S1TAT"})
    assert VIRTUOSO.is_timeout_error("Virtuoso S1TAT Error RC...: Returning partial results after anytime timeout")
    # The same limit, met at another point of the evaluation (seen on a four-way cross product).
    assert VIRTUOSO.is_timeout_error("Virtuoso HY008 Error SR203: Async statement killed by SQLCancel.")
    assert not VIRTUOSO.is_timeout_error("Virtuoso 37000 Error SP030: syntax")


def test_only_a_rolled_back_transaction_is_sent_again():
    assert VIRTUOSO.is_retry_error("Virtuoso 40001 Error SR172: Transaction deadlocked")
    assert not VIRTUOSO.is_retry_error("Virtuoso 37000 Error SP030: syntax")
    assert not VIRTUOSO.is_retry_error("Virtuoso S1TAT Error RC...: Returning partial results after anytime timeout")
    assert not STANDARD.is_retry_error("Virtuoso 40001 Error SR172: Transaction deadlocked")


def test_virtuoso_hides_its_own_graphs_and_the_stand_in_default_graph():
    assert VIRTUOSO.hides("http://www.openlinksw.com/schemas/virtrdf#")
    assert VIRTUOSO.hides(VIRTUOSO_DEFAULT_GRAPH)
    assert not VIRTUOSO.hides("http://example.org/guide/graph") and not STANDARD.hides(VIRTUOSO_DEFAULT_GRAPH)


def store(dialect: str) -> RemoteStore:
    return RemoteStore("http://127.0.0.1:9/sparql", dialect=dialect)  # nothing is sent by these tests


def test_inserts_are_split_for_virtuoso_and_blank_nodes_kept_together():
    lines = [f"<urn:s{i}> <urn:p> {i} .".encode() for i in range(2500)]
    lines += [b"_:a <urn:p> _:b .", b"_:b <urn:p> 1 ."]
    update = store("virtuoso")._insert({"urn:g": b"\n".join(lines) + b"\n", None: b"_:a <urn:q> 2 .\n"})
    operations = update.split(" ;\n")
    assert [op.startswith("INSERT DATA") for op in operations] == [True, True, True, False]
    assert operations[0].count("<urn:p>") == 1000 and operations[2].count("<urn:p>") == 500
    template = operations[3]
    assert template.startswith("INSERT {") and template.endswith("WHERE { }")
    # one template for every blank node, so _:a is one node in both graphs
    assert template.count("_:a") == 2 and f"GRAPH <{VIRTUOSO_DEFAULT_GRAPH}>" in template


def test_a_standard_server_gets_one_insert_data():
    update = store("standard")._insert({"urn:g": b"_:a <urn:p> 1 .\n", None: b"<urn:s> <urn:p> 2 .\n"})
    assert update.startswith("INSERT DATA {") and " ;" not in update
    assert "GRAPH <urn:g>" in update and "GRAPH <urn:x-guidegraph" not in update
