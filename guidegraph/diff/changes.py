"""The result of a diff: one Change per difference, grouped by the outline node it is in.

Each ``kind`` is the local name of its class in the ontology (gg:ThresholdRaised
...), so the text, the JSON and the RDF change set name changes the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guidegraph.diff.facts import GuideFacts, Lines, NodeFact

# kind -> (English, Chinese) headings for readers
CHANGE_KINDS = {
    "DirectionAdded": ("direction added", "新增方向"),
    "DirectionRemoved": ("direction removed", "删除方向"),
    "DirectionChanged": ("direction changed", "方向变更"),
    "SectionAdded": ("section added", "新增条目"),
    "SectionRemoved": ("section removed", "删除条目"),
    "SectionChanged": ("section changed", "条目变更"),
    "TitleChanged": ("title changed", "标题变更"),
    "CodeChanged": ("guide code changed", "指南代码变更"),
    "ContentChanged": ("research content changed", "研究内容变更"),
    "IndicatorAdded": ("indicator added", "新增考核指标"),
    "IndicatorRemoved": ("indicator removed", "删除考核指标"),
    "IndicatorChanged": ("indicator wording changed", "考核指标文字变更"),
    "ThresholdRaised": ("threshold raised", "指标值提高"),
    "ThresholdLowered": ("threshold lowered", "指标值降低"),
    "ThresholdChanged": ("threshold changed", "指标约束变更"),
    "FundingChanged": ("funding changed", "经费变更"),
    "DeclaredCountChanged": ("declared count changed", "拟支持数变更"),
    "DeadlineChanged": ("deadline changed", "截止时间变更"),
    "DeadlineAdded": ("deadline added", "新增时间节点"),
    "DeadlineRemoved": ("deadline removed", "删除时间节点"),
    "OfficeChanged": ("office or contact changed", "受理/联系单位变更"),
    "OfficeAdded": ("office added", "新增受理/联系单位"),
    "OfficeRemoved": ("office removed", "删除受理/联系单位"),
}
DIRECTION_KINDS = ("direction", "subdirection")


def node_change_kind(node: NodeFact, what: str) -> str:
    """DirectionAdded / SectionAdded ... for a node of that kind; ``what`` is Added, Removed or Changed."""
    return ("Direction" if node.kind in DIRECTION_KINDS else "Section") + what


@dataclass
class Change:
    kind: str
    old_iri: str | None = None
    new_iri: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    old_lines: Lines = field(default_factory=Lines)
    new_lines: Lines = field(default_factory=Lines)
    detail: str = ""  # what changed inside the resource (the indicator's text, "telephone", a count's name)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "detail": self.detail, "old_value": self.old_value, "new_value": self.new_value,
            "old": {"iri": self.old_iri, "lines": self.old_lines.to_json()},
            "new": {"iri": self.new_iri, "lines": self.new_lines.to_json()},
        }


@dataclass
class NodeDiff:
    """An outline node added, removed, or matched with changes inside it."""

    status: str  # added | removed | changed
    old: NodeFact | None
    new: NodeFact | None
    matched_by: str = ""  # code | similarity (for changed)
    similarity: float | None = None
    changes: list[Change] = field(default_factory=list)

    @property
    def node(self) -> NodeFact:
        return self.new or self.old  # type: ignore[return-value]

    @property
    def kind(self) -> str:
        return node_change_kind(self.node, self.status.capitalize())

    def to_json(self) -> dict[str, Any]:
        def side(n: NodeFact | None) -> dict[str, Any] | None:
            if n is None:
                return None
            return {"iri": n.iri, "kind": n.kind, "code": n.code or None, "number": n.number or None, "title": n.title,
                    "path": n.path, "lines": n.lines.to_json()}

        return {"kind": self.kind, "status": self.status, "matched_by": self.matched_by or None,
                "similarity": self.similarity, "old": side(self.old), "new": side(self.new),
                "changes": [c.to_json() for c in self.changes]}


@dataclass
class GuideDiff:
    old: GuideFacts
    new: GuideFacts
    nodes: list[NodeDiff] = field(default_factory=list)
    guide_changes: list[Change] = field(default_factory=list)  # deadlines, offices, guide-level counts

    @property
    def same(self) -> bool:
        return not self.nodes and not self.guide_changes

    def all_changes(self) -> list[Change]:
        return self.guide_changes + [c for n in self.nodes for c in n.changes]

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for kind in [n.kind for n in self.nodes] + [c.kind for c in self.all_changes()]:
            counts[kind] = counts.get(kind, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict[str, Any]:
        def guide(g: GuideFacts) -> dict[str, Any]:
            return {"iri": g.iri, "title": g.title, "source": g.source, "sha256": g.sha256}

        return {"old": guide(self.old), "new": guide(self.new), "same": self.same, "summary": self.summary(),
                "guide_changes": [c.to_json() for c in self.guide_changes],
                "nodes": [n.to_json() for n in self.nodes]}
