"""Structural lint of the shipped ontology files, and the GG namespace kept in step with them."""

from __future__ import annotations

import json

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from guidegraph.config import ONTOLOGY_IRI, ONTOLOGY_NS
from guidegraph.namespaces import GG, PREFIXES
from guidegraph.ontology import ONTOLOGY_FILES, core_graph, jsonld_context, ontology_graph, ontology_path, ontology_text

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


def our_terms(graph, types=TERM_TYPES):
    return {s for t in types for s in graph.subjects(RDF.type, t) if str(s).startswith(ONTOLOGY_NS)}


@pytest.fixture(scope="module")
def onto():
    return ontology_graph()


def test_every_file_parses_and_is_shipped_as_package_data():
    for name in ONTOLOGY_FILES + ("context.jsonld",):
        assert ontology_path(name).is_file()
        assert ontology_text(name).strip()


def test_ontology_header(onto):
    ont = URIRef(ONTOLOGY_IRI)
    assert (ont, RDF.type, OWL.Ontology) in onto
    version_iri = onto.value(ont, OWL.versionIRI)
    assert version_iri is not None and str(version_iri).startswith(ONTOLOGY_IRI + "/")
    assert onto.value(ont, OWL.versionInfo) is not None
    assert str(onto.value(ont, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    assert onto.value(ont, DCTERMS.creator) is not None
    titles = {t.language for t in onto.objects(ont, DCTERMS.title)}
    assert {"zh", "en"} <= titles


def test_concepts_the_issue_asks_for_are_classes(onto):
    wanted = [
        "GuideDocument", "Programme", "SpecialProgramme", "Category", "FieldSection", "Field", "Direction",
        "SubDirection", "ResearchContent", "Indicator", "QuantitativeConstraint", "Requirement", "EligibilityRule",
        "ApplicationMaterial", "Note", "FundingAmount", "Deadline", "ApplicationPeriod", "Office",
        "AcceptingOffice", "ResponsibleDepartment", "IssuingAuthority", "ContactPoint", "Jurisdiction",
        "JurisdictionLevel", "Tag", "SourceDocument", "SourceSpan",
    ]
    for name in wanted:
        assert (GG[name], RDF.type, OWL.Class) in onto, name
    for prop, kind in [("value", OWL.DatatypeProperty), ("maxValue", OWL.DatatypeProperty), ("unit", OWL.DatatypeProperty),
                       ("comparator", OWL.ObjectProperty), ("yuan", OWL.DatatypeProperty), ("currency", OWL.DatatypeProperty),
                       ("scale", OWL.DatatypeProperty), ("telephone", OWL.DatatypeProperty), ("personName", OWL.DatatypeProperty),
                       ("year", OWL.DatatypeProperty), ("tag", OWL.ObjectProperty), ("jurisdictionLevel", OWL.ObjectProperty)]:
        assert (GG[prop], RDF.type, kind) in onto, prop


def test_every_term_has_zh_and_en_label_and_definitions(onto):
    problems = []
    for term in our_terms(onto):
        labels = {lit.language for lit in onto.objects(term, RDFS.label) if isinstance(lit, Literal)}
        definitions = {lit.language for lit in onto.objects(term, SKOS.definition) if isinstance(lit, Literal)}
        if not {"zh", "en"} <= labels:
            problems.append(f"{term}: labels {sorted(filter(None, labels))}")
        if not {"zh", "en"} <= definitions:
            problems.append(f"{term}: definitions {sorted(filter(None, definitions))}")
    assert not problems, "\n".join(problems)


def test_each_of_our_terms_has_exactly_one_owl_kind(onto):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for term in our_terms(onto):
        declared = [k for k in kinds if (term, RDF.type, k) in onto]
        assert len(declared) <= 1, f"{term} is punned as {declared}"


def test_domains_and_ranges_point_at_declared_terms(onto):
    declared = our_terms(onto)
    for prop in our_terms(onto, (OWL.ObjectProperty, OWL.DatatypeProperty)):
        for axis in (RDFS.domain, RDFS.range):
            for target in onto.objects(prop, axis):
                if str(target).startswith(ONTOLOGY_NS):
                    assert target in declared, f"{prop} {axis} {target} is undeclared"
    for prop in our_terms(onto, (OWL.ObjectProperty,)):
        if prop in (GG.guide, GG.field, GG.intro, GG.comparator, GG.note, GG.requirement, GG.eligibilityRule,
                    GG.funding, GG.sourceDocument, GG.sourceSpan):
            continue  # used from several classes on purpose
        assert onto.value(prop, RDFS.domain) is not None, f"{prop} has no domain"
    for prop in our_terms(onto, (OWL.ObjectProperty,)):
        assert onto.value(prop, RDFS.range) is not None, f"{prop} has no range"


def test_language_tagged_properties_have_no_string_range(onto):
    # A range of xsd:string would make every "..."@zh value an inconsistency.
    for prop in (GG.title, GG.text, GG.name, GG.heading, GG.unit, GG.personName, GG.address):
        assert onto.value(prop, RDFS.range) is None, prop


def test_numbers_and_dates_have_typed_ranges(onto):
    from rdflib.namespace import XSD

    expected = {
        GG.value: XSD.decimal, GG.maxValue: XSD.decimal, GG.yuan: XSD.decimal, GG.amount: XSD.decimal,
        GG.year: XSD.gYear, GG.dateTime: XSD.dateTime, GG.date: XSD.date, GG.startLine: XSD.integer,
        GG.declaredDirectionCount: XSD.integer,
    }
    for prop, datatype in expected.items():
        assert onto.value(prop, RDFS.range) == datatype, prop


def test_gg_namespace_lists_exactly_the_ontology_terms():
    graph = ontology_graph()
    in_turtle = {str(t)[len(ONTOLOGY_NS):] for t in our_terms(graph)}
    in_python = {name for name in GG.__annotations__}
    assert in_python == in_turtle, f"only in Python: {sorted(in_python - in_turtle)}; only in Turtle: {sorted(in_turtle - in_python)}"


def test_gg_namespace_fails_on_unknown_terms():
    with pytest.raises(AttributeError):
        GG.Directoin  # noqa: B018 - the typo is the point


def test_alignment_file_covers_every_vocabulary_the_issue_names():
    align = ontology_graph(("alignments.ttl",))
    targets = {str(o) for _, p, o in align if p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass)}
    for ns in ("http://www.w3.org/2004/02/skos/core#", "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#",
               "http://www.w3.org/ns/org#", "http://www.w3.org/2006/vcard/ns#", "http://www.w3.org/ns/prov#",
               "https://schema.org/", "http://data.europa.eu/s66#", "http://purl.org/cerif/frapo/",
               "http://data.europa.eu/m8g/"):
        assert any(t.startswith(ns) for t in targets), f"no alignment to {ns}"
    for cls in ("Grant", "FundingScheme", "MonetaryAmount", "QuantitativeValue"):
        assert any(t == "https://schema.org/" + cls for t in targets), cls


def test_external_terms_in_alignments_are_declared_once():
    align = ontology_graph(("alignments.ttl",))
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    used = {o for _, p, o in align if p in (RDFS.subClassOf, RDFS.subPropertyOf) and not str(o).startswith(ONTOLOGY_NS)}
    for term in used:
        declared = [k for k in kinds if (term, RDF.type, k) in align]
        assert len(declared) == 1, f"{term} declared as {declared}"


def test_subproperty_axioms_do_not_mix_property_kinds(onto):
    # OWL 2 DL: an object property may only be a sub-property of an object property, etc.
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for sub, sup in onto.subject_objects(RDFS.subPropertyOf):
        k_sub = {k for k in kinds if (sub, RDF.type, k) in onto}
        k_sup = {k for k in kinds if (sup, RDF.type, k) in onto}
        assert k_sub == k_sup, f"{sub} {k_sub} subPropertyOf {sup} {k_sup}"


def test_core_ontology_stands_without_alignments():
    core = core_graph()
    assert not any(str(o).startswith("https://schema.org/") for o in core.objects(None, RDFS.subClassOf))
    assert (GG.Direction, RDF.type, OWL.Class) in core


def test_jsonld_context_declares_our_prefixes():
    ctx = jsonld_context()
    assert ctx["gg"] == ONTOLOGY_NS
    for prefix in ("skos", "prov", "schema", "dcterms", "xsd"):
        assert ctx[prefix] == PREFIXES[prefix]
    json.dumps(ctx)  # plain JSON, no rdflib objects


def test_documentation_lists_every_term_in_both_languages():
    from guidegraph.ontology.docs import render_ontology_html

    graph = ontology_graph()
    zh_html = render_ontology_html("zh")
    en_html = render_ontology_html("en")
    assert zh_html.startswith("<!DOCTYPE html>") and 'lang="zh"' in zh_html and 'lang="en"' in en_html
    for term in our_terms(graph):
        local = str(term)[len(ONTOLOGY_NS):]
        assert f'id="{local}"' in zh_html and f'id="{local}"' in en_html, local
    assert "研究方向" in zh_html and "research direction" in en_html
    assert "schema:Grant" in en_html  # alignments are shown next to the term
    with pytest.raises(ValueError):
        render_ontology_html("fr")


def test_cli_writes_docs_and_prints_turtle(tmp_path, capsys):
    from rdflib import Graph

    from guidegraph.cli import main

    out = tmp_path / "ontology.html"
    assert main(["ontology", "docs", "--lang", "en", "-o", str(out)]) == 0
    assert 'id="Direction"' in out.read_text(encoding="utf-8")
    assert main(["ontology", "show", "--core"]) == 0
    printed = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert (GG.Direction, RDF.type, OWL.Class) in printed
    assert main(["ontology", "show", "--format", "nquads"]) == 2  # one graph: a usage error, not a traceback
    assert "one graph" in capsys.readouterr().err


def test_cli_check_reports_consistency_of_a_data_file(tmp_path, capsys):
    from guidegraph.cli import main

    data = tmp_path / "bad.ttl"
    data.write_text(
        "@prefix gg: <https://w3id.org/guidegraph/ontology#> .\n"
        "<https://example.org/n> a gg:Direction, gg:Category .\n", encoding="utf-8")
    assert main(["ontology", "check", str(data)]) == 2
    assert "inconsistent" in capsys.readouterr().err
