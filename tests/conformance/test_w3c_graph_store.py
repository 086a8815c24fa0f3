"""W3C SPARQL 1.1 Graph Store HTTP Protocol tests against the real server (writes enabled).

Paths: ``/gsp`` in the manifests is our ``/graph-store``. Direct identification
uses the request URL as the graph IRI, so direct tests name graphs under our
loopback address. The write token is added to every request (writes need it).
Each test starts from an empty store (CLEAR ALL through SPARQL Update).
Test data: tests/conformance/w3c/graph-store (W3C, see LICENSE.md there).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

_spec = importlib.util.spec_from_file_location("w3c_harness", Path(__file__).with_name("harness.py"))
harness = sys.modules.setdefault("w3c_harness", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(harness)

GSP_DIR = harness.W3C / "graph-store"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/"
TESTS = {
    t.name: t
    for manifest in ("manifest-direct.ttl", "manifest-indirect.ttl")
    for t in harness.protocol_tests(GSP_DIR / manifest, BASE + manifest)
}
TOKEN = "gsp-conformance-token"
SUPPORTED_FEATURES = {"DirectGraphIdentification", "IndirectGraphIdentification", "POSTGraphCreation"}
NOT_APPLICABLE = {
    name: f"needs {', '.join(sorted(set(t.requires) - SUPPORTED_FEATURES))}, which this endpoint does not claim"
    for name, t in TESTS.items()
    if set(t.requires) - SUPPORTED_FEATURES
}


def our_path(path: str) -> str:
    assert path.startswith("/gsp")
    return "/graph-store" + path[len("/gsp"):]


@pytest.fixture(scope="module")
def gsp_server(make_server):
    return make_server({"write_token": TOKEN})


def test_manifests_list_13_tests():
    assert len(TESTS) == 13


@pytest.mark.parametrize("name", sorted(TESTS))
def test_graph_store_protocol(name, gsp_server, http):
    if name in NOT_APPLICABLE:
        pytest.skip(NOT_APPLICABLE[name])
    auth = {"Authorization": f"Bearer {TOKEN}"}
    cleared = http("POST", gsp_server.sparql, b"CLEAR ALL", {"Content-Type": "application/sparql-update", **auth})
    assert cleared.status == 204
    location = None
    for number, req in enumerate(TESTS[name].requests, 1):
        path = our_path(req.path)
        if location is not None:
            path = path.replace("$LOCATION$", location)
        r = http(req.method, gsp_server.url + path, req.body, {**req.headers, **auth})
        assert r.status in req.statuses, f"{name} request {number}: {req.method} {path} gave {r.status} {r.body[:200]!r}"
        if req.location:
            location = r.headers["location"]
        if req.expected_content_type:
            assert r.media_type == req.expected_content_type.split(";")[0].strip()
        if req.expected_body is not None and req.method != "HEAD":
            got = harness.parse_rdf(r.media_type, r.body)
            expected = rdflib.Graph().parse(data=req.expected_body, format="turtle")
            assert isomorphic(got, expected), f"{name} request {number}: graphs differ\n{r.text()}"
