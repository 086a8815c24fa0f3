"""Map the guide model (ingest/model.py) to RDF under the guidegraph ontology.

Each guide becomes one named graph that stands alone: besides the guide's
own resources it repeats the shared SKOS concepts (fields, tags, the
jurisdiction) it uses, so a graph can be dumped, loaded or dropped by itself.

IRIs are derived from the content, never from counters over the corpus, so
re-ingesting the same file yields the same IRIs:

    {base}guide/{jurisdiction}/{year}/{key}            the guide
    {base}guide/{jurisdiction}/{year}/{key}/graph      its named graph
    {guide}/node/{node id}                             outline nodes
    {node}/indicator/{n}, {node}/content/{n}, ...      parts, numbered in reading order
    {base}field/{hash}, {base}tag/{hash}               shared concepts (hash of the normalised label)
    {base}jurisdiction/{code}                          cn, cn-sx (ISO 3166-2:CN), cn-sx-{hash} ...
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from functools import lru_cache
from typing import Iterable, Iterator
from urllib.parse import quote

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node as RdfTerm

from guidegraph.config import base_iri as configured_base_iri
from guidegraph.errors import InputError
from guidegraph.formats import RdfFormat, rdf_format_for_path
from guidegraph.ingest.model import LOST_OFFICE_REASON, Deadline, Funding, Indicator, Node, Office, Outline, Span, TextBlock
from guidegraph.namespaces import GG, PREFIXES, PROV, RDF, RDFS, SKOS, XSD

LANG = "zh"
CHINA_OFFSET = "+08:00"

# ISO 3166-2:CN codes of the provincial-level divisions, by short name, with the
# suffix that makes the full name (山西 -> 山西省, 广西 -> 广西壮族自治区).
PROVINCES = {
    "北京": ("cn-bj", "市"), "天津": ("cn-tj", "市"), "河北": ("cn-he", "省"), "山西": ("cn-sx", "省"),
    "内蒙古": ("cn-nm", "自治区"), "辽宁": ("cn-ln", "省"), "吉林": ("cn-jl", "省"), "黑龙江": ("cn-hl", "省"),
    "上海": ("cn-sh", "市"), "江苏": ("cn-js", "省"), "浙江": ("cn-zj", "省"), "安徽": ("cn-ah", "省"),
    "福建": ("cn-fj", "省"), "江西": ("cn-jx", "省"), "山东": ("cn-sd", "省"), "河南": ("cn-ha", "省"),
    "湖北": ("cn-hb", "省"), "湖南": ("cn-hn", "省"), "广东": ("cn-gd", "省"), "广西": ("cn-gx", "壮族自治区"),
    "海南": ("cn-hi", "省"), "重庆": ("cn-cq", "市"), "四川": ("cn-sc", "省"), "贵州": ("cn-gz", "省"),
    "云南": ("cn-yn", "省"), "西藏": ("cn-xz", "自治区"), "陕西": ("cn-sn", "省"), "甘肃": ("cn-gs", "省"),
    "青海": ("cn-qh", "省"), "宁夏": ("cn-nx", "回族自治区"), "新疆": ("cn-xj", "维吾尔自治区"),
    "台湾": ("cn-tw", "省"), "香港": ("cn-hk", "特别行政区"), "澳门": ("cn-mo", "特别行政区"),
}
NATIONAL_NAMES = ("国家", "全国", "中国", "中华人民共和国")

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


# ---------------------------------------------------------------- IRIs


def normalise_label(text: str) -> str:
    """The form two labels must share to denote the same concept."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def field_label(text: str) -> str:
    """A field heading reduced to its name: 先进制造领域 and 先进制造 are one field."""
    label = normalise_label(text)
    stripped = re.sub(r"(领域|方面)$", "", label)
    return stripped or label


