"""The validation data graph: rdflib reads from the triple-index store, SPARQL on the pyoxigraph mirror.

Both must answer exactly what rdflib's own store and SPARQL engine answer,
or validation would report different findings than pySHACL normally would.
"""

from __future__ import annotations

import itertools

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef, Variable
from rdflib.namespace import RDF, XSD

from guidegraph.corpus import seed_paths
from guidegraph.validation.oxigraph_graph import OxigraphQueryGraph
from guidegraph.validation.triple_index_store import TripleIndexStore
from guidegraph.validation.validate import _from_path

EX = Namespace("https://example.org/")


def _sample_triples():
    node = BNode()
    return [
        (EX.a, RDF.type, EX.Thing),
        (EX.a, EX.name, Literal("甲", lang="zh")),
        (EX.a, EX["count"], Literal(3)),
        (EX.a, EX.ratio, Literal("0.5", datatype=XSD.decimal)),
        (EX.a, EX.part, node),
        (node, EX.name, Literal("plain")),
        (EX.b, RDF.type, EX.Thing),
        (EX.b, EX.name, Literal("乙", lang="zh")),
        (EX.b, EX.link, EX.a),
    ]


@pytest.fixture(scope="module")
def seed_graph():
    path = next(p for p in seed_paths() if p.name.startswith("004"))
    return _from_path(path).graph


def test_store_answers_every_pattern_like_rdflib(seed_graph):
    reference = Graph()
    for triple in seed_graph:
        reference.add(triple)
    assert isinstance(seed_graph.store, TripleIndexStore)
    assert len(seed_graph) == len(reference)
    sample = list(reference)[::97]
    for s, p, o in sample:
        for mask in itertools.product((True, False), repeat=3):
            pattern = tuple(term if keep else None for term, keep in zip((s, p, o), mask))
            assert set(seed_graph.triples(pattern)) == set(reference.triples(pattern)), pattern


def test_store_remove_and_namespaces():
    graph = Graph(store=TripleIndexStore())
    for triple in _sample_triples():
        graph.add(triple)
    graph.add(_sample_triples()[0])  # a duplicate is not counted twice
    assert len(graph) == 9
    graph.remove((EX.a, None, None))
    assert len(graph) == 4
    assert set(graph.subjects(RDF.type, None)) == {EX.b}
    assert list(graph.triples((EX.a, None, None))) == []
    graph.bind("ex", EX)
    assert graph.store.namespace("ex") == URIRef(str(EX))
    assert graph.store.prefix(URIRef(str(EX))) == "ex"


def _both(triples):
    mirrored = OxigraphQueryGraph(store=TripleIndexStore())
    reference = Graph()
    for triple in triples:
        mirrored.add(triple)
        reference.add(triple)
    return mirrored, reference


QUERIES = [
    "SELECT ?s ?n WHERE { ?s <https://example.org/name> ?n }",
    "SELECT ?s (COUNT(?p) AS ?c) WHERE { ?s ?p ?o } GROUP BY ?s",
    "SELECT ?x ?v WHERE { ?x <https://example.org/count> ?v . OPTIONAL { ?x <https://example.org/none> ?missing } }",
    "SELECT ?r WHERE { <https://example.org/a> <https://example.org/ratio> ?r }",
    "SELECT ?n WHERE { <https://example.org/a> <https://example.org/part>/<https://example.org/name> ?n }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_select_answers_like_rdflib(query):
    mirrored, reference = _both(_sample_triples())
    ours = mirrored.query(query)
    theirs = reference.query(query)
    assert [str(v) for v in ours.vars] == [str(v) for v in theirs.vars]
    assert sorted(map(tuple, ours), key=repr) == sorted(map(tuple, theirs), key=repr)


def test_blank_nodes_come_back_as_the_graphs_own():
    mirrored, _ = _both(_sample_triples())
    (row,) = mirrored.query("SELECT ?b WHERE { <https://example.org/a> <https://example.org/part> ?b }")
    assert (row[0], EX.name, Literal("plain")) in mirrored


def test_pre_bound_this_is_substituted():
    mirrored, _ = _both(_sample_triples())
    query = "SELECT $this ?n WHERE { $this <https://example.org/name> ?n }"
    rows = list(mirrored.query(query, initBindings={"this": EX.b}))
    assert rows and all(r[0] == EX.b for r in rows)
    assert [r[1] for r in rows] == [Literal("乙", lang="zh")]


def test_ask_and_construct():
    mirrored, _ = _both(_sample_triples())
    assert mirrored.query("ASK { ?s <https://example.org/link> ?o }").askAnswer is True
    assert mirrored.query("ASK { ?s <https://example.org/nothing> ?o }").askAnswer is False
    built = mirrored.query("CONSTRUCT { ?o <https://example.org/linkedFrom> ?s } WHERE { ?s <https://example.org/link> ?o }")
    assert set(built.graph) == {(EX.a, EX.linkedFrom, EX.b)}


def test_a_binding_pyoxigraph_cannot_substitute_falls_back_to_rdflib():
    """pyoxigraph substitutes only projected variables; such a query still gets rdflib's answer."""
    mirrored, _ = _both(_sample_triples())
    rows = list(mirrored.query("SELECT ?n WHERE { $this <https://example.org/name> ?n }", initBindings={"this": EX.a}))
    assert rows == [(Literal("甲", lang="zh"),)]


def test_mirror_follows_changes():
    mirrored, _ = _both(_sample_triples())
    count = "SELECT (COUNT(*) AS ?c) WHERE { ?s a <https://example.org/Thing> }"
    assert int(list(mirrored.query(count))[0][0]) == 2
    mirrored.add((EX.c, RDF.type, EX.Thing))
    assert int(list(mirrored.query(count))[0][0]) == 3
    mirrored.remove((EX.a, None, None))
    assert int(list(mirrored.query(count))[0][0]) == 2
    assert Variable("c") in mirrored.query(count).vars


# ---------------------------------------------------------------- mirror limited to what constraints read

from guidegraph.validation.sparql_predicates import predicates_read  # noqa: E402

GG_PREFIX = "PREFIX gg: <https://w3id.org/guidegraph/ontology#>\n"


@pytest.mark.parametrize("query, expected", [
    ("SELECT ?s WHERE { ?s gg:a ?o ; gg:b/gg:c ?x }", {"a", "b", "c"}),
    ("SELECT ?s WHERE { ?s ^gg:a* ?o . OPTIONAL { ?o gg:b|gg:c ?x } }", {"a", "b", "c"}),
    ("SELECT ?s WHERE { ?s gg:a ?o FILTER NOT EXISTS { ?o gg:b ?x } }", {"a", "b"}),
    ("SELECT ?s WHERE { ?s gg:a ?o FILTER EXISTS { { ?o gg:b ?x } UNION { ?o gg:c/gg:d ?x } } }", {"a", "b", "c", "d"}),
    ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s gg:a ?o } } }", {"a"}),
])
def test_predicates_read_finds_every_predicate(query, expected):
    found = predicates_read([GG_PREFIX + query])
    assert {str(p).rsplit("#", 1)[1] for p in found} >= expected


