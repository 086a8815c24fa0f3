"""HermiT (through owlready2, needs Java) finds the ontology consistent, alone and with the data.

The negative cases make sure the check can fail at all: owlready2 must
really hand our axioms and individuals to the reasoner.
"""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from guidegraph.errors import InputError
from guidegraph.ingest.model import Indicator, Node, Office, Outline, Quantity, Span
from guidegraph.ingest.corpus import corpus_dataset, outline_to_dataset
from guidegraph.rdf_io import union_graph
from guidegraph.namespaces import GG
from guidegraph.ontology import check_consistency

EX = "https://example.org/test/"


def test_java_is_available_for_hermit():
    assert shutil.which("java"), "HermiT needs a JRE; the CI installs default-jre-headless (.ci/apt-packages.txt)"


def test_ontology_alone_is_consistent():
    check_consistency()


def test_hand_built_guide_is_consistent():
    o = Outline(source="g.txt", title="测试指南", year=2024, jurisdiction={"name": "山西省", "level": "provincial"})
    o.nodes = [
        Node("1", "programme", "示例重点专项", declared_direction_count=1, source=Span(1, 2, 0, 20)),
        Node("1/1", "direction", "示例方向", parent="1", tags=["青年科学家项目"],
             indicators=[Indicator("完成100例以上", quantities=[Quantity(">=", 100.0, "例")], source=Span(3, 3, 21, 30))]),
    ]
    o.offices = [Office("省科技厅", "accepting", id="a1")]
    check_consistency(union_graph(outline_to_dataset(o, EX)))


def test_a_node_of_two_disjoint_kinds_is_caught():
    bad = Graph()
    node = URIRef(EX + "node")
    bad.add((node, RDF.type, GG.Direction))
    bad.add((node, RDF.type, GG.Category))
    with pytest.raises(InputError, match="inconsistent"):
        check_consistency(bad)


def test_a_wrongly_typed_value_is_caught():
    bad = Graph()
    span = URIRef(EX + "span")
    bad.add((span, RDF.type, GG.SourceSpan))
    bad.add((span, GG.startLine, Literal("第三行")))  # the range is xsd:integer
    with pytest.raises(InputError, match="inconsistent"):
        check_consistency(bad)


def test_a_domain_clash_is_caught():
    # gg:constraint has domain gg:Indicator, which is disjoint with gg:Office
    bad = Graph()
    office = URIRef(EX + "office")
    bad.add((office, RDF.type, GG.Office))
    bad.add((office, GG.constraint, URIRef(EX + "c")))
    with pytest.raises(InputError, match="inconsistent"):
        check_consistency(bad)


def test_ontology_with_the_whole_seed_graph_is_consistent():
    seed = union_graph(corpus_dataset())
    assert len(seed) > 10_000
    check_consistency(seed)
