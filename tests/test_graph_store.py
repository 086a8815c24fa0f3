"""Graph Store HTTP Protocol and SPARQL Update with the write token, over real HTTP."""

from __future__ import annotations

import json
import threading
import urllib.parse
import uuid

import rdflib

from guidegraph.server import create_app
from guidegraph.server.app import close_app

TOKEN = "test-write-token"  # the token conftest's writable_server is configured with
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EX = "http://example.org/"


def gsp(server, graph: str | None) -> str:
    if graph is None:
        return server.url + "/graph-store?default"
    return server.url + "/graph-store?" + urllib.parse.urlencode({"graph": graph})


def fresh_graph() -> str:
    return f"{EX}guide/{uuid.uuid4().hex}"


def count(server, http, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = http("GET", server.sparql + "?" + urllib.parse.urlencode({"query": query}))
    return int(json.loads(r.body)["results"]["bindings"][0]["n"]["value"])


def test_writes_need_the_token(writable_endpoint, http):
    writable_server = writable_endpoint
    graph = fresh_graph()
    body = f"<{EX}a> <{EX}p> 1 .".encode()
    missing = http("PUT", gsp(writable_server, graph), body, {"Content-Type": "text/turtle"})
    assert missing.status == 401
    assert missing.headers.get("www-authenticate", "").startswith("Bearer")
    wrong = http("PUT", gsp(writable_server, graph), body, {"Content-Type": "text/turtle", "Authorization": "Bearer nope"})
    assert wrong.status == 403
    assert http("GET", gsp(writable_server, graph)).status == 404
    update = http("POST", writable_server.sparql, f"INSERT DATA {{ <{EX}a> <{EX}p> 1 }}".encode(), {"Content-Type": "application/sparql-update"})
    assert update.status == 401


def test_read_only_server_refuses_graph_writes(protocol_server, http):
    r = http("PUT", gsp(protocol_server, fresh_graph()), b"<http://x/a> <http://x/p> 1 .",
             {"Content-Type": "text/turtle", **AUTH})
    assert r.status == 403


def test_put_get_post_delete_cycle(writable_endpoint, http):
    writable_server = writable_endpoint
    graph = fresh_graph()
    put = http("PUT", gsp(writable_server, graph), f"<{EX}a> <{EX}p> 1 .".encode(), {"Content-Type": "text/turtle", **AUTH})
    assert put.status == 201
    got = http("GET", gsp(writable_server, graph), headers={"Accept": "application/n-triples"})
    assert got.status == 200 and got.media_type == "application/n-triples"
    assert set(rdflib.Graph().parse(data=got.body, format="nt")) == {
        (rdflib.URIRef(f"{EX}a"), rdflib.URIRef(f"{EX}p"), rdflib.Literal(1))
    }
    again = http("PUT", gsp(writable_server, graph), f"<{EX}b> <{EX}p> 2 .".encode(), {"Content-Type": "text/turtle", **AUTH})
    assert again.status in (200, 204)
    assert count(writable_server, http, graph) == 1
    post = http("POST", gsp(writable_server, graph), f'<{EX}c> <{EX}p> "三" .'.encode(), {"Content-Type": "application/n-triples", **AUTH})
    assert post.status in (200, 204)
    assert count(writable_server, http, graph) == 2
    assert http("DELETE", gsp(writable_server, graph), headers=AUTH).status in (200, 204)
    assert http("GET", gsp(writable_server, graph)).status == 404
    assert http("DELETE", gsp(writable_server, graph), headers=AUTH).status == 404


def test_bad_rdf_body_is_400_and_unknown_type_415(writable_endpoint, http):
    writable_server = writable_endpoint
    graph = fresh_graph()
    bad = http("PUT", gsp(writable_server, graph), b"<a> <b> .", {"Content-Type": "text/turtle", **AUTH})
    assert bad.status == 400
    odd = http("PUT", gsp(writable_server, graph), b"hello", {"Content-Type": "text/html", **AUTH})
    assert odd.status == 415


def test_multipart_post_merges_parts(writable_endpoint, http):
    writable_server = writable_endpoint
    graph = fresh_graph()
    boundary = "XyZ123"
    parts = [f"<{EX}m1> <{EX}p> 1 .", f"<{EX}m2> <{EX}p> 2 ."]
    body = "".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"f{i}\"; filename=\"f{i}.ttl\"\r\nContent-Type: text/turtle\r\n\r\n{p}\r\n"
        for i, p in enumerate(parts)
    ) + f"--{boundary}--\r\n"
    r = http("POST", gsp(writable_server, graph), body.encode(), {"Content-Type": f"multipart/form-data; boundary={boundary}", **AUTH})
    assert r.status == 201
    assert count(writable_server, http, graph) == 2


