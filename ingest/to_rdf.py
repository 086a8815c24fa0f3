"""Map the guide model (ingest/model.py) to RDF under the guidegraph ontology.

A guide maps to two sets of triples: its own resources, which go into the
guide's named graph, and the shared concepts it uses (fields, tags, its
jurisdiction, their schemes), which go into the one concepts graph
(guidegraph.iris.concepts_graph_iri) so that the union default graph holds
each of them once. IRIs come from guidegraph.iris.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.term import Node as RdfTerm

from guidegraph import iris
from guidegraph.ingest.model import LOST_OFFICE_REASON, Deadline, Funding, Indicator, Node, Office, Outline, Span, TextBlock
from guidegraph.iris import field_label, normalise_label, short_hash
from guidegraph.namespaces import GG, PROV, RDF, RDFS, SKOS, XSD

Triple = tuple[RdfTerm, RdfTerm, RdfTerm]

LANG = "zh"
CHINA_OFFSET = "+08:00"

COMPARATORS = {
    ">=": GG.atLeast, ">": GG.moreThan, "<=": GG.atMost, "<": GG.lessThan, "=": GG.exactly, "range": GG.between,
}
FUNDING_SCOPES = {"per_project": GG.perProject, "total": GG.totalBudget, "part": GG.budgetShare, "unspecified": GG.unspecifiedScope}
LEVELS = {"national": GG.national, "provincial": GG.provincial, "municipal": GG.municipal, "county": GG.county}
NODE_CLASSES = {
    "category": GG.Category, "programme": GG.Programme, "field": GG.FieldSection,
    "direction": GG.Direction, "subdirection": GG.SubDirection,
}
OFFICE_ROLES = {
    "accepting": (GG.AcceptingOffice, GG.acceptingOffice),
    "responsible": (GG.ResponsibleDepartment, GG.responsibleDepartment),
    "contact": (GG.ContactDesk, GG.contactDesk),
    "issuer": (GG.IssuingAuthority, GG.issuingAuthority),
}
FIELD_IN_TITLE = re.compile(r"[（(]([^（）()]{2,40}?)领域[）)]")
SPECIAL_PROGRAMME = re.compile(r"专项$")
CLOSING_QUOTES = "”\"」』"


# ---------------------------------------------------------------- literals


def zh(text: str) -> Literal:
    return Literal(text, lang=LANG)


def decimal_literal(value: float | int | Decimal) -> Literal:
    """An xsd:decimal in canonical form (always with a fraction digit, never an exponent)."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = format(number.normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


@lru_cache(maxsize=8192)
def integer_literal(value: int) -> Literal:
    # Cached: line and character numbers repeat across thousands of spans, and
    # building an rdflib Literal is slow. Literals are immutable, so sharing is safe.
    return Literal(str(int(value)), datatype=XSD.integer)


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def time_literals(value: str) -> list[tuple[URIRef, Literal]]:
    """gg:date (and gg:dateTime when a time is printed) for an ISO value.

    Times get the China offset (+08:00) unless one is printed. Days are plain
    xsd:date without an offset: rdflib drops timezones of xsd:date values on
    parsing, so an offset there would not survive a round trip; the day is
    understood in China time.
    """
    value = value.strip()
    if _DATE.match(value):
        return [(GG.date, Literal(value, datatype=XSD.date))]
    m = _DATETIME.match(value)
    if not m:
        return []
    offset = m.group(4) or CHINA_OFFSET
    stamp = f"{m.group(1)}T{m.group(2)}{m.group(3) or ':00'}{offset}"
    return [(GG.dateTime, Literal(stamp, datatype=XSD.dateTime)), (GG.date, Literal(m.group(1), datatype=XSD.date))]


def _date_sort_key(value: str) -> str:
    """Dates sort as the end of their day, so a dated deadline follows a same-day start time."""
    value = value.strip()
    return value + "T23:59:59" if _DATE.match(value) else value[:19]


# ---------------------------------------------------------------- the mapping


