"""Guide fields aligned with one published classification, GB/T 13745-2009 学科分类与代码.

Every guide names its fields its own way (生物医药, 生物与制药, 卫生健康 ...);
the shared gg:Field concepts join only identical names. This linker ships
the standard's disciplines as a SKOS scheme (guidegraph/data/gbt13745.tsv)
and aligns each field with it by keyword rules kept as data
(guidegraph/data/field_alignment.tsv): the first rule whose pattern is found
in the field's name decides, giving skos:closeMatch or skos:broadMatch, or
leaving the field unaligned on purpose with the rule's reason. Because the
scheme has skos:broader, "every direction in the medical sciences" is one
query (queries/11_directions_in_discipline.rq).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Iterable

import pyoxigraph as ox

from guidegraph import iris
from guidegraph.knowledge.vocabulary import RDF_TYPE, RDFS_LABEL, SKOS_NS

SKOS = SKOS_NS
DCTERMS_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
DCTERMS_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
RELATIONS = {"close": ox.NamedNode(SKOS + "closeMatch"), "broad": ox.NamedNode(SKOS + "broadMatch")}
SCHEME_NAME = "gbt13745"
STANDARD = "GB/T 13745-2009 学科分类与代码"

FIELDS_QUERY = """PREFIX gg: <https://w3id.org/guidegraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?field ?label WHERE { ?field a gg:Field ; skos:prefLabel ?label }"""


@dataclass(frozen=True)
class Discipline:
    code: str  # the standard's code, or a group key (natural, medicine, ...)
    label: str
    broader: str  # the parent's code or group key; "" for a group

    @property
    def is_group(self) -> bool:
        return not self.code.isdigit()


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    relation: str  # close, broad or none
    codes: tuple[str, ...]
    why: str


def _rows(name: str) -> Iterable[list[str]]:
    text = files("guidegraph.data").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@lru_cache(maxsize=1)
def disciplines() -> dict[str, Discipline]:
    table: dict[str, Discipline] = {}
    for row in _rows("gbt13745.tsv"):
        code, label, broader = (row + [""] * 3)[:3]
        table[code] = Discipline(code, label, broader)
    return table


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """The alignment rules, in order; a malformed table fails loudly when loaded."""
    found = []
    known = disciplines()
    for row in _rows("field_alignment.tsv"):
        if len(row) != 4:
            raise ValueError(f"field_alignment.tsv: expected 4 tab-separated columns, got {row!r}")
        pattern, relation, codes, why = row
        code_list = tuple(c for c in codes.split(",") if c)
        if relation not in (*RELATIONS, "none") or (relation == "none") == bool(code_list):
            raise ValueError(f"field_alignment.tsv: bad relation or codes in {row!r}")
        unknown = [c for c in code_list if c not in known]
        if unknown:
            raise ValueError(f"field_alignment.tsv: codes not in gbt13745.tsv: {unknown}")
        found.append(Rule(re.compile(pattern), relation, code_list, why))
    return tuple(found)


def alignment(label: str) -> Rule | None:
    """The rule that decides a field's alignment, or None when no rule matches (the field stays unaligned)."""
    name = iris.field_label(label)
    return next((rule for rule in rules() if rule.pattern.search(name)), None)


def scheme_triples(base_iri: str | None = None) -> list[ox.Triple]:
    """The standard as a SKOS concept scheme."""
    scheme = ox.NamedNode(str(iris.scheme_iri(SCHEME_NAME, base_iri)))
    triples = [
        ox.Triple(scheme, RDF_TYPE, ox.NamedNode(SKOS + "ConceptScheme")),
        ox.Triple(scheme, RDFS_LABEL, ox.Literal(STANDARD, language="zh")),
        ox.Triple(scheme, DCTERMS_TITLE, ox.Literal(STANDARD, language="zh")),
        ox.Triple(scheme, DCTERMS_SOURCE, ox.Literal("GB/T 13745-2009, Classification and code of disciplines, "
                                                     "Standardization Administration of China, 2009")),
    ]
    for d in disciplines().values():
        node = ox.NamedNode(iris.discipline_iri(d.code, base_iri))
        label = ox.Literal(d.label, language="zh")
        triples += [
            ox.Triple(node, RDF_TYPE, ox.NamedNode(SKOS + "Concept")),
            ox.Triple(node, ox.NamedNode(SKOS + "inScheme"), scheme),
            ox.Triple(node, ox.NamedNode(SKOS + "prefLabel"), label),
            ox.Triple(node, RDFS_LABEL, label),
        ]
        if not d.is_group:
            triples.append(ox.Triple(node, ox.NamedNode(SKOS + "notation"), ox.Literal(d.code)))
        if d.broader:
            parent = ox.NamedNode(iris.discipline_iri(d.broader, base_iri))
            triples.append(ox.Triple(node, ox.NamedNode(SKOS + "broader"), parent))
            triples.append(ox.Triple(parent, ox.NamedNode(SKOS + "narrower"), node))
        else:
            triples.append(ox.Triple(node, ox.NamedNode(SKOS + "topConceptOf"), scheme))
            triples.append(ox.Triple(scheme, ox.NamedNode(SKOS + "hasTopConcept"), node))
    return triples


def link(store: ox.Store, base_iri: str | None = None) -> Iterable[ox.Triple]:
    triples = scheme_triples(base_iri)
    for row in store.query(FIELDS_QUERY, use_default_graph_as_union=True):
        rule = alignment(row["label"].value)
        if rule is None or rule.relation == "none":
            continue
        for code in rule.codes:
            triples.append(ox.Triple(row["field"], RELATIONS[rule.relation], ox.NamedNode(iris.discipline_iri(code, base_iri))))
    return triples


__all__ = ["Discipline", "Rule", "disciplines", "rules", "alignment", "scheme_triples", "link"]