def test_post_to_the_service_creates_a_graph_with_location(writable_endpoint, http):
    writable_server = writable_endpoint
    r = http("POST", writable_server.url + "/graph-store", f"<{EX}n> <{EX}p> 1 .".encode(), {"Content-Type": "text/turtle", **AUTH})
    assert r.status == 201
    location = r.headers["location"]
    assert location.startswith(writable_server.url + "/graph-store/")
    direct = http("GET", location, headers={"Accept": "text/turtle"})
    assert direct.status == 200
    assert f"<{EX}n>" in direct.text()


def test_graph_iri_is_percent_decoded_once(writable_endpoint, http):
    writable_server = writable_endpoint
    graph = f"{EX}with%20escape"  # the IRI itself contains "%20"
    url = writable_server.url + "/graph-store?graph=" + urllib.parse.quote(graph, safe="")
    assert http("PUT", url, f"<{EX}a> <{EX}p> 1 .".encode(), {"Content-Type": "text/turtle", **AUTH}).status == 201
    assert count(writable_server, http, graph) == 1
    assert count(writable_server, http, f"{EX}with escape".replace(" ", "%2520")) == 0


def test_update_with_token_changes_data_and_etag(writable_server, http):
    graph = fresh_graph()
    url = writable_server.sparql + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    before = http("GET", url).headers["etag"]
    r = http("POST", writable_server.sparql, f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}u> <{EX}p> 1 }} }}".encode(),
             {"Content-Type": "application/sparql-update", **AUTH})
    assert r.status in (200, 204)
    assert count(writable_server, http, graph) == 1
    after = http("GET", url)
    assert after.headers["etag"] != before
    assert http("GET", url, headers={"If-None-Match": before}).status == 200


def test_update_syntax_error_is_400(writable_endpoint, http):
    writable_server = writable_endpoint
    r = http("POST", writable_server.sparql, b"INSERT DATA { <a> }", {"Content-Type": "application/sparql-update", **AUTH})
    assert r.status == 400


def test_replacing_a_graph_is_atomic_for_concurrent_readers(writable_endpoint, http):
    writable_server = writable_endpoint
    """Readers see the old graph (200 triples) or the new one (300), never a mix."""
    graph = fresh_graph()
    old = "".join(f"<{EX}old{i}> <{EX}p> \"{i}\" .\n" for i in range(200)).encode()
    new = "".join(f"<{EX}new{i}> <{EX}p> \"{i}\" .\n" for i in range(300)).encode()
    url = gsp(writable_server, graph)
    assert http("PUT", url, old, {"Content-Type": "application/n-triples", **AUTH}).status == 201
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(count(writable_server, http, graph))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    for i in range(30):
        body = new if i % 2 == 0 else old
        assert http("PUT", url, body, {"Content-Type": "application/n-triples", **AUTH}).status in (200, 204)
    stop.set()
    for t in readers:
        t.join()
    assert seen <= {200, 300}
    assert len(seen) >= 1


def test_default_graph_put_and_get(tmp_path):
    app = create_app({"write_token": TOKEN})
    try:
        client = app.test_client()
        r = client.put("/graph-store?default", data=f"<{EX}d> <{EX}p> 1 .", content_type="text/turtle", headers=AUTH)
        assert r.status_code in (201, 204)
        got = client.get("/graph-store?default", headers={"Accept": "application/n-triples"})
        assert got.status_code == 200
        assert f"<{EX}d>".encode() in got.data
        assert client.get("/graph-store").status_code == 400  # neither ?graph nor ?default
    finally:
        close_app(app)


def test_service_in_an_update_is_rejected(writable_endpoint, http):
    update = f"INSERT {{ <{EX}a> <{EX}p> ?o }} WHERE {{ SERVICE <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}"
    r = http("POST", writable_endpoint.sparql, update.encode(), {"Content-Type": "application/sparql-update", **AUTH})
    assert r.status == 400
    assert "SERVICE" in r.text()
