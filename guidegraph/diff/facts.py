"""What a diff compares, read from one guide's RDF graph.

Files and guides in the store take the same path: a file is ingested and
mapped to RDF (ingest/to_rdf.py), a stored guide's named graph is fetched,
and both are read here into plain snapshots. Reading the RDF rather than the
outline keeps the diff honest about what is published: a value the mapping
drops cannot show up as a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node as RdfTerm

from guidegraph.errors import InputError
from guidegraph.namespaces import GG, RDF, RDFS

NODE_KINDS = {
    GG.Category: "category", GG.Programme: "programme", GG.SpecialProgramme: "programme",
    GG.FieldSection: "field", GG.Direction: "direction", GG.SubDirection: "subdirection",
}
COMPARATOR_SYMBOLS = {
    GG.atLeast: ">=", GG.moreThan: ">", GG.atMost: "<=", GG.lessThan: "<", GG.exactly: "=", GG.between: "range",
}
SCOPE_NAMES = {GG.perProject: "per_project", GG.totalBudget: "total", GG.budgetShare: "part", GG.unspecifiedScope: "unspecified"}
OFFICE_ROLES = {
    GG.acceptingOffice: "accepting", GG.responsibleDepartment: "responsible", GG.contactDesk: "contact",
    GG.issuingAuthority: "issuer", GG.office: "office",
}
_TRAILING_NUMBER = re.compile(r"/(\d+)$")


@dataclass(frozen=True)
class Lines:
    """Source lines of a resource (1-based, inclusive), or none when it has no span."""

    start: int | None = None
    end: int | None = None

    def __str__(self) -> str:
        if self.start is None:
            return "-"
        return f"L{self.start}" if self.end in (None, self.start) else f"L{self.start}-{self.end}"

    def to_json(self) -> dict | None:
        return None if self.start is None else {"start_line": self.start, "end_line": self.end}


@dataclass
class QuantityFact:
    iri: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    text: str

    def describe(self) -> str:
        number = _number(self.value) + (f"~{_number(self.value_max)}" if self.value_max is not None else "")
        symbol = "" if self.comparator in ("=", "range") else self.comparator
        return f"{symbol}{number}{(' ' + self.unit) if self.unit else ''}"


@dataclass
class IndicatorFact:
    iri: str
    text: str
    quantities: list[QuantityFact]
    lines: Lines


@dataclass
class FundingFact:
    iri: str
    text: str
    yuan: float
    scope: str
    comparator: str
    lines: Lines

    def describe(self) -> str:
        return f"{self.text} ({_number(self.yuan)} 元, {self.scope})"


@dataclass
class NodeFact:
    iri: str
    kind: str
    title: str
    number: str
    code: str
    parent: str | None
    content: str  # research content, then intro, as one normalised run
    indicators: list[IndicatorFact]
    funding: list[FundingFact]
    counts: dict[str, str]  # declared counts by property name, as printed values
    lines: Lines
    path: str = ""  # ancestors' titles, for reading

    @property
    def label(self) -> str:
        shown = f"{self.code} {self.title}" if self.code else f"{self.number}{self.title}"
        return f"{self.path} › {shown}" if self.path else shown


@dataclass
class DeadlineFact:
    iri: str
    kind: str  # deadline | start
    heading: str
    when: str  # xsd:dateTime, else xsd:date
    text: str
    lines: Lines


@dataclass
class OfficeFact:
    iri: str
    role: str
    name: str
    address: str
    postcode: str
    contacts: list[tuple[str, tuple[str, ...], tuple[str, ...]]]  # (person, phones, emails)
    lines: Lines


@dataclass
class GuideFacts:
    iri: str
    title: str
    source: str  # the file it was read from
    sha256: str
    counts: dict[str, str]
    nodes: list[NodeFact] = field(default_factory=list)
    deadlines: list[DeadlineFact] = field(default_factory=list)
    offices: list[OfficeFact] = field(default_factory=list)


def normalise(text: str) -> str:
    """Text as compared: whitespace (including the hard wraps of PDF text) does not count."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _order(iri: RdfTerm) -> tuple[int, str]:
    m = _TRAILING_NUMBER.search(str(iri))
    return (int(m.group(1)) if m else 0, str(iri))


