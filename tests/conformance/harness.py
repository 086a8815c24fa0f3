"""Reading W3C test manifests (protocol, service description, graph store) into plain records.

Loaded by the conformance test modules with ``load_harness()``; no pytest here.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import RDF, Namespace
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")

W3C = Path(__file__).parent / "w3c"

STATUS_CLASSES = {
    HTS.StatusCode2xx: range(200, 300),
    HTS.StatusCode3xx: range(300, 400),
    HTS.StatusCode4xx: range(400, 500),
    HTS.StatusCode5xx: range(500, 600),
    HTS.OK: [200],
    HTS.Created: [201],
    HTS.NoContent: [204],
    HTS.NotFound: [404],
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]
    expected_format: str | None = None
    expected_boolean: bool | None = None
    expected_body: bytes | None = None
    expected_content_type: str | None = None
    location: bool = False


@dataclass
class ProtocolTest:
    name: str
    title: str
    approval: str
    requests: list[Request] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)


def _statuses(graph: rdflib.Graph, resp) -> set[int]:
    codes: set[int] = set()
    for status in graph.objects(resp, MF.expectedStatus):
        codes.update(STATUS_CLASSES.get(status, []))
    for code in graph.objects(resp, HT.statusCodeValue):
        codes.add(int(code))
    return codes


def _headers(graph: rdflib.Graph, node) -> dict[str, str]:
    headers: dict[str, str] = {}
    lst = graph.value(node, HT.headers)
    if lst is None:
        return headers
    for h in Collection(graph, lst):
        headers[str(graph.value(h, HT.fieldName)).lower()] = str(graph.value(h, HT.fieldValue))
    return headers


def _body(graph: rdflib.Graph, node) -> bytes | None:
    body = graph.value(node, HT.body)
    if body is None:
        return None
    chars = str(graph.value(body, CNT.chars))
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return chars.encode(encoding.lower())


def load_manifest(path: Path, base: str) -> tuple[rdflib.Graph, list]:
    graph = rdflib.Graph().parse(path, format="turtle", publicID=base)
    entries: list = []
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        lst = graph.value(manifest, MF.entries)
        if lst is not None:
            entries.extend(Collection(graph, lst))
    return graph, entries


def protocol_tests(path: Path, base: str) -> list[ProtocolTest]:
    graph, entries = load_manifest(path, base)
    tests = []
    for entry in entries:
        name = str(entry).rsplit("#", 1)[-1]
        approval = str(graph.value(entry, DAWGT.approval) or "").rsplit("#", 1)[-1]
        test = ProtocolTest(name, str(graph.value(entry, MF.name)), approval)
        test.requires = [str(r).rsplit("#", 1)[-1] for r in graph.objects(entry, MF.requires)]
        action = graph.value(entry, MF.action)
        for req in Collection(graph, graph.value(action, HT.requests)):
            resp = graph.value(req, HT.resp)
            fmt = graph.value(resp, MF.expectedFormat) if resp is not None else None
            boolean = graph.value(resp, MF.expectedBoolean) if resp is not None else None
            test.requests.append(
                Request(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)),
                    headers=_headers(graph, req),
                    body=_body(graph, req),
                    statuses=_statuses(graph, resp) if resp is not None else set(range(200, 400)),
                    expected_format=str(fmt) if fmt is not None else None,
                    expected_boolean=bool(boolean.toPython()) if boolean is not None else None,
                    expected_body=_body(graph, resp) if resp is not None else None,
                    expected_content_type=_headers(graph, resp).get("content-type") if resp is not None else None,
                    location=bool(resp is not None and graph.value(resp, MF.expectedLocation) is not None),
                )
            )
        tests.append(test)
    return tests


RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


def parse_boolean(media_type: str, body: bytes) -> bool:
    if media_type == "application/sparql-results+json":
        return bool(json.loads(body)["boolean"])
    if media_type == "application/sparql-results+xml":
        node = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return node is not None and node.text == "true"
    raise AssertionError(f"a boolean result cannot come as {media_type}")


def check_tabular(media_type: str, body: bytes) -> None:
    import pyoxigraph

    assert media_type in RESULT_TYPES, media_type
    if media_type == "text/csv":
        assert body.splitlines()[0]
        return
    fmt = pyoxigraph.QueryResultsFormat.from_media_type(media_type)
    results = pyoxigraph.parse_query_results(body, format=fmt)
    assert isinstance(results, pyoxigraph.QuerySolutions)
    list(results)


def parse_rdf(media_type: str, body: bytes) -> rdflib.Graph:
    assert media_type in RDF_TYPES, media_type
    return rdflib.Graph().parse(data=body, format=RDF_TYPES[media_type])
