"""The guide model: what ingest recovers from one funding guide.

Plain dataclasses, one per concept, each with ``to_json()`` giving the shape
documented for ``guidegraph outline --json``. Every extracted piece carries a
``Span`` back to the source lines, so RDF provenance and validation reports
can point at the text.

Line numbers are 1-based and inclusive; character offsets are 0-based into
the decoded source text (``SourceText.text``), end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NODE_KINDS = ("category", "programme", "field", "direction", "subdirection")
COMPARATORS = (">=", ">", "<=", "<", "=", "range")
JURISDICTION_LEVELS = ("national", "provincial", "municipal", "county")
# Coverage reason of an office or contact line that gave no office (validation reports it)
LOST_OFFICE_REASON = "an office or contact line from which no office was read (whom to call is lost)"


@dataclass(frozen=True)
class Span:
    start_line: int
    end_line: int
    start_char: int = 0
    end_char: int = 0

    def to_json(self) -> dict[str, int]:
        return {
            "start_line": self.start_line,
            "end_line": self.end_line,
            "start_char": self.start_char,
            "end_char": self.end_char,
        }

    def cover(self, other: "Span | None") -> "Span":
        """The smallest span holding both."""
        if other is None:
            return self
        return Span(
            min(self.start_line, other.start_line),
            max(self.end_line, other.end_line),
            min(self.start_char, other.start_char),
            max(self.end_char, other.end_char),
        )


def _span_json(span: Span | None) -> dict[str, int] | None:
    return span.to_json() if span else None


@dataclass
class Quantity:
    """One numeric constraint inside an indicator statement.

    ``comparator`` is one of COMPARATORS; for "range" ``value`` is the low
    bound and ``value_max`` the high bound. ``value`` is a float (Chinese
    numerals already resolved); ``text`` is the phrase it was read from.
    """

    comparator: str
    value: float
    unit: str | None = None
    value_max: float | None = None
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"comparator": self.comparator, "value": self.value, "unit": self.unit}
        if self.value_max is not None:
            out["value_max"] = self.value_max
        out["text"] = self.text
        return out


@dataclass
class Indicator:
    """One atomic assessment statement (考核指标 / 技术指标 / 考核目标 ...)."""

    text: str
    label: str = "考核指标"
    quantities: list[Quantity] = field(default_factory=list)
    source: Span | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "quantities": [q.to_json() for q in self.quantities],
            "source": _span_json(self.source),
        }


@dataclass
class Funding:
    """A money figure: ``amount`` in the printed scale, ``yuan`` resolved.

    ``scope`` says what it funds: "per_project", "total", "part" (a share of a
    total announced just before, introduced by 其中) or "unspecified".
    """

    text: str
    amount: float
    scale: str  # 元 | 万元 | 亿元
    yuan: float
    scope: str = "unspecified"
    comparator: str = "="
    source: Span | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "amount": self.amount,
            "scale": self.scale,
            "yuan": self.yuan,
            "scope": self.scope,
            "comparator": self.comparator,
            "source": _span_json(self.source),
        }


@dataclass
class TextBlock:
    """A labelled run of prose (研究内容, 有关说明, 申报要求 item, ...)."""

    text: str
    label: str = ""
    number: str | None = None
    source: Span | None = None

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "label": self.label, "text": self.text, "source": _span_json(self.source)}


@dataclass
class Node:
    """One outline node: category, programme, field, direction or subdirection."""

    id: str
    kind: str
    title: str
    parent: str | None = None
    number: str | None = None  # as printed: "（一）", "1.1", "2001"
    code: str | None = None  # guide code (指南代码) where the guide has one
    tags: list[str] = field(default_factory=list)
    intro: list[TextBlock] = field(default_factory=list)  # unlabelled prose under the heading
    research_content: list[TextBlock] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    notes: list[TextBlock] = field(default_factory=list)
    sections: list[TextBlock] = field(default_factory=list)  # other labelled parts (支持重点, 申报要求...)
    funding: list[Funding] = field(default_factory=list)
    declared_direction_count: int | None = None
    declared_project_count: dict[str, Any] | None = None  # {"value": 6, "approximate": True, "text": ...}
    period: str | None = None  # 实施周期 / 执行期 as printed
    young_scientist_rules: list[TextBlock] = field(default_factory=list)
    source: Span | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent": self.parent,
            "kind": self.kind,
            "number": self.number,
            "code": self.code,
            "title": self.title,
            "tags": list(self.tags),
            "intro": [b.to_json() for b in self.intro],
            "research_content": [b.to_json() for b in self.research_content],
            "indicators": [i.to_json() for i in self.indicators],
            "notes": [b.to_json() for b in self.notes],
            "sections": [b.to_json() for b in self.sections],
            "funding": [f.to_json() for f in self.funding],
            "declared_direction_count": self.declared_direction_count,
            "declared_project_count": self.declared_project_count,
            "period": self.period,
            "young_scientist_rules": [b.to_json() for b in self.young_scientist_rules],
            "source": _span_json(self.source),
        }


@dataclass
class Contact:
    person: str | None = None
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"person": self.person, "phones": list(self.phones), "emails": list(self.emails)}


@dataclass
class Office:
    """An office named by the guide: accepting office, responsible department, contact desk.

    ``role`` is one of "accepting" (受理单位), "responsible" (责任部门/主管处室),
    "contact" (联系方式), "issuer" (发文机关).
    """

    name: str
    role: str
    id: str = ""
    address: str | None = None
    postcode: str | None = None
    scope: list[str] = field(default_factory=list)  # sectors / programmes it serves
    contacts: list[Contact] = field(default_factory=list)
    source: Span | None = None
    sources: list[Span] = field(default_factory=list)  # every place the office is mentioned

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "address": self.address,
            "postcode": self.postcode,
            "scope": list(self.scope),
            "contacts": [c.to_json() for c in self.contacts],
            "source": _span_json(self.source),
            "sources": [s.to_json() for s in self.sources],
        }


@dataclass
class Deadline:
    label: str
    datetime: str  # ISO 8601 with +08:00, or a date when no time is printed
    text: str = ""
    kind: str = "deadline"  # deadline | start
    source: Span | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "datetime": self.datetime,
            "kind": self.kind,
            "text": self.text,
            "source": _span_json(self.source),
        }


@dataclass
class Unassigned:
    start_line: int
    end_line: int
    text: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"start_line": self.start_line, "end_line": self.end_line, "text": self.text, "reason": self.reason}


@dataclass
class Coverage:
    chars_total: int = 0
    chars_assigned: int = 0
    unassigned: list[Unassigned] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.chars_assigned / self.chars_total if self.chars_total else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "chars_total": self.chars_total,
            "chars_assigned": self.chars_assigned,
            "ratio": round(self.ratio, 6),
            "unassigned": [u.to_json() for u in self.unassigned],
        }


@dataclass
class Outline:
    source: str
    title: str | None = None
    subtitle: str | None = None
    year: int | None = None
    jurisdiction: dict[str, Any] | None = None  # {"name": "山西省", "level": "provincial"}
    issuers: list[str] = field(default_factory=list)
    doc_number: str | None = None
    issue_date: str | None = None
    deadlines: list[Deadline] = field(default_factory=list)
    requirements: list[TextBlock] = field(default_factory=list)
    materials: list[TextBlock] = field(default_factory=list)
    notes: list[TextBlock] = field(default_factory=list)
    preamble: list[TextBlock] = field(default_factory=list)
    sections: list[TextBlock] = field(default_factory=list)  # other document-level parts (组织方式, 联系方式...)
    nodes: list[Node] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    warnings: list[str] = field(default_factory=list)
    # what the guide as a whole declares: {"directions": {...}, "fields": {...}} (count dicts with "text")
    declared_counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    document_kind: str = "guide"  # guide | forwarding_notice (relays another body's call, no directions)
    supplied: list[str] = field(default_factory=list)  # fields given by the reviewer, not read from the text
    spans: dict[str, Span] = field(default_factory=dict)  # where title, issuers, doc_number, issue_date were read
    sha256: str = ""
    encoding: str = ""
    media_type: str = ""
    text: str = ""  # the decoded source text the spans index into (not in to_json: it is the input)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "media_type": self.media_type,
            "title": self.title,
            "subtitle": self.subtitle,
            "year": self.year,
            "jurisdiction": self.jurisdiction,
            "issuers": list(self.issuers),
            "doc_number": self.doc_number,
            "issue_date": self.issue_date,
            "deadlines": [d.to_json() for d in self.deadlines],
            "requirements": [b.to_json() for b in self.requirements],
            "materials": [b.to_json() for b in self.materials],
            "notes": [b.to_json() for b in self.notes],
            "preamble": [b.to_json() for b in self.preamble],
            "sections": [b.to_json() for b in self.sections],
            "nodes": [n.to_json() for n in self.nodes],
            "offices": [o.to_json() for o in self.offices],
            "coverage": self.coverage.to_json(),
            "warnings": list(self.warnings),
            "declared_counts": {k: {f: (x.to_json() if isinstance(x, Span) else x) for f, x in v.items()}
                                for k, v in self.declared_counts.items()},
            "document_kind": self.document_kind,
            "supplied": list(self.supplied),
            "spans": {k: v.to_json() for k, v in self.spans.items()},
        }

    def node(self, node_id: str) -> Node | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def children(self, node_id: str | None) -> list[Node]:
        return [n for n in self.nodes if n.parent == node_id]
