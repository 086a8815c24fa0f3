"""The remote store against real servers on loopback: Oxigraph server and Virtuoso 7."""

from __future__ import annotations

import json
import uuid

import pyoxigraph
import pytest

from guidegraph.store import Dataset, QuerySyntaxError, QueryTimeout, StoreUnavailable, open_store
from guidegraph.store.results import result_format_by_name

EX = "http://example.org/"


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request):
    if request.param == "oxigraph":
        url = request.getfixturevalue("oxigraph_scratch_server")
        config = {"store": "remote", "endpoint": url + "/query", "update_endpoint": url + "/update", "gsp_endpoint": url + "/store"}
    else:
        config = request.getfixturevalue("virtuoso_scratch_config")
    store = open_store(config)
    yield store
    store.close()


def graph() -> str:
    return f"{EX}remote/{uuid.uuid4().hex}"


def select(store, query: str, **kw) -> list[dict]:
    return json.loads(store.query(query, result_format="json", graph_format="turtle", **kw).body)["results"]["bindings"]


def test_replace_get_and_delete_a_graph(remote):
    g = graph()
    assert remote.replace_graph(g, f'<{EX}a> <{EX}p> "一" .'.encode()) is False
    assert g in remote.named_graphs()
    assert remote.replace_graph(g, f'<{EX}b> <{EX}p> "二" .\n<{EX}c> <{EX}p> "三" .'.encode()) is True
    assert remote.triple_count(g) == 2
    body = remote.get_graph(g, "ntriples")
    assert '"三"'.encode() in body and f"<{EX}a>".encode() not in body
    assert remote.add_to_graph(g, f'<{EX}d> <{EX}p> "四" .'.encode()) is True
    assert remote.triple_count(g) == 3
    assert remote.delete_graph(g) is True
    assert remote.get_graph(g, "turtle") is None


def test_bulk_load_nquads_keeps_graphs(remote):
    g1, g2 = graph(), graph()
    remote.bulk_load_nquads(f'<{EX}x> <{EX}p> "1" <{g1}> .\n<{EX}y> <{EX}p> "2" <{g2}> .\n'.encode())
    assert remote.triple_count(g1) == 1 and remote.triple_count(g2) == 1


def test_query_dataset_and_formats(remote):
    g = graph()
    remote.replace_graph(g, f'<{EX}s> <{EX}p> "v" .'.encode())
    rows = select(remote, "SELECT ?s WHERE { ?s ?p ?o }", dataset=Dataset((g,), ()))
    assert [r["s"]["value"] for r in rows] == [f"{EX}s"]
    answer = remote.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}", result_format="json", graph_format="ntriples")
    assert answer.media_type == "application/n-triples"
    assert f"<{EX}s>".encode() in answer.body


def test_max_rows_truncates_remote_results(remote):
    g = graph()
    remote.replace_graph(g, "".join(f'<{EX}r{i}> <{EX}p> "{i}" .\n' for i in range(5)).encode())
    answer = remote.query(f"SELECT ?s WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}", result_format="json", graph_format="turtle", max_rows=3)
    assert answer.truncated
    assert len(json.loads(answer.body)["results"]["bindings"]) == 3


def test_remote_syntax_error_is_a_query_error(remote):
    with pytest.raises(QuerySyntaxError) as err:
        remote.query("SELECT * WHERE { ?s ?p }", result_format="json", graph_format="turtle")
    assert "line 1, column " in str(err.value)  # Oxigraph's position, in words
    assert "\n" not in str(err.value)


def test_unreachable_remote_is_unavailable():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = open_store({"store": "remote", "endpoint": f"http://127.0.0.1:{port}/query"})
    with pytest.raises(StoreUnavailable):
        store.query("ASK {}", result_format="json", graph_format="turtle")


def count(store, query: str, **kw) -> int:
    return int(select(store, query, **kw)[0]["n"]["value"])


def test_from_clauses_are_honoured_by_a_union_default_graph_server(remote):
    # The Oxigraph server runs with --union-default-graph, which on its own ignores FROM.
    g1, g2 = graph(), graph()
    remote.replace_graph(g1, f'<{EX}a> <{EX}p> "1" .\n<{EX}b> <{EX}p> "2" .'.encode())
    remote.replace_graph(g2, f'<{EX}c> <{EX}p> "3" .'.encode())
    assert count(remote, f"SELECT (COUNT(*) AS ?n) FROM <{g1}> WHERE {{ ?s ?p ?o }}") == 2
    assert count(remote, "SELECT (COUNT(*) AS ?n) FROM <urn:nothing> WHERE { ?s ?p ?o }") == 0
    assert count(remote, f"SELECT (COUNT(*) AS ?n) FROM <{g1}> FROM <{g2}> WHERE {{ ?s ?p ?o }}") == 3
    assert count(remote, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{g2}> WHERE {{ ?s ?p ?o }}") == 0
    rows = select(remote, f"SELECT DISTINCT ?g FROM NAMED <{g2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert [r["g"]["value"] for r in rows] == [g2]
    prefixed = f"PREFIX ex: <{g1.rsplit('/', 1)[0]}/> SELECT (COUNT(*) AS ?n) FROM ex:{g1.rsplit('/', 1)[1]} WHERE {{ ?s ?p ?o }}"
    assert count(remote, prefixed) == 2
    # the protocol's dataset still overrides the query's
    assert count(remote, f"SELECT (COUNT(*) AS ?n) FROM <{g1}> WHERE {{ ?s ?p ?o }}", dataset=Dataset((g2,), ())) == 1


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_row_cap_reads_a_huge_remote_answer_only_up_to_the_cap(remote, fmt):
    # 10^8 solutions: read to the end, this would run into the time limit.
    g = graph()
    remote.replace_graph(g, "".join(f'<{EX}big{i}> <{EX}p> "{i}" .\n' for i in range(10_000)).encode())
    query = f"SELECT ?s ?t WHERE {{ GRAPH <{g}> {{ ?s ?p ?o . ?t ?q ?v }} }}"
    answer = remote.query(query, result_format=fmt, graph_format="turtle", max_rows=1000, timeout=60)
    assert answer.truncated
    assert answer.media_type == result_format_by_name(fmt).media_type
    if fmt == "csv":
        import csv
        import io
        assert len(list(csv.reader(io.StringIO(answer.body.decode())))) == 1001
    else:
        assert len(list(pyoxigraph.parse_query_results(answer.body, format=result_format_by_name(fmt).oxigraph))) == 1000


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_under_a_row_cap_keeps_its_format(remote, fmt):
    answer = remote.query("ASK { }", result_format=fmt, graph_format="turtle", max_rows=10)
    assert answer.media_type == result_format_by_name(fmt).media_type
    assert bool(pyoxigraph.parse_query_results(answer.body, format=result_format_by_name(fmt).oxigraph)) is True


def test_virtuoso_stops_a_query_at_its_time_limit_and_that_is_a_timeout_never_short_results(virtuoso_scratch_config):
    # A count over 10^12 combinations: Virtuoso stops it itself at the limit we send and marks
    # its answer partial (X-SQL-State: S1TAT). (Oxigraph server has no limit of its own: it
    # would go on counting after we hang up, so it is not given this query.)
    with open_store(virtuoso_scratch_config) as store:
        g = graph()
        store.replace_graph(g, "".join(f'<{EX}t{i}> <{EX}p> "{i}" .\n' for i in range(1000)).encode())
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . ?d ?s ?w }} }}"
        with pytest.raises(QueryTimeout):
            store.query(query, result_format="json", graph_format="turtle", timeout=1)