def short_hash(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def _base(base_iri: str | None) -> str:
    base = base_iri or configured_base_iri()
    return base if base.endswith(("/", "#")) else base + "/"


def jurisdiction_code(jurisdiction: dict | None) -> str:
    """cn for national guides, the ISO 3166-2:CN code for provinces, a hashed slug below.

    A city or county gets its province's code as prefix when its name starts
    with the full province name (山东省济南市 -> cn-sd-…), else "cn-…".
    """
    if not jurisdiction:
        return "unknown"
    if jurisdiction.get("code"):
        return quote(str(jurisdiction["code"]).lower(), safe="-")
    name = normalise_label(str(jurisdiction.get("name") or ""))
    level = jurisdiction.get("level")
    if level == "national" or name in NATIONAL_NAMES:
        return "cn"
    if not name:
        return "unknown"
    for short, (code, suffix) in PROVINCES.items():
        if name in (short, short + suffix) and level in (None, "provincial"):
            return code
        if level == "provincial" and name.startswith(short):
            return code
    prefix = next((code for short, (code, suffix) in PROVINCES.items() if name.startswith(short + suffix)), "cn")
    return f"{prefix}-{short_hash(name, 8)}"


def _guide_key(outline: Outline) -> str:
    if outline.doc_number:
        return "d" + short_hash(normalise_label(outline.doc_number), 8)
    if outline.title:
        return "t" + short_hash(normalise_label(outline.title + (outline.subtitle or "")), 8)
    if outline.sha256:
        return "s" + outline.sha256[:8]
    return "s" + short_hash(outline.source, 8)


def guide_iri(outline: Outline, base_iri: str | None = None) -> str:
    """The guide's IRI: {base}guide/{jurisdiction}/{year}/{key}."""
    year = str(outline.year) if outline.year else "undated"
    return f"{_base(base_iri)}guide/{jurisdiction_code(outline.jurisdiction)}/{year}/{_guide_key(outline)}"


def graph_iri(outline: Outline, base_iri: str | None = None) -> str:
    """The named graph holding one guide: its guide IRI + "/graph"."""
    return guide_iri(outline, base_iri) + "/graph"


def field_iri(label: str, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{_base(base_iri)}field/{short_hash(field_label(label))}")


def tag_iri(label: str, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{_base(base_iri)}tag/{short_hash(normalise_label(label))}")


def jurisdiction_iri(jurisdiction: dict | None, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{_base(base_iri)}jurisdiction/{jurisdiction_code(jurisdiction)}")


def scheme_iri(name: str, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{_base(base_iri)}scheme/{name}")


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
        self.g: set[tuple[RdfTerm, RdfTerm, RdfTerm]] = set()
        self.spans: set[URIRef] = set()
        self.base = base
        self.guide = URIRef(guide_iri(outline, base))
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

    def map_jurisdiction(self) -> None:
        j = self.outline.jurisdiction
        if not j:
            return
        iri = jurisdiction_iri(j, self.base)
        scheme = scheme_iri("jurisdictions", self.base)
        self.concept_scheme(scheme, "行政区划", "jurisdictions")
        g = self.g
        g.add((self.guide, GG.jurisdiction, iri))
        g.add((iri, RDF.type, GG.Jurisdiction))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, scheme))
        g.add((iri, SKOS.notation, Literal(jurisdiction_code(j))))
        if j.get("name"):
            g.add((iri, SKOS.prefLabel, zh(normalise_label(str(j["name"])))))
            g.add((iri, RDFS.label, zh(normalise_label(str(j["name"])))))
        level = LEVELS.get(str(j.get("level") or ""))
        if level is None and jurisdiction_code(j) == "cn":
            level = GG.national
        self.add(iri, GG.jurisdictionLevel, level)

    def concept_scheme(self, scheme: URIRef, zh_label: str, en_label: str) -> None:
        self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.g.add((scheme, RDFS.label, zh(zh_label)))
        self.g.add((scheme, RDFS.label, Literal(en_label, lang="en")))

    def title_fields(self) -> list[str]:
        """Fields a guide names in its title, e.g. 项目指南（卫生健康领域）."""
        labels = []
        for text in (self.outline.title, self.outline.subtitle):
            for m in FIELD_IN_TITLE.finditer(text or ""):
                labels.append(m.group(1))
        return labels

    def field(self, label: str) -> URIRef:
        return self.concept(field_iri(label, self.base), GG.Field, field_label(label), "fields", "领域")

    def tag(self, label: str) -> URIRef:
        return self.concept(tag_iri(label, self.base), GG.Tag, normalise_label(label), "tags", "项目类型标签")

    def concept(self, iri: URIRef, cls: URIRef, name: str, scheme_name: str, scheme_label: str) -> URIRef:
        """A shared SKOS concept (field, tag) in its scheme, repeated in each guide graph."""
        scheme = scheme_iri(scheme_name, self.base)
        self.concept_scheme(scheme, scheme_label, scheme_name)
        for triple in (
            (iri, RDF.type, cls), (iri, RDF.type, SKOS.Concept), (iri, SKOS.inScheme, scheme),
            (iri, SKOS.prefLabel, zh(name)), (iri, RDFS.label, zh(name)),
        ):
            self.g.add(triple)
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
        return URIRef(f"{self.guide}/node/{quote(node_id, safe='/-._~')}")

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


# ---------------------------------------------------------------- datasets


def new_dataset() -> Dataset:
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds


def outline_triples(outline: Outline, base_iri: str | None = None) -> set[tuple[RdfTerm, RdfTerm, RdfTerm]]:
    """The triples of one guide: what add_outline writes into the guide's named graph."""
    mapper = _GuideMapper(outline, _base(base_iri))
    mapper.map()
    return mapper.g


def add_outline(ds: Dataset, outline: Outline, base_iri: str | None = None) -> URIRef:
    """Write one guide into ``ds`` as its own named graph; returns the graph IRI."""
    name = URIRef(graph_iri(outline, _base(base_iri)))
    graph = ds.graph(name)
    graph.addN((s, p, o, graph) for s, p, o in outline_triples(outline, base_iri))
    return name


def outline_to_dataset(outline: Outline, base_iri: str | None = None) -> Dataset:
    """One guide as a Dataset: its own named graph, nothing in the default graph."""
    ds = new_dataset()
    add_outline(ds, outline, base_iri)
    return ds


def _corpus_outlines(paths: Iterable[str | os.PathLike[str]] | None) -> Iterator[Outline]:
    from guidegraph.ingest.pipeline import outline_file

    if paths is None:
        from guidegraph.corpus import seed_paths

        paths = seed_paths()
    for path in paths:
        yield outline_file(path)


def corpus_dataset(paths: Iterable[str | os.PathLike[str]] | None = None, base_iri: str | None = None) -> Dataset:
    """Ingest ``paths`` (default: the bundled seed guides) into one Dataset, one graph per guide."""
    ds = new_dataset()
    for outline in _corpus_outlines(paths):
        add_outline(ds, outline, base_iri)
    return ds


def corpus_nquads(paths: Iterable[str | os.PathLike[str]] | None = None, base_iri: str | None = None) -> bytes:
    """The same quads as ``corpus_dataset`` in N-Quads, written by pyoxigraph without
    building an rdflib Dataset (for loading a store, where that Dataset was most of the time)."""
    return serialize_outlines(_corpus_outlines(paths), "nquads", base_iri)[0]


# Formats pyoxigraph writes from the mapping directly, several times faster
# than rdflib (its TriG writer takes ~12 s on the corpus); JSON-LD (our
# context) and RDF/XML stay with rdflib.
_OXIGRAPH_FORMATS = {"nquads": "N_QUADS", "trig": "TRIG", "ntriples": "N_TRIPLES", "turtle": "TURTLE"}
FAST_FORMATS = tuple(_OXIGRAPH_FORMATS)


def serialize_outlines(outlines: Iterable[Outline], fmt_name: str, base_iri: str | None = None) -> tuple[bytes, int]:
    """``outlines`` in a dataset format (a graph per guide) or a graph format (their union), by
    pyoxigraph; with the number of statements (quads or triples) written."""
    import pyoxigraph as ox

    from guidegraph.oxigraph_terms import BlankNodeMap, oxigraph_quads

    if fmt_name not in _OXIGRAPH_FORMATS:
        raise ValueError(f"{fmt_name} is not one of {FAST_FORMATS}")
    blanks = BlankNodeMap()
    quads: list = []
    for outline in outlines:
        name = URIRef(graph_iri(outline, _base(base_iri)))
        quads.extend(oxigraph_quads(outline_triples(outline, base_iri), name, blanks))
    ox_format = getattr(ox.RdfFormat, _OXIGRAPH_FORMATS[fmt_name])
    # Line formats take no prefixes; Turtle and TriG read better with ours.
    prefixes = None if fmt_name in ("nquads", "ntriples") else {p: str(ns) for p, ns in PREFIXES.items()}
    if ox_format.supports_datasets:
        return ox.serialize(quads, format=ox_format, prefixes=prefixes), len(quads)
    # The union of the guide graphs is a set: a concept shared by guides is written once.
    triples = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(triples, format=ox_format, prefixes=prefixes), len(triples)


def union_graph(ds: Dataset) -> Graph:
    """All triples of all graphs of ``ds`` in one Graph."""
    union = Graph()
    for prefix, ns in PREFIXES.items():
        union.bind(prefix, ns)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


# ---------------------------------------------------------------- serialisation


def serialize_dataset(ds: Dataset, fmt: RdfFormat) -> bytes:
    """Bytes of ``ds`` in ``fmt``: named graphs kept where the format can, else their union."""
    if fmt.name == "jsonld":
        from guidegraph.ontology import jsonld_context

        return ds.serialize(format="json-ld", context=jsonld_context(), encoding="utf-8")
    if fmt.datasets:
        return ds.serialize(format=fmt.rdflib, encoding="utf-8")
    return union_graph(ds).serialize(format=fmt.rdflib, encoding="utf-8")


def parse_rdf(data: bytes | str | os.PathLike[str], fmt: RdfFormat | None = None) -> Dataset:
    """Parse RDF bytes or a file into a Dataset; bad input raises InputError with one line."""
    if isinstance(data, (bytes, bytearray)):
        if fmt is None:
            raise InputError("cannot tell the RDF format of the data: give a format")
        payload = bytes(data)
        where = "input"
    else:
        path = Path(data)
        fmt = fmt or rdf_format_for_path(path)
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        where = str(path)
    ds = new_dataset()
    try:
        # triples of a graph-less format land in the default graph
        target = ds if fmt.datasets else ds.default_graph
        target.parse(data=payload, format=fmt.rdflib)
    except Exception as exc:  # noqa: BLE001 - parsers raise many types; users need one line
        message = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise InputError(f"{where} is not valid {fmt.name}: {message}") from None
    return ds


__all__ = [
    "outline_to_dataset", "corpus_dataset", "corpus_nquads", "outline_triples", "serialize_outlines", "FAST_FORMATS", "add_outline", "new_dataset", "union_graph",
    "guide_iri", "graph_iri", "field_iri", "tag_iri", "jurisdiction_iri", "jurisdiction_code",
    "normalise_label", "field_label", "serialize_dataset", "parse_rdf"
]
