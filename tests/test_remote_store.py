"""The remote store against a real Oxigraph server on loopback."""

from __future__ import annotations

import json
import uuid

import pytest

from guidegraph.store import Dataset, QuerySyntaxError, StoreUnavailable, open_store

EX = "http://example.org/"


@pytest.fixture(scope="module")
def remote(oxigraph_scratch_server):
    store = open_store({
        "store": "remote",
        "endpoint": oxigraph_scratch_server + "/query",
        "update_endpoint": oxigraph_scratch_server + "/update",
        "gsp_endpoint": oxigraph_scratch_server + "/store",
    })
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
