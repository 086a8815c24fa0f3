"""The guidegraph SHACL shapes: each one catches exactly what its examples say, and the shapes are valid SHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from guidegraph.shapes import SHAPE_FILES, SHAPES_NS, shape_text, shapes_graph
from guidegraph.validation import validate

EXAMPLES = Path(__file__).parent / "shapes_examples"
BAD = "https://example.org/guide#bad"
SEVERITY_BY_FILE = {"violations.ttl": SH.Violation, "warnings.ttl": SH.Warning, "info.ttl": SH.Info}


def _named_shapes(graph: Graph) -> list[URIRef]:
    shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    return sorted(s for s in shapes if isinstance(s, URIRef) and str(s).startswith(SHAPES_NS))


SHAPE_NAMES = [str(s)[len(SHAPES_NS):] for s in _named_shapes(shapes_graph())]


def test_every_shape_has_a_bilingual_message_and_a_severity():
    graph = shapes_graph()
    assert len(SHAPE_NAMES) >= 30
    for shape in _named_shapes(graph):
        langs = {m.language for m in graph.objects(shape, SH.message) if isinstance(m, Literal)}
        assert langs == {"zh", "en"}, shape
        assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape


def test_each_file_holds_only_its_severity():
    for name in SHAPE_FILES:
        graph = Graph().parse(data=shape_text(name), format="turtle")
        severities = {graph.value(s, SH.severity) for s in _named_shapes(graph)}
        assert severities == {SEVERITY_BY_FILE[name]}, name


def test_every_shape_has_both_examples():
    for name in SHAPE_NAMES:
        assert (EXAMPLES / f"{name}.pass.ttl").is_file(), name
        assert (EXAMPLES / f"{name}.fail.ttl").is_file(), name


def _results_of(path: Path, shape: str):
    report = validate(path, lang="en").report
    return [f for f in report.findings if f.shape == shape]


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_failing_example_fails_once_at_the_bad_node(shape):
    found = _results_of(EXAMPLES / f"{shape}.fail.ttl", shape)
    assert len(found) == 1, [f.to_json() for f in found]
    assert found[0].node == BAD
    assert found[0].message and found[0].messages.get("zh")


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_conforming_example_passes(shape):
    assert _results_of(EXAMPLES / f"{shape}.pass.ttl", shape) == []


def test_messages_fill_in_the_counts():
    found = _results_of(EXAMPLES / "DeclaredDirectionCount.fail.ttl", "DeclaredDirectionCount")
    assert found[0].messages["en"] == "The programme declares 3 directions but publishes 2"
    assert found[0].messages["zh"] == "宣布的方向数为 3，实际发布 2 个方向"


def test_shapes_pass_shacl_shacl_meta_validation():
    meta = Graph().parse(Path(__file__).parent / "shacl-shacl-data-shapes.ttl", format="turtle")
    conforms, _, text = shacl_validate(shapes_graph(), shacl_graph=meta, inference="none")
    assert conforms, text


def test_meta_validation_catches_a_broken_shape():
    """The meta check is not vacuous: a shape with two sh:path values is rejected."""
    meta = Graph().parse(Path(__file__).parent / "shacl-shacl-data-shapes.ttl", format="turtle")
    broken = shapes_graph()
    shape = URIRef(SHAPES_NS + "GuideTitle")
    broken.add((shape, SH.path, URIRef("https://w3id.org/guidegraph/ontology#name")))
    conforms, _, _ = shacl_validate(broken, shacl_graph=meta, inference="none")
    assert not conforms


SPAN_GUIDE = """
@prefix gg: <https://w3id.org/guidegraph/ontology#> .
@prefix ex: <https://example.org/guide#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:guide a gg:GuideDocument .
ex:direction gg:guide ex:guide ; gg:sourceSpan ex:bad .
ex:bad a gg:SourceSpan ; {lines} .
"""


@pytest.mark.parametrize("lines", [
    "gg:startLine 3",  # no end
    "gg:endLine 3",  # no start
    "gg:startLine 3, 4 ; gg:endLine 5",  # two starts
    "gg:startLine 3 ; gg:endLine 5, 6",  # two ends
    "gg:startLine 0 ; gg:endLine 5",  # not positive
    "gg:startLine 7 ; gg:endLine 5",  # start after end
    'gg:startLine "3" ; gg:endLine 5',  # a string, not an integer
    "gg:startLine 3.0 ; gg:endLine 5",  # a decimal
    'gg:startLine "three"^^xsd:integer ; gg:endLine 5',  # ill-typed
])
def test_span_lines_catch_each_kind_of_bad_span(tmp_path, lines):
    path = tmp_path / "spans.ttl"
    path.write_text(SPAN_GUIDE.replace("{lines}", lines), encoding="utf-8")
    found = _results_of(path, "SpanLines")
    assert [f.node for f in found] == [BAD]


def test_span_lines_accept_a_one_line_span(tmp_path):
    path = tmp_path / "spans.ttl"
    path.write_text(SPAN_GUIDE.replace("{lines}", "gg:startLine 4 ; gg:endLine 4"), encoding="utf-8")
    assert _results_of(path, "SpanLines") == []


def test_a_finding_on_a_span_is_located_by_its_own_lines(tmp_path):
    path = tmp_path / "spans.ttl"
    path.write_text(SPAN_GUIDE.replace("{lines}", "gg:startLine 3 ; gg:endLine 5, 6"), encoding="utf-8")
    (found,) = _results_of(path, "SpanLines")
    assert (found.start_line, found.end_line) == (3, 6)