@pytest.mark.parametrize("query", [
    "SELECT ?s WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s gg:a ?o FILTER EXISTS { ?o ?p ?x } }",
    "SELECT ?s WHERE { ?s !gg:a ?o }",
    "SELECT ?s WHERE { ?s gg:a ?o FILTER NOT EXISTS { ?o !(gg:a|gg:b) ?x } }",
])
def test_a_query_that_may_read_any_predicate_means_mirror_everything(query):
    assert predicates_read([GG_PREFIX + query]) is None


def _findings_with(mirror_predicates, graph):
    from pyshacl import validate as shacl_validate

    from guidegraph.validation.validate import _cached_shapes

    copy = OxigraphQueryGraph(store=TripleIndexStore(), mirror_predicates=mirror_predicates)
    for triple in graph:
        copy.add(triple)
    _, report, _ = shacl_validate(copy, shacl_graph=_cached_shapes(), inference="none", allow_warnings=True,
                                  allow_infos=True)
    sh = "http://www.w3.org/ns/shacl#"
    return sorted(tuple(str(report.value(r, URIRef(sh + key))) for key in ("focusNode", "sourceShape", "value"))
                  for r in report.subjects(RDF.type, URIRef(sh + "ValidationResult")))


@pytest.mark.parametrize("seed", [p.name for p in seed_paths()])
def test_the_limited_mirror_finds_exactly_what_the_full_mirror_finds(seed):
    from guidegraph.validation.validate import _constraint_predicates

    limited = _constraint_predicates()
    assert limited is not None  # the shipped constraints name their predicates
    graph = _from_path(next(p for p in seed_paths() if p.name == seed)).graph
    assert sum(1 for t in graph if t[1] in limited) < len(graph)  # it really leaves triples out
    assert _findings_with(limited, graph) == _findings_with(None, graph)


def test_the_comparison_would_notice_a_missing_predicate():
    from guidegraph.namespaces import GG
    from guidegraph.validation.validate import _constraint_predicates

    graph = _from_path(next(p for p in seed_paths() if p.name.startswith("002"))).graph
    too_few = _constraint_predicates() - {GG.parentNode}
    assert _findings_with(too_few, graph) != _findings_with(None, graph)


@pytest.mark.parametrize("seed", ["001", "004"])
def test_stock_pyshacl_on_rdflib_finds_the_same(seed):
    """The shapes are a shipped data file: run by plain pySHACL on an rdflib Graph (rdflib's SPARQL
    engine), they report what guidegraph's pyoxigraph-backed validation reports."""
    from pyshacl import validate as shacl_validate

    from guidegraph.validation.validate import _cached_shapes

    graph = _from_path(next(p for p in seed_paths() if p.name.startswith(seed))).graph
    plain = Graph()
    for triple in graph:
        plain.add(triple)
    _, report, _ = shacl_validate(plain, shacl_graph=_cached_shapes(), inference="none", allow_warnings=True,
                                  allow_infos=True)
    sh = "http://www.w3.org/ns/shacl#"
    stock = sorted(tuple(str(report.value(r, URIRef(sh + key))) for key in ("focusNode", "sourceShape", "value"))
                   for r in report.subjects(RDF.type, URIRef(sh + "ValidationResult")))
    assert stock  # both seeds have findings, so the comparison is not of two empty lists
    assert stock == _findings_with(None, graph)
