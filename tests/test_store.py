"""The embedded store, its engine process, and the result helpers."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse

import pyoxigraph
import pytest
import rdflib
import rdflib.compare

from guidegraph.errors import UsageError
from guidegraph.server import create_app
from guidegraph.server.app import close_app
from guidegraph.store import Dataset, QuerySyntaxError, QueryTimeout, open_store
from guidegraph.store.dataset_clause import query_dataset
from guidegraph.store.embedded import readable_syntax_message
from guidegraph.store.jsonld_writer import compact_jsonld_bytes, grouped_by_subject
from guidegraph.store.results import capped_solutions, count_rows_upper_bound, result_format_by_name, scan_query, tsv_as

EX = "http://example.org/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def nquads(graph: str, n: int, prefix: str = "s") -> bytes:
    return "".join(f'<{EX}{prefix}{i}> <{EX}p> "{i}" <{graph}> .\n' for i in range(n)).encode()


def select_json(store, query: str, **kw) -> list[dict]:
    answer = store.query(query, result_format="json", graph_format="turtle", **kw)
    return json.loads(answer.body)["results"]["bindings"]


@pytest.fixture(scope="module")
def store():
    s = open_store({})
    s.bulk_load_nquads(nquads(f"{EX}g1", 3) + nquads(f"{EX}g2", 2, "t"))
    yield s
    s.close()


def test_named_graphs_and_counts(store):
    assert store.named_graphs() == [f"{EX}g1", f"{EX}g2"]
    assert store.triple_count() == 5
    assert store.triple_count(f"{EX}g2") == 2


def test_default_graph_is_the_union_of_guides(store):
    rows = select_json(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert rows[0]["n"]["value"] == "5"


def test_without_union_the_default_graph_is_the_stores_own(tmp_path):
    with open_store({"data_dir": str(tmp_path / "d"), "union_default_graph": False}) as s:
        s.bulk_load_nquads(nquads(f"{EX}g1", 3))
        assert select_json(s, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"] == "0"
        assert select_json(s, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"] == "3"


def test_protocol_dataset_picks_graphs(store):
    rows = select_json(store, "SELECT ?s WHERE { ?s ?p ?o }", dataset=Dataset((f"{EX}g2",), ()))
    assert sorted(r["s"]["value"] for r in rows) == [f"{EX}t0", f"{EX}t1"]
    assert select_json(store, "SELECT ?s WHERE { ?s ?p ?o }", dataset=Dataset((f"{EX}nothing",), ())) == []


def count(store, query: str, **kw) -> int:
    return int(select_json(store, query, **kw)[0]["n"]["value"])


@pytest.mark.parametrize(
    "clauses, expected",
    [
        (f"FROM <{EX}g2>", 2),
        ("FROM <urn:nothing>", 0),
        (f"FROM <{EX}g1> FROM <{EX}g2>", 5),
        (f"FROM NAMED <{EX}g1>", 0),  # FROM NAMED alone leaves the default graph empty (§13.2)
    ],
)
def test_from_clauses_name_the_default_graph_on_a_union_store(store, clauses, expected):
    assert count(store, f"SELECT (COUNT(*) AS ?n) {clauses} WHERE {{ ?s ?p ?o }}") == expected


def test_from_named_limits_the_graph_clause(store):
    rows = select_json(store, f"SELECT DISTINCT ?g FROM NAMED <{EX}g2> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert [r["g"]["value"] for r in rows] == [f"{EX}g2"]
    # FROM alone leaves no named graphs
    assert count(store, f"SELECT (COUNT(*) AS ?n) FROM <{EX}g1> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == 0


def test_protocol_dataset_overrides_from_clauses(store):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{EX}g1> WHERE {{ ?s ?p ?o }}"
    assert count(store, query, dataset=Dataset((f"{EX}g2",), ())) == 2


def test_from_targets_resolve_like_the_rest_of_the_query(store):
    assert count(store, f"PREFIX ex: <{EX}> SELECT (COUNT(*) AS ?n) FROM ex:g2 WHERE {{ ?s ?p ?o }}") == 2
    assert count(store, f"BASE <{EX}> SELECT (COUNT(*) AS ?n) FROM <g1> WHERE {{ ?s ?p ?o }}") == 3
    assert count(store, "SELECT (COUNT(*) AS ?n) FROM <g2> WHERE { ?s ?p ?o }", base_iri=EX) == 2


@pytest.mark.parametrize(
    "query",
    [
        f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?o != "FROM <{EX}g2>") }}',
        f"SELECT (COUNT(*) AS ?n) # FROM <{EX}g2>\nWHERE {{ ?s ?p ?o }}",
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(?p != <{EX}FROM>) }}",
        f"PREFIX from: <{EX}> SELECT (COUNT(?from) AS ?n) WHERE {{ ?from ?p ?o FILTER(?p != from:FROM) }}",
    ],
)
def test_from_lookalikes_leave_the_union_default_graph(store, query):
    assert count(store, query) == 5


DATASET_CLAUSE_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o }",
    f"SELECT * FROM <{EX}a> WHERE {{ ?s ?p ?o }}",
    f"SELECT*FROM<{EX}a>FROM NAMED<{EX}b>{{}}",
    f"BASE <{EX}base/> PREFIX named: <{EX}n/> SELECT ?from FROM named:x FROM NAMED named:y FROM NAMED <rel> {{ ?from ?p ?o }}",
    f"PREFIX : <{EX}> ASK FROM : FROM :a {{}}",
    f"SELECT * # FROM <{EX}comment>\nFROM # a comment between\n <{EX}a> WHERE {{ ?s ?p 'FROM <{EX}string>' }}",
    f"CONSTRUCT FROM <{EX}a> FROM <{EX}a> WHERE {{ ?s ?p ?o }}",
    f"DESCRIBE <{EX}x> FROM NAMED <{EX}b>",
    f"select * from <{EX}lower> from named <{EX}lower-named> {{}}",
]


@pytest.mark.parametrize("query", DATASET_CLAUSE_QUERIES, ids=range(len(DATASET_CLAUSE_QUERIES)))
def test_dataset_clauses_agree_with_rdflibs_parser(query):
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    base = "http://request.example/"
    clauses = translateQuery(parseQuery(query), base=base).algebra.get("datasetClause") or []
    default = tuple(dict.fromkeys(str(c["default"]) for c in clauses if "default" in c))
    named = tuple(dict.fromkeys(str(c["named"]) for c in clauses if "named" in c))
    expected = Dataset(default, named) if clauses else None
    assert query_dataset(query, base) == expected


def test_escapes_in_a_prefixed_from_target_are_resolved():
    # rdflib keeps the backslash of a local-name escape; the SPARQL grammar drops it.
    assert query_dataset(f"PREFIX ex: <{EX}> SELECT * FROM ex:a\\.b FROM NAMED ex:c\\~d {{}}") == Dataset((f"{EX}a.b",), (f"{EX}c~d",))


def test_data_survives_reopening_the_directory(tmp_path):
    path = str(tmp_path / "store")
    with open_store({"data_dir": path}) as s:
        s.bulk_load_nquads(nquads(f"{EX}g", 4))
    with open_store({"data_dir": path}) as s:
        assert s.triple_count() == 4


def test_syntax_error_carries_position(store):
    with pytest.raises(QuerySyntaxError) as err:
        store.query("SELECT ?s WHERE { ?s ?p }", result_format="json", graph_format="turtle")
    assert "line 1, column " in str(err.value)
    assert isinstance(err.value, UsageError)


def test_readable_syntax_message_names_character_classes_in_words():
    raw = "error at 1:5: expected one of \"$\", BASE, ['0'..='9'], ['A' ..= 'Z' | 'a' ..= 'z'\n| 'x'..='y'], [_]"
    assert readable_syntax_message(raw) == 'line 1, column 5: expected "$", BASE, a digit or a letter'


def test_time_limit_kills_the_query_and_the_store_recovers(tmp_path):
    with open_store({"data_dir": str(tmp_path / "slow")}) as s:
        s.bulk_load_nquads(nquads(f"{EX}big", 30000))
        pid = s.engine_pid
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            s.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                    result_format="json", graph_format="turtle", timeout=1.0)
        assert time.monotonic() - started < 10
        # The engine that ran the query is gone (the work really stopped) and a new one serves.
        assert s.engine_pid != pid
        with pytest.raises(ProcessLookupError):
            import os
            os.kill(pid, 0)
        assert s.triple_count() == 30000
        # An update past its limit is stopped too, and nothing of it is written.
        with pytest.raises(QueryTimeout):
            s.update(f"INSERT {{ GRAPH <{EX}big> {{ <{EX}x> <{EX}count> ?n }} }} WHERE "
                     "{ SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } } }", timeout=1.0)
        assert s.triple_count() == 30000


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_max_rows_truncates_in_every_format(store, fmt):
    answer = store.query("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", result_format=fmt, graph_format="turtle", max_rows=2)
    assert answer.truncated
    if fmt == "csv":  # lossy, so pyoxigraph will not read it back
        import csv
        import io
        rows = list(csv.reader(io.StringIO(answer.body.decode())))
        assert rows == [["s"], [f"{EX}s0"], [f"{EX}s1"]]
        return
    solutions = list(pyoxigraph.parse_query_results(answer.body, format=result_format_by_name(fmt).oxigraph))
    assert [s["s"].value for s in solutions] == [f"{EX}s0", f"{EX}s1"]


def counted_cross_product() -> tuple:
    """A query of 4,000,000 solutions, run anew by the function returned, and the list of the
    solutions it really computed: a counting function in the projection tells them."""
    store = pyoxigraph.Store()
    store.bulk_load(input=nquads(f"{EX}g", 2000), format=pyoxigraph.RdfFormat.N_QUADS)
    computed = []

    def tick(term):
        computed.append(term)
        return term

    tick_iri = pyoxigraph.NamedNode(f"{EX}tick")

    def run():
        return store.query(f"SELECT ?s (<{EX}tick>(?o) AS ?t) WHERE {{ ?s ?p ?o . ?a ?b ?c }}",
                           use_default_graph_as_union=True, custom_functions={tick_iri: tick})

    return run, computed


def assert_cut_at(body: bytes, fmt: str, rows: int) -> None:
    if fmt == "csv":
        import csv
        import io
        assert len(list(csv.reader(io.StringIO(body.decode())))) == rows + 1
    else:
        assert len(list(pyoxigraph.parse_query_results(body, format=result_format_by_name(fmt).oxigraph))) == rows


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_row_cap_stops_evaluation_once_past_the_cap(fmt):
    # the cap must stop the engine, not only cut the output
    run, computed = counted_cross_product()
    body, truncated = capped_solutions(run(), 500, result_format_by_name(fmt))
    assert truncated
    assert len(computed) < 1_000  # of 4,000,000 solutions; the writer's buffer runs a little ahead
    assert_cut_at(body, fmt, 500)


CAP_QUERIES = [
    "SELECT * WHERE {}",  # one solution without variables
    "SELECT ?x WHERE { ?x ?p ?o }",  # no solutions
    'SELECT * WHERE { VALUES (?a ?b) { ("x\\ty\\nz"@zh-Hans 1.5e0) (UNDEF "é") (<http://x/1> UNDEF) } BIND(BNODE() AS ?c) }',
]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("query", CAP_QUERIES, ids=["no-variables", "empty", "mixed-terms"])
def test_a_result_within_the_cap_is_the_engines_own_serialisation(query, fmt):
    store = pyoxigraph.Store()
    oxigraph_format = result_format_by_name(fmt).oxigraph
    body, truncated = capped_solutions(store.query(query), 3, result_format_by_name(fmt))
    assert not truncated
    if "BNODE" in query:  # fresh blank nodes each run: compare with the labels blanked
        import re
        body, expected = (re.sub(rb"(_:|\"bnode\",\"value\":\"|<bnode>)[0-9a-f]+", rb"\1B", b)
                          for b in (body, store.query(query).serialize(format=oxigraph_format)))
    else:
        expected = store.query(query).serialize(format=oxigraph_format)
    assert body == expected


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_a_result_within_the_cap_is_written_once_in_its_own_format(fmt):
    store = pyoxigraph.Store()
    store.bulk_load(input=nquads(f"{EX}g", 40), format=pyoxigraph.RdfFormat.N_QUADS)
    query = "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?s"
    runs = []
    body, truncated = capped_solutions(store.query(query), 40, result_format_by_name(fmt),
                                       again=lambda: runs.append(1) or store.query(query))
    assert not truncated and runs == []  # no second run, no TSV in between
    assert body == store.query(query).serialize(format=result_format_by_name(fmt).oxigraph)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_a_result_past_the_cap_is_cut_exactly_after_a_second_run(fmt):
    run, computed = counted_cross_product()
    body, truncated = capped_solutions(run(), 500, result_format_by_name(fmt), again=run)
    assert truncated
    assert len(computed) < 2_000  # both runs stopped near the cap, of 4,000,000 solutions
    assert_cut_at(body, fmt, 500)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_text_that_looks_like_rows_takes_the_exact_path(fmt):
    """Literals full of row markers push the bound past the cap; the answer is still whole and uncut.
    (XML escapes the markers in text, so there the bound stays exact.)"""
    store = pyoxigraph.Store()
    lookalike = ',{ [{ <result> <result/> \\n ' * 30
    store.update(f'INSERT DATA {{ <{EX}s> <{EX}p> "{lookalike}" }}')
    query = "SELECT ?o WHERE { ?s ?p ?o }"
    runs = []
    body, truncated = capped_solutions(store.query(query), 3, result_format_by_name(fmt),
                                       again=lambda: runs.append(1) or store.query(query))
    assert runs == ([] if fmt == "xml" else [1]) and not truncated
    assert body == store.query(query).serialize(format=result_format_by_name(fmt).oxigraph)


def test_max_rows_leaves_small_results_alone(store):
    answer = store.query("SELECT ?s WHERE { ?s ?p ?o }", result_format="xml", graph_format="turtle", max_rows=5)
    assert not answer.truncated
    assert answer.body.count(b"<result>") == 5


def test_replace_graph_is_atomic_for_readers(tmp_path):
    graph = f"{EX}guide"
    old = b"".join(f'<{EX}o{i}> <{EX}p> "{i}" .\n'.encode() for i in range(500))
    new = b"".join(f'<{EX}n{i}> <{EX}p> "{i}" .\n'.encode() for i in range(800))
    with open_store({"data_dir": str(tmp_path / "atomic")}) as s:
        assert s.replace_graph(graph, old) is False
        seen: set[int] = set()
        stop = threading.Event()

        def read():
            while not stop.is_set():
                rows = select_json(s, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
                seen.add(int(rows[0]["n"]["value"]))

        threads = [threading.Thread(target=read) for _ in range(3)]
        for t in threads:
            t.start()
        for i in range(20):
            assert s.replace_graph(graph, new if i % 2 == 0 else old) is True
        stop.set()
        for t in threads:
            t.join()
        assert seen <= {500, 800}


def test_writes_bump_the_version(tmp_path):
    with open_store({"data_dir": str(tmp_path / "v")}) as s:
        before = s.version.etag
        s.add_to_graph(f"{EX}g", f'<{EX}a> <{EX}p> "1" .'.encode())
        assert s.version.etag != before
        assert s.delete_graph(f"{EX}g") is True
        assert s.delete_graph(f"{EX}g") is False


def test_unknown_store_kind_is_a_usage_error():
    with pytest.raises(UsageError):
        open_store({"store": "mystery"})
    with pytest.raises(UsageError):
        open_store({"store": "remote"})


# --- pure helpers -------------------------------------------------------------

@pytest.mark.parametrize(
    "query, form, service",
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select", False),
        ("PREFIX ex: <http://ex/>\n# SELECT in a comment\nASK { ex:a ex:select ?o }", "ask", False),
        ("BASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "construct", False),
        ("describe <http://x/>", "describe", False),
        ('SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }', "select", True),
        ('SELECT * WHERE { service silent <http://x/> { ?s ?p ?o } }', "select", True),
        ('SELECT ?service WHERE { ?service ?p "SERVICE <x>" }', "select", False),
        ("PREFIX service: <http://x/> SELECT * WHERE { service:a ?p ?o }", "select", False),
        ('SELECT * WHERE { ?s ?p """CONSTRUCT\n SERVICE""" }', "select", False),
        ("INSERT DATA { <a> <b> <c> }", None, False),
    ],
)
def test_scan_query(query, form, service):
    shape = scan_query(query)
    assert shape.form == form
    assert shape.uses_service is service


def test_row_counting_never_undercounts():
    solutions = b'?x\n"a,{"\n"[{"\n'
    parsed = pyoxigraph.parse_query_results(solutions, format=pyoxigraph.QueryResultsFormat.TSV)
    body = parsed.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
    assert count_rows_upper_bound(body, result_format_by_name("json")) >= 2
    xml = pyoxigraph.parse_query_results(solutions, format=pyoxigraph.QueryResultsFormat.TSV).serialize(format=pyoxigraph.QueryResultsFormat.XML)
    assert count_rows_upper_bound(xml, result_format_by_name("xml")) == 2


def test_cutting_tsv_keeps_terms_exact():
    tsv = b'?x\t?y\n"a"@zh\t<http://x/1>\n"2"^^<http://www.w3.org/2001/XMLSchema#integer>\t_:b1\n"c"\t\n'
    body, truncated = tsv_as(tsv, 2, result_format_by_name("tsv"))
    tsv_format = pyoxigraph.QueryResultsFormat.TSV
    expected = list(pyoxigraph.parse_query_results(tsv, format=tsv_format))[:2]
    got = list(pyoxigraph.parse_query_results(body, format=tsv_format))
    assert truncated
    assert [tuple(s) for s in got] == [tuple(s) for s in expected]
    assert tsv_as(tsv, 3, result_format_by_name("tsv")) == (tsv, False)
    xml, truncated = tsv_as(tsv, 3, result_format_by_name("xml"))
    assert not truncated
    got = list(pyoxigraph.parse_query_results(xml, format=pyoxigraph.QueryResultsFormat.XML))
    assert [tuple(s) for s in got] == [tuple(s) for s in pyoxigraph.parse_query_results(tsv, format=tsv_format)]


# --- limits through the app ---------------------------------------------------

def test_request_size_limit_is_413():
    app = create_app({"max_request_bytes": 200})
    try:
        client = app.test_client()
        big = "ASK { " + " ".join(["?s ?p ?o ."] * 40) + " }"
        assert client.post("/sparql", data=big, content_type="application/sparql-query").status_code == 413
        assert client.get("/sparql", query_string={"query": big}).status_code == 413
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    finally:
        close_app(app)


def test_time_limit_through_http_is_503_with_message(tmp_path):
    app = create_app({"data_dir": str(tmp_path / "t"), "timeout": 1})
    try:
        app.extensions["guidegraph.store"].bulk_load_nquads(nquads(f"{EX}big", 30000))
        client = app.test_client()
        r = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        assert r.status_code == 503
        assert b"time limit" in r.data
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    finally:
        close_app(app)


def test_max_rows_through_http_sets_header():
    app = create_app({"max_rows": 2})
    try:
        app.extensions["guidegraph.store"].bulk_load_nquads(nquads(f"{EX}g", 5))
        r = app.test_client().get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert r.status_code == 200
        assert len(r.get_json()["results"]["bindings"]) == 2
        assert "X-SPARQL-Truncated" in r.headers
    finally:
        close_app(app)


@pytest.fixture(scope="module")
def million_triple_server(make_server):
    """Default settings (row cap, time limit) over 10^6 triples in one guide graph."""
    server = make_server({})
    lines = "".join(f'<{EX}m{i}> <{EX}p{i % 7}> "{i}" <{EX}million> .\n' for i in range(1_000_000))
    server.app.extensions["guidegraph.store"].bulk_load_nquads(lines.encode())
    return server


@pytest.mark.slow
@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml",
                                        "text/csv", "text/tab-separated-values"])
def test_an_unbounded_select_over_a_million_triples_is_cut_at_the_row_cap(million_triple_server, http, media_type):
    from guidegraph.server.settings import Settings

    cap = Settings().max_rows
    # 10^12 solutions: without the cap applied while evaluating this runs into the time limit (503).
    query = "SELECT ?s ?o ?t WHERE { ?s ?p ?o . ?t ?q ?v }"
    url = million_triple_server.sparql + "?" + urllib.parse.urlencode({"query": query})
    r = http("GET", url, headers={"Accept": media_type})
    assert r.status == 200, r.body[:300]
    assert r.media_type == media_type
    assert str(cap) in r.headers["x-sparql-truncated"]
    if media_type == "text/csv":
        import csv
        import io
        rows = list(csv.reader(io.StringIO(r.text())))[1:]
    else:
        fmt = pyoxigraph.QueryResultsFormat.from_media_type(media_type)
        rows = list(pyoxigraph.parse_query_results(r.body, format=fmt))
    assert len(rows) == cap


def test_unknown_setting_is_refused():
    with pytest.raises(UsageError):
        create_app({"no_such_setting": 1})


def test_a_crashed_engine_is_replaced(tmp_path):
    import os
    import signal

    with open_store({"data_dir": str(tmp_path / "crash")}) as s:
        s.bulk_load_nquads(nquads(f"{EX}g", 3))
        os.kill(s.engine_pid, signal.SIGKILL)
        time.sleep(0.2)
        # The read in flight fails over to a new engine on the same data.
        assert s.triple_count() == 3


def test_more_callers_than_engine_channels_all_get_their_own_answer(store):
    from guidegraph.store.engine import ENGINE_CHANNELS

    answers: dict[int, str] = {}

    def ask(i: int) -> None:
        rows = select_json(store, f'SELECT ?x WHERE {{ BIND("{i}" AS ?x) }}')
        answers[i] = rows[0]["x"]["value"]

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(ENGINE_CHANNELS * 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert answers == {i: str(i) for i in range(ENGINE_CHANNELS * 3)}


def test_a_slow_query_does_not_hold_up_quick_ones(tmp_path):
    with open_store({"data_dir": str(tmp_path / "busy")}) as s:
        s.bulk_load_nquads(nquads(f"{EX}big", 30000))
        slow_done = threading.Event()

        def slow() -> None:
            try:
                s.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                        result_format="json", graph_format="turtle", timeout=8.0)
            except QueryTimeout:
                pass
            slow_done.set()

        worker = threading.Thread(target=slow)
        worker.start()
        time.sleep(0.5)
        started = time.monotonic()
        for i in range(20):
            assert select_json(s, f"SELECT ?o WHERE {{ <{EX}s{i}> ?p ?o }}")[0]["o"]["value"] == str(i)
        quick = time.monotonic() - started
        assert not slow_done.is_set()  # the quick ones really ran while the slow one was still going
        assert quick < 3.0
        worker.join(30)
        assert slow_done.is_set()
        assert s.triple_count() == 30000  # and after its engine was replaced, reads go on


def test_a_closed_store_refuses_instead_of_hanging(tmp_path):
    from guidegraph.store.base import StoreUnavailable

    s = open_store({"data_dir": str(tmp_path / "closing")})
    s.bulk_load_nquads(nquads(f"{EX}g", 3))
    s.close()
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        s.triple_count()
    assert time.monotonic() - started < 5


# --- compacted JSON-LD ----------------------------------------------------------

def _jsonld_round_trip(document: bytes) -> tuple[set, rdflib.Graph]:
    """The document read back by two independent JSON-LD parsers."""
    by_oxigraph = {q.triple for q in pyoxigraph.parse(document, format=pyoxigraph.RdfFormat.JSON_LD)}
    return by_oxigraph, rdflib.Graph().parse(data=document, format="json-ld")


def _as_rdflib(triples) -> rdflib.Graph:
    data = pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data, format="nt")


def test_compact_jsonld_of_every_seed_guide_reads_back_as_the_same_graph():
    from guidegraph.ingest.corpus import corpus_nquads
    from guidegraph.ontology import jsonld_context

    seed = pyoxigraph.Store()
    seed.bulk_load(input=corpus_nquads(), format=pyoxigraph.RdfFormat.N_QUADS)
    graphs = list(seed.named_graphs())
    assert len(graphs) >= 5
    for name in graphs:
        triples = grouped_by_subject(q.triple for q in seed.quads_for_pattern(None, None, None, name))
        document = compact_jsonld_bytes(triples, jsonld_context())
        by_oxigraph, by_rdflib = _jsonld_round_trip(document)
        assert by_oxigraph == set(triples), name
        assert len(by_rdflib) == len(triples), name
        nodes = json.loads(document)["@graph"]
        # one node object per subject (given grouped triples), every IRI under a known namespace compacted
        assert len(nodes) == len({t.subject for t in triples})
        assert all(node["@id"].startswith("gg:") or node["@id"].startswith("http") for node in nodes)
        keys = {key for node in nodes for key in node}
        assert "@type" in keys and all(":" in k or k.startswith("@") for k in keys)
        assert not any(k.startswith(("https://w3id.org/guidegraph/ontology#", "http://www.w3.org/2004/02/skos/core#")) for k in keys)


def test_compact_jsonld_keeps_every_kind_of_term():
    from guidegraph.namespaces import PREFIXES

    gg, xsd = PREFIXES["gg"], PREFIXES["xsd"]
    n, bnode = pyoxigraph.NamedNode, pyoxigraph.BlankNode("b1")
    lit = pyoxigraph.Literal
    triples = [
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{gg}label"), lit("指南", language="zh")),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{gg}label"), lit("guide", language="en")),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{gg}label"), lit("نص", language="ar", direction=pyoxigraph.BaseDirection.RTL)),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{gg}amount"), lit("2.50", datatype=n(f"{xsd}decimal"))),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{gg}note"), lit('plain "quoted"\nline')),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{gg}part"), bnode),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{RDF_NS}type"), n(f"{gg}Guide")),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{RDF_NS}type"), bnode),
        pyoxigraph.Triple(bnode, n(f"{RDF_NS}type"), lit("a literal class")),
        pyoxigraph.Triple(bnode, n(f"{gg}//odd"), n("urn:x:1")),  # "gg:" + "//odd" would read as an IRI
        pyoxigraph.Triple(n("http://elsewhere.example/x"), n("http://elsewhere.example/p"), n(f"{gg}")),
        pyoxigraph.Triple(n(f"{gg}a"), n(f"{gg}later"), lit("a second node object for gg:a")),
    ]
    document = compact_jsonld_bytes(triples, PREFIXES)
    by_oxigraph, by_rdflib = _jsonld_round_trip(document)
    assert by_oxigraph == set(triples)
    without_direction = [t for t in triples if not (isinstance(t.object, pyoxigraph.Literal) and t.object.direction)]
    expected = _as_rdflib(without_direction)
    expected.add((rdflib.URIRef(f"{gg}a"), rdflib.URIRef(f"{gg}label"), rdflib.Literal("نص", lang="ar")))  # rdflib drops @direction
    assert rdflib.compare.isomorphic(by_rdflib, expected)
    text = document.decode()
    assert '"@id": "gg:a"' in text and '"gg:label": [{"@value": "指南", "@language": "zh"}' in text
    assert '"gg:note": "plain \\"quoted\\"\\nline"' in text
    assert '"@type": ["gg:Guide", "_:b1"]' in text
    assert f'"{gg}//odd"' in text


def test_only_prefixes_ending_in_a_gen_delim_compact_iris():
    from guidegraph.store.jsonld_writer import IriCompactor

    compactor = IriCompactor({"ex": "http://example.org/", "word": "http://example.org/wo"})
    assert compactor.compact("http://example.org/word") == "ex:word"  # never "word:rd"
    assert compactor.compact("http://elsewhere.example/x") == "http://elsewhere.example/x"


def test_an_iri_that_would_read_as_a_compact_iri_is_refused():
    from guidegraph.namespaces import PREFIXES

    triple = pyoxigraph.Triple(pyoxigraph.NamedNode("gg:not-ours"), pyoxigraph.NamedNode("http://e/p"), pyoxigraph.Literal("x"))
    with pytest.raises(ValueError, match="compact IRI"):
        compact_jsonld_bytes([triple], PREFIXES)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_row_sinks_bound_is_the_same_however_the_writer_cuts_its_chunks(fmt):
    from guidegraph.store.results import EnoughRows, RowBoundSink

    store = pyoxigraph.Store()
    rows = " ".join(f'(<http://x/{i}> "{i},{{[{{<result>"@zh)' for i in range(40))
    body = store.query(f"SELECT ?s ?o WHERE {{ VALUES (?s ?o) {{ {rows} }} }}").serialize(
        format=result_format_by_name(fmt).oxigraph)
    whole = count_rows_upper_bound(body, result_format_by_name(fmt)) if fmt in ("json", "xml") else 40
    for size in (1, 2, 3, 7, 64, len(body)):
        sink = RowBoundSink(10_000, result_format_by_name(fmt))
        for at in range(0, len(body), size):
            sink.write(body[at:at + size])
        assert sink.value() == body
        assert 40 <= sink._bound <= whole + 1, (size, sink._bound)  # never below the rows, never more than the whole text says
        # and it stops a writer once the bound passes a cap below the rows
        small = RowBoundSink(10, result_format_by_name(fmt))
        with pytest.raises(EnoughRows):
            for at in range(0, len(body), size):
                small.write(body[at:at + size])
