"""The SPARQL 1.1 Protocol over real HTTP, against both store implementations."""

from __future__ import annotations

import csv
import gzip
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
import rdflib
from rdflib.compare import isomorphic

FOAF_DOC = "http://xmlns.com/foaf/0.1/Document"
KASEI = "http://kasei.us/2009/09/sparql/data/"
DOCS_QUERY = f"SELECT ?s WHERE {{ ?s a <{FOAF_DOC}> }} ORDER BY ?s"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def q(endpoint, query: str, **params) -> str:
    return endpoint.sparql + "?" + urllib.parse.urlencode({"query": query, **params}, doseq=True)


def json_values(body: bytes, var: str) -> list[str]:
    return [b[var]["value"] for b in json.loads(body)["results"]["bindings"] if var in b]


def test_get_select_defaults_to_json_over_union_of_graphs(endpoint, http):
    r = http("GET", q(endpoint, DOCS_QUERY))
    assert r.status == 200
    assert r.media_type == "application/sparql-results+json"
    assert "accept" in r.headers["vary"].lower()
    assert json_values(r.body, "s") == [f"{KASEI}data{i}.rdf" for i in (1, 2, 3)]


def test_post_form_and_post_direct_give_the_same_answer(endpoint, http):
    form = http("POST", endpoint.sparql, urllib.parse.urlencode({"query": DOCS_QUERY}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"})
    direct = http("POST", endpoint.sparql, DOCS_QUERY.encode(), {"Content-Type": "application/sparql-query"})
    assert form.status == direct.status == 200
    assert json_values(form.body, "s") == json_values(direct.body, "s") == [f"{KASEI}data{i}.rdf" for i in (1, 2, 3)]


@pytest.mark.parametrize(
    "accept, media_type",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/turtle, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_select_content_negotiation(endpoint, http, accept, media_type):
    r = http("GET", q(endpoint, DOCS_QUERY), headers={"Accept": accept})
    assert r.status == 200
    assert r.media_type == media_type


def test_select_results_parse_in_every_format(endpoint, http):
    expected = [f"{KASEI}data{i}.rdf" for i in (1, 2, 3)]
    xml = http("GET", q(endpoint, DOCS_QUERY, format="xml")).body
    uris = [e.text for e in ET.fromstring(xml).iter(SRX + "uri")]
    assert uris == expected
    rows = list(csv.reader(io.StringIO(http("GET", q(endpoint, DOCS_QUERY, format="csv")).text())))
    assert rows == [["s"]] + [[u] for u in expected]
    tsv = http("GET", q(endpoint, DOCS_QUERY, format="tsv")).text().splitlines()
    assert tsv == ["?s"] + [f"<{u}>" for u in expected]


def test_format_parameter_beats_accept(endpoint, http):
    r = http("GET", q(endpoint, DOCS_QUERY, format="text/csv"), headers={"Accept": "application/sparql-results+xml"})
    assert r.media_type == "text/csv"


def test_ask_in_json_and_xml(endpoint, http):
    ask = f"ASK {{ <{KASEI}data1.rdf> a <{FOAF_DOC}> }}"
    assert json.loads(http("GET", q(endpoint, ask)).body)["boolean"] is True
    xml = http("GET", q(endpoint, ask), headers={"Accept": "application/sparql-results+xml"}).body
    assert ET.fromstring(xml).find(SRX + "boolean").text == "true"


@pytest.mark.parametrize(
    "accept, media_type, rdflib_format",
    [
        (None, "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/trig", "application/trig", "trig"),
        ("application/n-quads", "application/n-quads", "nquads"),
    ],
)
def test_construct_in_every_rdf_format(endpoint, http, accept, media_type, rdflib_format):
    query = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }"
    r = http("GET", q(endpoint, query), headers={"Accept": accept} if accept else {})
    assert r.status == 200
    assert r.media_type == media_type
    if rdflib_format in ("trig", "nquads"):
        graph = rdflib.Dataset()
        graph.parse(data=r.body, format=rdflib_format)
        triples = {(s, p, o) for s, p, o, _ in graph.quads()}
    else:
        triples = set(rdflib.Graph().parse(data=r.body, format=rdflib_format))
    assert (rdflib.URIRef(f"{KASEI}data2.rdf"), rdflib.RDF.type, rdflib.URIRef(FOAF_DOC)) in triples
    assert len(triples) == 3


def test_describe_returns_rdf(endpoint, http):
    r = http("GET", q(endpoint, f"DESCRIBE <{KASEI}data3.rdf>"), headers={"Accept": "application/n-triples"})
    assert r.status == 200 and r.media_type == "application/n-triples"
    assert f"<{KASEI}data3.rdf>" in r.text()


GG = "https://w3id.org/guidegraph/ontology#"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
LABELLED = f'CONSTRUCT {{ <{GG}example> <{SKOS_LABEL}> "指南"@zh ; a <{FOAF_DOC}> }} WHERE {{}}'


@pytest.mark.parametrize("accept, rdflib_format", [("text/turtle", "turtle"), ("application/trig", "trig")])
def test_construct_as_turtle_or_trig_uses_the_known_prefixes(endpoint, http, accept, rdflib_format):
    from guidegraph.namespaces import PREFIXES

    r = http("GET", q(endpoint, LABELLED), headers={"Accept": accept})
    assert r.status == 200 and r.media_type == accept
    text = r.text()
    for prefix, iri in PREFIXES.items():
        assert f"@prefix {prefix}: <{iri}> ." in text
    assert "gg:example" in text and 'skos:prefLabel "指南"@zh' in text
    data = rdflib.Dataset()
    data.parse(data=r.body, format=rdflib_format)
    assert set(data.triples((None, None, None))) == {
        (rdflib.URIRef(f"{GG}example"), rdflib.URIRef(SKOS_LABEL), rdflib.Literal("指南", lang="zh")),
        (rdflib.URIRef(f"{GG}example"), rdflib.RDF.type, rdflib.URIRef(FOAF_DOC)),
    }


def test_describe_as_turtle_uses_the_known_prefixes(endpoint, http):
    r = http("GET", q(endpoint, f"DESCRIBE <{KASEI}data3.rdf>"), headers={"Accept": "text/turtle"})
    assert r.status == 200
    assert "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ." in r.text()
    assert "a <http://xmlns.com/foaf/0.1/Document>" in r.text()  # rdf:type written as "a"


def _assert_compacted(body: bytes, expected: rdflib.Graph) -> dict:
    from guidegraph.ontology import jsonld_context

    document = json.loads(body)
    assert document["@context"] == jsonld_context()
    parsed = rdflib.Graph().parse(data=body, format="json-ld")
    assert isomorphic(parsed, expected)
    return document


def test_construct_as_jsonld_is_compacted_with_the_published_context(endpoint, http):
    r = http("GET", q(endpoint, LABELLED), headers={"Accept": "application/ld+json"})
    assert r.status == 200 and r.media_type == "application/ld+json"
    expected = rdflib.Graph().parse(data=http("GET", q(endpoint, LABELLED), headers={"Accept": "application/n-triples"}).body, format="nt")
    document = _assert_compacted(r.body, expected)
    node = document if "@id" in document else next(n for n in document["@graph"] if n["@id"] == "gg:example")
    assert node["@id"] == "gg:example"  # compact IRIs, not the expanded form
    assert node["skos:prefLabel"] == {"@language": "zh", "@value": "指南"}


def test_graph_store_get_as_jsonld_is_compacted(endpoint, http):
    url = endpoint.url + "/graph-store?" + urllib.parse.urlencode({"graph": f"{KASEI}data2.rdf"})
    r = http("GET", url, headers={"Accept": "application/ld+json"})
    assert r.status == 200 and r.media_type == "application/ld+json"
    expected = rdflib.Graph().parse(data=http("GET", url, headers={"Accept": "application/n-triples"}).body, format="nt")
    assert len(expected) > 0
    _assert_compacted(r.body, expected)
    assert "rdf:type" not in r.text() and "@type" in r.text()


def test_graph_store_get_as_turtle_uses_the_known_prefixes(endpoint, http):
    url = endpoint.url + "/graph-store?" + urllib.parse.urlencode({"graph": f"{KASEI}data2.rdf"})
    r = http("GET", url, headers={"Accept": "text/turtle"})
    assert r.status == 200
    assert "@prefix gg: <https://w3id.org/guidegraph/ontology#> ." in r.text()


@pytest.mark.parametrize(
    "query, accept",
    [(DOCS_QUERY, "text/turtle"), ("CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-results+json"), (DOCS_QUERY, "image/png")],
)
def test_406_when_no_acceptable_format(endpoint, http, query, accept):
    r = http("GET", q(endpoint, query), headers={"Accept": accept})
    assert r.status == 406


def test_unknown_format_parameter_is_406(endpoint, http):
    assert http("GET", q(endpoint, DOCS_QUERY, format="turtle")).status == 406


def test_default_graph_uri_selects_stored_graphs(endpoint, http):
    one = http("GET", q(endpoint, DOCS_QUERY, **{"default-graph-uri": f"{KASEI}data1.rdf"}))
    assert json_values(one.body, "s") == [f"{KASEI}data1.rdf"]
    two = http("GET", q(endpoint, DOCS_QUERY, **{"default-graph-uri": [f"{KASEI}data1.rdf", f"{KASEI}data3.rdf"]}))
    assert json_values(two.body, "s") == [f"{KASEI}data1.rdf", f"{KASEI}data3.rdf"]


def test_named_graph_uri_limits_graph_clause(endpoint, http):
    query = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    r = http("GET", q(endpoint, query, **{"named-graph-uri": [f"{KASEI}data2.rdf", f"{KASEI}data3.rdf"]}))
    assert json_values(r.body, "g") == [f"{KASEI}data2.rdf", f"{KASEI}data3.rdf"]


def test_unknown_graph_is_an_empty_graph(endpoint, http):
    r = http("GET", q(endpoint, "ASK { ?s ?p ?o }", **{"default-graph-uri": f"{KASEI}data0.rdf"}))
    assert r.status == 200
    assert json.loads(r.body)["boolean"] is False


def test_protocol_dataset_overrides_from(endpoint, http):
    query = f"SELECT ?s FROM <{KASEI}data1.rdf> WHERE {{ ?s ?p ?o }}"
    r = http("GET", q(endpoint, query, **{"default-graph-uri": f"{KASEI}data2.rdf"}))
    assert json_values(r.body, "s") == [f"{KASEI}data2.rdf"]


COUNT_ALL = "SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ ?s ?p ?o }}"


def count_over_http(endpoint, http, query: str, **params) -> int:
    r = http("GET", q(endpoint, query, **params))
    assert r.status == 200, r.body
    return int(json_values(r.body, "n")[0])


def test_from_in_the_query_names_the_default_graph(endpoint, http):
    in_graph = count_over_http(endpoint, http, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{KASEI}data1.rdf> {{ ?s ?p ?o }} }}")
    everything = count_over_http(endpoint, http, COUNT_ALL.format(dataset=""))
    assert 0 < in_graph < everything
    assert count_over_http(endpoint, http, COUNT_ALL.format(dataset=f"FROM <{KASEI}data1.rdf>")) == in_graph
    assert count_over_http(endpoint, http, COUNT_ALL.format(dataset="FROM <urn:nothing>")) == 0
    assert count_over_http(endpoint, http, COUNT_ALL.format(dataset=f"FROM NAMED <{KASEI}data1.rdf>")) == 0


def test_from_named_in_the_query_limits_the_graph_clause(endpoint, http):
    query = f"SELECT DISTINCT ?g FROM NAMED <{KASEI}data3.rdf> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert json_values(http("GET", q(endpoint, query)).body, "g") == [f"{KASEI}data3.rdf"]


def test_protocol_named_graphs_override_from_named(endpoint, http):
    query = f"SELECT DISTINCT ?g FROM NAMED <{KASEI}data3.rdf> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    r = http("GET", q(endpoint, query, **{"named-graph-uri": f"{KASEI}data2.rdf"}))
    assert json_values(r.body, "g") == [f"{KASEI}data2.rdf"]


def test_percent_escapes_are_decoded_once(endpoint, http):
    # %2541 on the wire is the three characters "%41" in the query, not "A".
    url = endpoint.sparql + "?query=" + urllib.parse.quote('SELECT ?x WHERE { BIND("%41 a+b" AS ?x) }', safe="")
    r = http("GET", url)
    assert json_values(r.body, "x") == ["%41 a+b"]


def test_syntax_error_is_400_with_position(endpoint, http):
    r = http("GET", q(endpoint, "SELECT * WHERE { ?s ?p }"))
    assert r.status == 400
    assert r.media_type == "text/plain"
    message = r.text()
    assert "\n" not in message.strip()
    assert "line 1, column " in message  # the parser's position, in words, from both stores


def test_embedded_syntax_error_names_line_and_column(protocol_server, http):
    r = http("GET", q(protocol_server, "SELECT * WHERE {\n  ?s ?p\n}"))
    assert r.status == 400
    assert "line 3, column " in r.text()  # the missing object is noticed at the closing brace


@pytest.mark.parametrize(
    "method, body, headers",
    [
        ("PUT", b"ASK {}", {"Content-Type": "application/sparql-query"}),
        ("POST", b"ASK {}", {}),
        ("POST", b"ASK {}", {"Content-Type": "text/plain"}),
        ("POST", "query=ASK%20%7B%7D".encode("utf-16"), {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-16"}),
        ("POST", b"query=ASK%7B%7D&query=ASK%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", b"update=CLEAR%20ALL", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}),
    ],
    ids=["put", "no-content-type", "wrong-type", "utf16", "two-queries", "update-form-read-only", "update-direct-read-only"],
)
def test_bad_requests_are_4xx(endpoint, http, method, body, headers):
    r = http(method, endpoint.sparql, body, headers)
    assert 400 <= r.status < 500, r.body
    assert json.loads(http("GET", q(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")).body)["results"]["bindings"][0]["n"]["value"] == "3"


def test_read_only_update_is_403(endpoint, http):
    r = http("POST", endpoint.sparql, b"CLEAR ALL", {"Content-Type": "application/sparql-update"})
    assert r.status == 403


def test_update_by_get_is_refused(endpoint, http):
    r = http("GET", endpoint.sparql + "?update=" + urllib.parse.quote("CLEAR ALL"))
    assert r.status in (400, 405)


def test_service_is_rejected_by_default(endpoint, http):
    r = http("GET", q(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"))
    assert r.status == 400
    assert "SERVICE" in r.text()


def test_service_word_inside_a_literal_is_fine(endpoint, http):
    r = http("GET", q(endpoint, 'SELECT ?x WHERE { BIND("SERVICE <http://x/>" AS ?x) }'))
    assert r.status == 200


def test_cors_allows_reads_from_any_origin(endpoint, http):
    r = http("GET", q(endpoint, "ASK {}"), headers={"Origin": "https://example.org"})
    assert r.headers.get("access-control-allow-origin") == "*"
    pre = http("OPTIONS", endpoint.sparql, headers={
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert pre.status == 200
    assert "POST" in pre.headers.get("access-control-allow-methods", "")
    assert "authorization" not in pre.headers.get("access-control-allow-headers", "").lower()


def test_gzip_when_asked(endpoint, http):
    query = "SELECT ?i WHERE { VALUES ?i { " + " ".join(str(i) for i in range(500)) + " } }"
    r = http("GET", q(endpoint, query), headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"
    assert len(json.loads(gzip.decompress(r.body))["results"]["bindings"]) == 500
    plain = http("GET", q(endpoint, query))
    assert "content-encoding" not in plain.headers


def test_etag_and_conditional_get_on_embedded(protocol_server, http):
    url = q(protocol_server, DOCS_QUERY)
    first = http("GET", url)
    etag = first.headers["etag"]
    assert first.headers.get("last-modified")
    assert http("GET", url).headers["etag"] == etag
    again = http("GET", url, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    other = http("GET", url, headers={"Accept": "text/csv"})
    assert other.headers["etag"] != etag


# --- the protocol functions, without HTTP ---------------------------------------

from guidegraph.errors import StoreError  # noqa: E402
from guidegraph.server.access import check_write  # noqa: E402
from guidegraph.server.errors import status_for  # noqa: E402
from guidegraph.server.protocol import (  # noqa: E402
    NotAcceptable,
    ProtocolError,
    apply_update_dataset,
    negotiate,
    parse_accept,
    parse_operation,
    RESULT_CANDIDATES,
)
from guidegraph.store import QuerySyntaxError, QueryTimeout  # noqa: E402


def test_parse_operation_forms():
    op = parse_operation("GET", {"query": ["ASK {}"], "default-graph-uri": ["http://g/1", "http://g/2"]}, None, b"")
    assert op.kind == "query" and op.dataset.default_graphs == ("http://g/1", "http://g/2") and op.dataset.named_graphs is None
    assert parse_operation("GET", {}, None, b"").kind == "description"
    direct = parse_operation("POST", {"named-graph-uri": ["http://g/"]}, "application/sparql-query; charset=utf-8", "ASK {}".encode())
    assert direct.text == "ASK {}" and direct.dataset.named_graphs == ("http://g/",)
    form = parse_operation("POST", {}, "application/x-www-form-urlencoded", b"update=x", {"update": ["CLEAR ALL"], "using-graph-uri": ["http://u/"]})
    assert form.kind == "update" and form.using_graphs == ("http://u/",)


@pytest.mark.parametrize(
    "method, params, ctype, body, form, status",
    [
        ("GET", {"update": ["CLEAR ALL"]}, None, b"", None, 405),
        ("DELETE", {}, None, b"", None, 405),
        ("POST", {}, None, b"ASK {}", None, 415),
        ("POST", {}, "text/plain", b"ASK {}", None, 415),
        ("POST", {}, "application/sparql-query; charset=ISO-8859-1", b"ASK {}", None, 415),
        ("POST", {}, "application/sparql-query", b"\xff\xfeA", None, 400),
        ("POST", {}, "application/x-www-form-urlencoded", b"", {"query": ["a", "b"]}, 400),
        ("POST", {}, "application/x-www-form-urlencoded", b"", {"query": ["a"], "update": ["b"]}, 400),
        ("POST", {}, "application/x-www-form-urlencoded", b"", {}, 400),
    ],
)
def test_parse_operation_rejections(method, params, ctype, body, form, status):
    with pytest.raises(ProtocolError) as err:
        parse_operation(method, params, ctype, body, form)
    assert err.value.status == status


def test_negotiation_prefers_quality_then_specificity_then_server_order():
    assert negotiate(None, RESULT_CANDIDATES)[1] == "json"
    assert negotiate("text/*", RESULT_CANDIDATES)[1] == "csv"
    assert negotiate("application/sparql-results+xml;q=0.9, text/tab-separated-values", RESULT_CANDIDATES)[1] == "tsv"
    assert negotiate("*/*;q=0.1, text/csv;q=0", RESULT_CANDIDATES)[1] == "json"
    assert negotiate("text/csv;q=0", RESULT_CANDIDATES) is None
    assert [r.q for r in parse_accept("a/b;q=0.5, c/d")] == [0.5, 1.0]


def test_format_choice_is_the_same_cached_or_not():
    from guidegraph.server import protocol

    short = "application/sparql-results+xml;q=0.9, text/tab-separated-values"
    long = short + ", " + ", ".join(f"x-unknown/type{i};q=0.1" for i in range(100))  # past the cached length
    assert len(long) > protocol._CACHED_HEADER_CHARS
    for accept in (short, long):
        assert protocol.choose_result_format(accept, None).name == "tsv"
        assert protocol.choose_result_format(accept, None).name == "tsv"  # second call: from the cache if short
    protocol.choose_result_format.cache.cache_clear()
    protocol.choose_result_format(long, None)
    assert protocol.choose_result_format.cache.cache_info().currsize == 0
    with pytest.raises(NotAcceptable):
        protocol.choose_result_format(None, "no-such-format")


def test_update_dataset_becomes_using_clauses():
    update = 'PREFIX ex: <http://ex/where> INSERT { ?s ex:p "WHERE" } WHERE { ?s ?p ?o { SELECT * WHERE { ?a ?b ?c } } }'
    out = apply_update_dataset(update, ["http://a/"], ["http://b/"])
    assert out.count("USING <http://a/> USING NAMED <http://b/> WHERE") == 1
    assert out.endswith("WHERE { ?s ?p ?o { SELECT * WHERE { ?a ?b ?c } } }")
    assert apply_update_dataset("CLEAR ALL", None, None) == "CLEAR ALL"
    with pytest.raises(ProtocolError):
        apply_update_dataset("WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", None, ["http://n/"])
    with pytest.raises(ProtocolError):
        apply_update_dataset("DELETE WHERE { ?s ?p ?o }", ["http://a/"], None)


def test_error_statuses_by_type():
    assert status_for(QuerySyntaxError("x")) == 400
    assert status_for(QueryTimeout("x")) == 503
    assert status_for(StoreError("x")) == 500
    assert status_for(RuntimeError("x")) == 500
    assert status_for(ProtocolError("x", 413)) == 413


def test_write_check():
    with pytest.raises(ProtocolError) as err:
        check_write(None, "Bearer t")
    assert err.value.status == 403
    with pytest.raises(ProtocolError) as err:
        check_write("t", None)
    assert err.value.status == 401
    with pytest.raises(ProtocolError) as err:
        check_write("t", "Bearer u")
    assert err.value.status == 403
    check_write("t", "Bearer t")
