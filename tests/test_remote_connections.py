"""The remote store keeps its connections to the SPARQL server open between reads (real servers on loopback)."""

from __future__ import annotations

import json
import subprocess

import pytest

from guidegraph.store import QuerySyntaxError, open_store
from conftest import free_port, oxigraph_binary, wait_until_up

EX = "http://example.org/kept/"


def idle_connections(store) -> list:
    return [conn for conns in store._http._idle.values() for conn in conns]


def count_triples(store) -> int:
    body = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", result_format="json", graph_format="turtle").body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(params=["oxigraph", "virtuoso"])
def remote(request):
    if request.param == "oxigraph":
        url = request.getfixturevalue("oxigraph_scratch_server")
        config = {"store": "remote", "endpoint": url + "/query", "update_endpoint": url + "/update",
                  "gsp_endpoint": url + "/store"}
    else:
        config = request.getfixturevalue("virtuoso_scratch_config")
    store = open_store(config)
    yield store
    store.close()


def test_queries_one_after_another_share_one_connection(remote):
    addresses = set()
    for _ in range(5):
        count_triples(remote)
        kept = idle_connections(remote)
        assert len(kept) == 1
        addresses.add(kept[0].sock.getsockname())
    assert len(addresses) == 1  # the same local port each time: one TCP connection


def test_an_error_answer_leaves_the_next_query_working(remote):
    count_triples(remote)
    with pytest.raises(QuerySyntaxError):
        remote.query("SELECT * WHERE { ?s ?p }", result_format="json", graph_format="turtle")
    assert count_triples(remote) >= 0
    assert len(idle_connections(remote)) == 1


def test_a_reader_that_hangs_up_early_does_not_give_its_connection_back(oxigraph_scratch_server):
    url = oxigraph_scratch_server
    store = open_store({"store": "remote", "endpoint": url + "/query", "update_endpoint": url + "/update",
                        "gsp_endpoint": url + "/store"})
    try:
        graph = EX + "many"
        store.replace_graph(graph, "".join(f"<{EX}s{i}> <{EX}p> \"{i}\" .\n" for i in range(20000)).encode())
        count_triples(store)
        before = idle_connections(store)[0]
        # Capped at 10 rows, the TSV answer is read only that far and the connection dropped,
        # since the rest of the body is still on its way.
        answer = store.query(f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", result_format="json",
                             graph_format="turtle", max_rows=10)
        assert answer.truncated and len(json.loads(answer.body)["results"]["bindings"]) == 10
        assert before not in idle_connections(store) and before.sock is None
        assert count_triples(store) >= 20000  # a new connection, reading a whole answer
        store.delete_graph(graph)
    finally:
        store.close()



def test_a_read_under_way_when_the_store_closes_closes_its_connection(oxigraph_scratch_server):
    """A background reader (a search build, a dump) may still hold a connection when the server
    closes the store: given back afterwards, it would be kept by a closed store and never closed."""
    url = oxigraph_scratch_server
    store = open_store({"store": "remote", "endpoint": url + "/query"})
    response, _ = store._send_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+json", [], None)
    store.close()
    assert json.loads(store._read(response, None))["results"]["bindings"]
    assert idle_connections(store) == []

def test_a_server_restarted_between_queries_costs_no_error(tmp_path):
    """The kept connection died with the old server; the query goes again on a new one."""
    binary = oxigraph_binary()
    assert binary is not None, "the oxigraph server binary is not installed"
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    def start():
        proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "data"), "--bind", f"127.0.0.1:{port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_up(url + "/query?query=ASK%7B%7D", timeout=60)
        return proc

    proc = start()
    store = open_store({"store": "remote", "endpoint": url + "/query", "update_endpoint": url + "/update"})
    try:
        store.update(f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }}")
        assert count_triples(store) == 1
        stale = idle_connections(store)[0]
        proc.terminate()
        proc.wait(10)
        proc = start()
        assert count_triples(store) == 1
        assert stale not in idle_connections(store)
    finally:
        store.close()
        proc.terminate()
        proc.wait(10)