class _GuideMapper:
    """Collects the triples of one outline (in a set: rdflib's store is slow to add to one by one)."""

    def __init__(self, outline: Outline, base: str):
        self.outline = outline
        self.g: set[Triple] = set()
        self.concepts: set[Triple] = set()  # shared with other guides: the concepts graph
        self.spans: set[URIRef] = set()
        self.base = base
        self.guide = URIRef(iris.guide_iri(outline, base))
        self.source = URIRef(str(self.guide) + "/source")

    def add(self, s: RdfTerm, p: RdfTerm, o: RdfTerm | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def text(self, s: RdfTerm, p: RdfTerm, value: str | None) -> None:
        if value is not None and str(value).strip():
            self.g.add((s, p, zh(str(value))))

    def plain(self, s: RdfTerm, p: RdfTerm, value: str | None) -> None:
        if value is not None and str(value).strip():
            self.g.add((s, p, Literal(str(value))))

    def provenance(self, resource: URIRef, *spans: Span | None) -> None:
        self.g.add((resource, PROV.wasDerivedFrom, self.source))
        for span in spans:
            if span is not None:
                self.g.add((resource, GG.sourceSpan, self.span(span)))

    def span(self, span: Span) -> URIRef:
        iri = URIRef(f"{self.guide}/span/{span.start_line}-{span.end_line}/{span.start_char}-{span.end_char}")
        if iri not in self.spans:
            self.spans.add(iri)
            self.g.add((iri, RDF.type, GG.SourceSpan))
            self.g.add((iri, GG.sourceDocument, self.source))
            self.g.add((iri, GG.startLine, integer_literal(span.start_line)))
            self.g.add((iri, GG.endLine, integer_literal(span.end_line)))
            self.g.add((iri, GG.startChar, integer_literal(span.start_char)))
            self.g.add((iri, GG.endChar, integer_literal(span.end_char)))
        return iri

    # -- guide level

    def map(self) -> None:
        o, g, guide = self.outline, self.g, self.guide
        g.add((guide, RDF.type, GG.GuideDocument))
        if o.document_kind == "forwarding_notice":
            g.add((guide, RDF.type, GG.ForwardingNotice))
        total = o.declared_counts.get("directions") or {}
        if total.get("value") is not None:
            g.add((guide, GG.declaredDirectionTotal, integer_literal(int(total["value"]))))
            statement = URIRef(f"{guide}/declared/directions")
            g.add((guide, GG.countStatement, statement))
            g.add((statement, RDF.type, GG.TextBlock))
            g.add((statement, GG.guide, guide))
            self.text(statement, GG.text, total.get("text"))
            self.provenance(statement, total.get("source"))
        title = o.title or Path(o.source).name
        self.text(guide, GG.title, o.title)
        g.add((guide, RDFS.label, zh(title)))
        self.text(guide, GG.subtitle, o.subtitle)
        if o.year:
            g.add((guide, GG.year, Literal(f"{int(o.year):04d}", datatype=XSD.gYear)))
        self.plain(guide, GG.docNumber, o.doc_number)
        if o.issue_date:
            for _, literal in time_literals(o.issue_date[:10]):
                g.add((guide, GG.issueDate, literal))
        g.add((guide, GG.coverageRatio, decimal_literal(round(o.coverage.ratio, 6))))
        self.map_source()
        g.add((guide, PROV.wasDerivedFrom, self.source))
        g.add((guide, GG.sourceDocument, self.source))
        self.map_jurisdiction()
        for label in self.title_fields():
            g.add((guide, GG.field, self.field(label)))
        for kind, blocks, prop, cls in (
            ("preamble", o.preamble, GG.preamble, GG.TextBlock),
            ("requirement", o.requirements, GG.requirement, GG.Requirement),
            ("material", o.materials, GG.applicationMaterial, GG.ApplicationMaterial),
            ("note", o.notes, GG.note, GG.Note),
        ):
            self.map_blocks(guide, kind, blocks, prop, cls)
        self.map_key_dates()
        self.map_offices()
        for lost in (u for u in o.coverage.unassigned if u.reason == LOST_OFFICE_REASON):
            line = URIRef(f"{guide}/unread-contact/{lost.start_line}")
            g.add((guide, GG.unreadContact, line))
            g.add((line, RDF.type, GG.TextBlock))
            g.add((line, GG.guide, guide))
            self.text(line, GG.text, lost.text)
            self.provenance(line, Span(lost.start_line, lost.end_line))
        self.map_issuers()
        for node in o.nodes:
            self.map_node(node)

    def map_source(self) -> None:
        o, g, src = self.outline, self.g, self.source
        g.add((src, RDF.type, GG.SourceDocument))
        g.add((src, GG.fileName, Literal(Path(o.source).name)))
        g.add((src, RDFS.label, Literal(Path(o.source).name)))
        self.plain(src, GG.sha256, o.sha256)
        self.plain(src, GG.mediaType, o.media_type)
        self.plain(src, GG.encoding, o.encoding)
        self.plain(src, GG.sourceText, o.text)

    def map_jurisdiction(self) -> None:
        j = self.outline.jurisdiction
        if not j:
            return
        iri = iris.jurisdiction_iri(j, self.base)
        scheme = iris.scheme_iri("jurisdictions", self.base)
        self.concept_scheme(scheme, "行政区划", "jurisdictions")
        self.g.add((self.guide, GG.jurisdiction, iri))
        g = self.concepts
        g.add((iri, RDF.type, GG.Jurisdiction))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, scheme))
        g.add((iri, SKOS.notation, Literal(iris.jurisdiction_code(j))))
        if j.get("name"):
            g.add((iri, SKOS.prefLabel, zh(normalise_label(str(j["name"])))))
            g.add((iri, RDFS.label, zh(normalise_label(str(j["name"])))))
        level = LEVELS.get(str(j.get("level") or ""))
        if level is None and iris.jurisdiction_code(j) == "cn":
            level = GG.national
        if level is not None:
            g.add((iri, GG.jurisdictionLevel, level))

    def concept_scheme(self, scheme: URIRef, zh_label: str, en_label: str) -> None:
        self.concepts.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.concepts.add((scheme, RDFS.label, zh(zh_label)))
        self.concepts.add((scheme, RDFS.label, Literal(en_label, lang="en")))

    def title_fields(self) -> list[str]:
        """Fields a guide names in its title, e.g. 项目指南（卫生健康领域）."""
        labels = []
        for text in (self.outline.title, self.outline.subtitle):
            for m in FIELD_IN_TITLE.finditer(text or ""):
                labels.append(m.group(1))
        return labels

    def field(self, label: str) -> URIRef:
        return self.concept(iris.field_iri(label, self.base), GG.Field, field_label(label), "fields", "领域")

    def tag(self, label: str) -> URIRef:
        return self.concept(iris.tag_iri(label, self.base), GG.Tag, normalise_label(label), "tags", "项目类型标签")

    def concept(self, iri: URIRef, cls: URIRef, name: str, scheme_name: str, scheme_label: str) -> URIRef:
        """A shared SKOS concept (field, tag) in its scheme, in the concepts graph."""
        scheme = iris.scheme_iri(scheme_name, self.base)
        self.concept_scheme(scheme, scheme_label, scheme_name)
        for triple in (
            (iri, RDF.type, cls), (iri, RDF.type, SKOS.Concept), (iri, SKOS.inScheme, scheme),
            (iri, SKOS.prefLabel, zh(name)), (iri, RDFS.label, zh(name)),
        ):
            self.concepts.add(triple)
        return iri

    def map_blocks(self, owner: URIRef, kind: str, blocks: Iterable[TextBlock], prop: URIRef, cls: URIRef) -> None:
        for i, block in enumerate(blocks, 1):
            iri = URIRef(f"{owner}/{kind}/{i}")
            g = self.g
            g.add((owner, prop, iri))
            g.add((iri, RDF.type, cls))
            g.add((iri, GG.guide, self.guide))
            self.text(iri, GG.text, block.text)
            self.text(iri, GG.heading, block.label)
            self.plain(iri, GG.number, block.number)
            self.provenance(iri, block.source)

    def map_key_dates(self) -> None:
        starts: list[tuple[str, URIRef]] = []
        ends: list[tuple[str, URIRef]] = []
        for i, deadline in enumerate(self.outline.deadlines, 1):
            iri = URIRef(f"{self.guide}/date/{i}")
            is_start = deadline.kind == "start"
            cls, prop = (GG.ApplicationStart, GG.applicationStart) if is_start else (GG.Deadline, GG.deadline)
            self.map_key_date(iri, deadline, cls, prop)
            (starts if is_start else ends).append((_date_sort_key(deadline.datetime), iri))
        # A period runs from each start to the first deadline not before it.
        for i, (start_key, start) in enumerate(sorted(starts), 1):
            later = sorted(e for e in ends if e[0] >= start_key)
            if not later:
                continue
            period = URIRef(f"{self.guide}/period/{i}")
            self.g.add((self.guide, GG.applicationPeriod, period))
            self.g.add((period, RDF.type, GG.ApplicationPeriod))
            self.g.add((period, GG.periodStart, start))
            self.g.add((period, GG.periodEnd, later[0][1]))
            self.g.add((period, GG.guide, self.guide))
            self.provenance(period)

    def map_key_date(self, iri: URIRef, deadline: Deadline, cls: URIRef, prop: URIRef) -> None:
        g = self.g
        g.add((self.guide, prop, iri))
        g.add((iri, RDF.type, cls))
        g.add((iri, GG.guide, self.guide))
        self.text(iri, GG.heading, deadline.label)
        self.text(iri, GG.text, deadline.text)
        for prop_, literal in time_literals(deadline.datetime):
            g.add((iri, prop_, literal))
        self.provenance(iri, deadline.source)

    def office_iri(self, office: Office, index: int) -> URIRef:
        key = office.id or f"{office.role}-{short_hash(normalise_label(office.name), 8)}"
        return URIRef(f"{self.guide}/office/{quote(key, safe='-._~')}")

    def map_offices(self) -> None:
        g = self.g
        for i, office in enumerate(self.outline.offices, 1):
            iri = self.office_iri(office, i)
            cls, prop = OFFICE_ROLES.get(office.role, (GG.Office, GG.office))
            g.add((self.guide, prop, iri))
            g.add((iri, RDF.type, cls))
            g.add((iri, GG.guide, self.guide))
            self.text(iri, GG.name, office.name)
            g.add((iri, RDFS.label, zh(office.name)))
            self.text(iri, GG.address, office.address)
            self.plain(iri, GG.postcode, office.postcode)
            for scope in office.scope:
                self.text(iri, GG.serves, scope)
            spans = list(office.sources) or [office.source]
            self.provenance(iri, *spans)
            for j, contact in enumerate(office.contacts, 1):
                c = URIRef(f"{iri}/contact/{j}")
                g.add((iri, GG.contactPoint, c))
                g.add((c, RDF.type, GG.ContactPoint))
                g.add((c, GG.guide, self.guide))
                self.text(c, GG.personName, contact.person)
                if contact.person:
                    g.add((c, RDFS.label, zh(contact.person)))
                for phone in contact.phones:
                    self.plain(c, GG.telephone, phone)
                for email in contact.emails:
                    self.plain(c, GG.email, email)
                self.provenance(c, office.source)

    def map_issuers(self) -> None:
        named = {normalise_label(o.name) for o in self.outline.offices if o.role == "issuer"}
        for name in self.outline.issuers:
            if normalise_label(name) in named:
                continue
            iri = URIRef(f"{self.guide}/issuer/{short_hash(normalise_label(name), 8)}")
            self.g.add((self.guide, GG.issuingAuthority, iri))
            self.g.add((iri, RDF.type, GG.IssuingAuthority))
            self.g.add((iri, GG.guide, self.guide))
            self.text(iri, GG.name, name)
            self.g.add((iri, RDFS.label, zh(name)))
            if "issuers" in self.outline.supplied:
                self.g.add((iri, GG.suppliedByReviewer, Literal(True)))
            self.provenance(iri, self.outline.spans.get("issuers"))

    # -- outline nodes

    def node_iri(self, node_id: str) -> URIRef:
        return URIRef(iris.node_iri(str(self.guide), node_id))

    @staticmethod
    def is_special_programme(node: Node) -> bool:
        """Named 专项, or introduced as one: 启动实施“{title}”重点专项."""
        title = normalise_label(node.title)
        if SPECIAL_PROGRAMME.search(title):
            return True
        pattern = re.compile(re.escape(title) + f"[{CLOSING_QUOTES}]?(重点)?专项")
        return any(pattern.search(normalise_label(block.text)) for block in node.intro)

    def map_node(self, node: Node) -> None:
        g = self.g
        iri = self.node_iri(node.id)
        cls = NODE_CLASSES.get(node.kind, GG.OutlineNode)
        if cls == GG.Programme and self.is_special_programme(node):
            cls = GG.SpecialProgramme
        g.add((iri, RDF.type, cls))
        g.add((iri, GG.guide, self.guide))
        if node.parent:
            g.add((iri, GG.parentNode, self.node_iri(node.parent)))
        else:
            g.add((self.guide, GG.topNode, iri))
        self.text(iri, GG.title, node.title)
        g.add((iri, RDFS.label, zh(f"{node.number or ''}{node.title}".strip())))
        self.plain(iri, GG.number, node.number)
        self.plain(iri, GG.code, node.code)
        if node.kind == "field" and node.title.strip():
            g.add((iri, GG.field, self.field(node.title)))
        for tag in node.tags:
            if tag.strip():
                g.add((iri, GG.tag, self.tag(tag)))
        if node.declared_direction_count is not None:
            g.add((iri, GG.declaredDirectionCount, integer_literal(node.declared_direction_count)))
        count = node.declared_project_count or {}
        if count.get("value") is not None:
            g.add((iri, GG.declaredProjectCount, integer_literal(count["value"])))
            g.add((iri, GG.projectCountApproximate, Literal(bool(count.get("approximate")))))
            if count.get("value_max") is not None:
                g.add((iri, GG.declaredProjectCountMax, integer_literal(count["value_max"])))
        self.text(iri, GG.implementationPeriod, node.period)
        self.provenance(iri, node.source)
        for kind, blocks, prop, block_cls in (
            ("intro", node.intro, GG.intro, GG.TextBlock),
            ("content", node.research_content, GG.researchContent, GG.ResearchContent),
            ("note", node.notes, GG.note, GG.Note),
            ("section", node.sections, GG.section, GG.Section),
            ("eligibility", node.young_scientist_rules, GG.eligibilityRule, GG.EligibilityRule),
        ):
            self.map_blocks(iri, kind, blocks, prop, block_cls)
        for i, indicator in enumerate(node.indicators, 1):
            self.map_indicator(iri, URIRef(f"{iri}/indicator/{i}"), indicator)
        for i, funding in enumerate(node.funding, 1):
            self.map_funding(iri, URIRef(f"{iri}/funding/{i}"), funding)

    def map_indicator(self, node: URIRef, iri: URIRef, indicator: Indicator) -> None:
        g = self.g
        g.add((node, GG.indicator, iri))
        g.add((iri, RDF.type, GG.Indicator))
        g.add((iri, GG.guide, self.guide))
        self.text(iri, GG.text, indicator.text)
        self.text(iri, GG.heading, indicator.label)
        self.provenance(iri, indicator.source)
        for j, q in enumerate(indicator.quantities, 1):
            c = URIRef(f"{iri}/constraint/{j}")
            g.add((iri, GG.constraint, c))
            g.add((c, RDF.type, GG.QuantitativeConstraint))
            g.add((c, GG.guide, self.guide))
            self.add(c, GG.comparator, COMPARATORS.get(q.comparator))
            g.add((c, GG.value, decimal_literal(q.value)))
            if q.value_max is not None:
                g.add((c, GG.maxValue, decimal_literal(q.value_max)))
            self.text(c, GG.unit, q.unit)
            self.text(c, GG.text, q.text)
            self.provenance(c, indicator.source)

    def map_funding(self, node: URIRef, iri: URIRef, funding: Funding) -> None:
        g = self.g
        g.add((node, GG.funding, iri))
        g.add((iri, RDF.type, GG.FundingAmount))
        g.add((iri, GG.guide, self.guide))
        g.add((iri, GG.amount, decimal_literal(funding.amount)))
        self.text(iri, GG.scale, funding.scale)
        g.add((iri, GG.yuan, decimal_literal(funding.yuan)))
        g.add((iri, GG.currency, Literal("CNY")))
        self.add(iri, GG.fundingScope, FUNDING_SCOPES.get(funding.scope, GG.unspecifiedScope))
        self.add(iri, GG.comparator, COMPARATORS.get(funding.comparator))
        self.text(iri, GG.text, funding.text)
        self.provenance(iri, funding.source)


# ---------------------------------------------------------------- entry points


def outline_graphs(outline: Outline, base_iri: str | None = None) -> tuple[set[Triple], set[Triple]]:
    """(the triples of the guide's own graph, the shared-concept triples it uses)."""
    mapper = _GuideMapper(outline, iris.base(base_iri))
    mapper.map()
    return mapper.g, mapper.concepts


def outline_triples(outline: Outline, base_iri: str | None = None) -> set[Triple]:
    """Everything one guide says, its concepts included (for validating it alone)."""
    own, concepts = outline_graphs(outline, base_iri)
    return own | concepts


__all__ = ["outline_graphs", "outline_triples", "time_literals", "decimal_literal", "integer_literal"]