class _Reader:
    def __init__(self, graph: Graph):
        self.g = graph

    def one(self, s: RdfTerm, p: RdfTerm) -> str:
        values = sorted(str(o) for o in self.g.objects(s, p))
        return values[0] if values else ""

    def all(self, s: RdfTerm, p: RdfTerm) -> list[RdfTerm]:
        return sorted(self.g.objects(s, p), key=_order)

    def lines(self, resource: RdfTerm) -> Lines:
        starts, ends = [], []
        for span in self.g.objects(resource, GG.sourceSpan):
            start, end = self.g.value(span, GG.startLine), self.g.value(span, GG.endLine)
            if isinstance(start, Literal):
                starts.append(int(start))
                ends.append(int(end) if isinstance(end, Literal) else int(start))
        return Lines(min(starts), max(ends)) if starts else Lines()

    def counts(self, s: RdfTerm, props: Iterable[URIRef]) -> dict[str, str]:
        out = {}
        for prop in props:
            value = self.one(s, prop)
            if value:
                out[str(prop).rsplit("#", 1)[-1]] = value
        return out

    def indicator(self, iri: RdfTerm) -> IndicatorFact:
        quantities = []
        for c in self.all(iri, GG.constraint):
            value_max = self.one(c, GG.maxValue)
            quantities.append(QuantityFact(
                str(c), COMPARATOR_SYMBOLS.get(self.g.value(c, GG.comparator), "="), float(self.one(c, GG.value) or 0),
                float(value_max) if value_max else None, self.one(c, GG.unit), self.one(c, GG.text)))
        return IndicatorFact(str(iri), self.one(iri, GG.text), quantities, self.lines(iri))

    def funding(self, iri: RdfTerm) -> FundingFact:
        return FundingFact(str(iri), self.one(iri, GG.text), float(self.one(iri, GG.yuan) or 0),
                           SCOPE_NAMES.get(self.g.value(iri, GG.fundingScope), "unspecified"),
                           COMPARATOR_SYMBOLS.get(self.g.value(iri, GG.comparator), "="), self.lines(iri))

    def node(self, iri: RdfTerm, kind: str) -> NodeFact:
        content = " ".join(self.one(b, GG.text) for prop in (GG.researchContent, GG.intro) for b in self.all(iri, prop))
        parent = self.g.value(iri, GG.parentNode)
        return NodeFact(
            str(iri), kind, self.one(iri, GG.title), self.one(iri, GG.number), self.one(iri, GG.code),
            str(parent) if parent is not None else None, content,
            [self.indicator(i) for i in self.all(iri, GG.indicator)],
            [self.funding(f) for f in self.all(iri, GG.funding)],
            self.counts(iri, (GG.declaredDirectionCount, GG.declaredProjectCount, GG.declaredProjectCountMax,
                              GG.projectCountApproximate)),
            self.lines(iri),
        )

    def deadline(self, iri: RdfTerm, kind: str) -> DeadlineFact:
        when = self.one(iri, GG.dateTime) or self.one(iri, GG.date)
        return DeadlineFact(str(iri), kind, self.one(iri, GG.heading), when, self.one(iri, GG.text), self.lines(iri))

    def office(self, iri: RdfTerm, role: str) -> OfficeFact:
        contacts = []
        for c in self.all(iri, GG.contactPoint):
            contacts.append((self.one(c, GG.personName), tuple(sorted(str(p) for p in self.g.objects(c, GG.telephone))),
                             tuple(sorted(str(e) for e in self.g.objects(c, GG.email)))))
        return OfficeFact(str(iri), role, self.one(iri, GG.name), self.one(iri, GG.address), self.one(iri, GG.postcode),
                          contacts, self.lines(iri))


def guide_facts(graph: Graph, what: str) -> GuideFacts:
    """The snapshot of the one guide in ``graph``; ``what`` names the input in errors."""
    guides = sorted(set(graph.subjects(RDF.type, GG.GuideDocument)), key=str)
    if len(guides) != 1:
        raise InputError(f"{what}: holds {len(guides)} guides; a diff compares exactly one guide with another")
    guide = guides[0]
    r = _Reader(graph)
    source = graph.value(guide, GG.sourceDocument)
    facts = GuideFacts(
        str(guide), r.one(guide, GG.title) or r.one(guide, RDFS.label),
        r.one(source, GG.fileName) if source is not None else "", r.one(source, GG.sha256) if source is not None else "",
        r.counts(guide, (GG.declaredDirectionTotal,)),
    )
    nodes: dict[str, NodeFact] = {}
    for cls, kind in NODE_KINDS.items():
        for iri in graph.subjects(RDF.type, cls):
            if (iri, GG.guide, guide) in graph and str(iri) not in nodes:
                nodes[str(iri)] = r.node(iri, kind)
    for node in nodes.values():
        trail, parent, seen = [], node.parent, set()
        while parent in nodes and parent not in seen:
            seen.add(parent)
            trail.append(nodes[parent].title)
            parent = nodes[parent].parent
        node.path = " › ".join(reversed(trail))
    facts.nodes = sorted(nodes.values(), key=lambda n: (n.lines.start or 0, n.iri))
    for prop, kind in ((GG.deadline, "deadline"), (GG.applicationStart, "start")):
        facts.deadlines += [r.deadline(d, kind) for d in r.all(guide, prop)]
    for prop, role in OFFICE_ROLES.items():
        facts.offices += [r.office(o, role) for o in r.all(guide, prop)]
    return facts
