"""One validation of an uploaded guide: the call into the validator, the report as pages
show it (grouped, located, with its source lines), its downloads, and a bounded
in-memory store of recent results (nothing is written to disk or to the store).
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidegraph.ingest.model import Outline
from guidegraph.validation import SEVERITIES, SEVERITY_LABELS, Finding, ValidationReport

EXCERPT_MAX_LINES = 8
DOWNLOADS = {  # suffix -> (report format, media type)
    "json": ("json", "application/json; charset=utf-8"),
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}


# ---------------------------------------------------------------- the validator


def run_validation(outline: Outline, *, lang: str, issuer: str | None, jurisdiction: str | None,
                   workdir: Path) -> tuple[ValidationReport, Outline]:
    """The only call into ``guidegraph.validation`` (check it against the validator's signature).

    Returns the report and the outline as validated (what publishing writes).
    ``validate`` reads an outline's lines from ``outline.source`` when that file
    exists: an uploaded name must never resolve to a server file, so the name is
    moved under a folder that does not exist while it runs.

    The ingest branch adds ``validate(..., issuer=, jurisdiction=)`` and
    ``validation.Supplied``; after that merge, replace ``_supplied(...)`` with
    ``Supplied(issuer, jurisdiction).apply(outline)`` (same outline for the report
    and for publishing; its jurisdiction levels are the parser's) and keep
    calling ``validate(outline, lang=lang)`` without the two keywords.
    """
    from guidegraph.validation import validate

    outline = _supplied(outline, issuer, jurisdiction)
    shown = outline.source
    outline.source = str(workdir / "never-created" / Path(shown).name)
    try:
        report = validate(outline, lang=lang).report
    finally:
        outline.source = shown
    return report, outline


def _supplied(outline: Outline, issuer: str | None, jurisdiction: str | None) -> Outline:
    outline = copy.copy(outline)
    if issuer and issuer.strip() and not outline.issuers:
        outline.issuers = [issuer.strip()]
    if jurisdiction and jurisdiction.strip() and not outline.jurisdiction:
        name = jurisdiction.strip()
        level = "national" if name in ("国家", "全国") else "provincial" if name.endswith(("省", "自治区")) else "municipal"
        outline.jurisdiction = {"name": name, "level": level}
    return outline


# ---------------------------------------------------------------- what pages show


@dataclass
class FindingView:
    severity: str
    label: str
    message: str
    shape: str


@dataclass
class NodeGroup:
    """The findings about one place in the guide (a direction, a field, the guide itself), with its lines."""

    number: str | None
    code: str | None
    title: str | None
    lines: str
    excerpt: dict[str, Any] | None
    findings: list[FindingView] = field(default_factory=list)


@dataclass
class SectionGroup:
    title: str
    nodes: list[NodeGroup] = field(default_factory=list)


@dataclass
class SeverityGroup:
    severity: str
    label: str
    count: int
    sections: list[SectionGroup]


def _excerpt(f: Finding, lines: list[str]) -> dict[str, Any] | None:
    if f.start_line is None or f.start_line > len(lines):
        return None
    end = min(f.end_line or f.start_line, len(lines), f.start_line + EXCERPT_MAX_LINES - 1)
    return {"start_line": f.start_line, "end_line": end,
            "lines": [(n, lines[n - 1]) for n in range(f.start_line, end + 1)]}


def _code(f: Finding) -> str | None:
    code = getattr(f, "code", None)  # the ingest branch adds Finding.code (the direction's 指南代码)
    return code if code and code != f.number else None


def finding_view(f: Finding, lang: str) -> FindingView:
    return FindingView(f.severity, SEVERITY_LABELS[lang].get(f.severity, f.severity), f.messages.get(lang) or f.message,
                       f.shape)


def grouped(report: ValidationReport, lines: list[str], lang: str) -> list[SeverityGroup]:
    """Violations first (what to fix), then warnings, then infos; each by guide section, then by the
    node the findings are about, in text order."""
    groups = []
    for severity in SEVERITIES:
        items = [f for f in report.findings if f.severity == severity]
        if not items:
            continue
        sections: dict[str, SectionGroup] = {}
        nodes: dict[tuple, NodeGroup] = {}
        for f in sorted(items, key=lambda f: (f.start_line or 0)):
            section = sections.setdefault(f.section, SectionGroup(f.section))
            key = (f.section, f.number, f.title, f.lines)
            if key not in nodes:
                nodes[key] = NodeGroup(f.number, _code(f), f.title, f.lines, _excerpt(f, lines))
                section.nodes.append(nodes[key])
            nodes[key].findings.append(finding_view(f, lang))
        groups.append(SeverityGroup(severity, SEVERITY_LABELS[lang][severity], len(items), list(sections.values())))
    return groups


def outline_tree(outline: Outline, parent: str | None = None, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 12:  # outlines are a few levels deep; a cycle must not recurse forever
        return []
    return [
        {"kind": n.kind, "number": n.number, "code": n.code, "title": n.title,
         "children": outline_tree(outline, n.id, depth + 1)}
        for n in outline.children(parent)
    ]


def guide_summary(outline: Outline) -> dict[str, Any]:
    return {
        "source": outline.source, "title": outline.title, "year": outline.year,
        "jurisdiction": (outline.jurisdiction or {}).get("name"), "issuers": list(outline.issuers),
        "doc_number": outline.doc_number,
    }


# ---------------------------------------------------------------- downloads


def report_json(report: ValidationReport, outline: Outline) -> bytes:
    """The CLI's JSON report, with the recovered outline beside the findings."""
    payload = json.loads(report.to_json())
    payload["guide"] = guide_summary(outline)
    payload["outline"] = outline_tree(outline)
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def render(report: ValidationReport, outline: Outline, fmt: str) -> bytes:
    if fmt == "json":
        return report_json(report, outline)
    return report.render(fmt).encode("utf-8")


# ---------------------------------------------------------------- recent results


@dataclass
class Checked:
    """One validated upload, kept for its pages, downloads and publishing."""

    id: str
    owner: str  # the browser session (CSRF cookie) it belongs to
    outline: Outline
    lines: list[str]
    report: ValidationReport
    downloads: dict[str, bytes]
    created: float = field(default_factory=time.monotonic)

    @property
    def size(self) -> int:
        # The outline holds the text a few times over (nodes, blocks); a rough, safe-side estimate.
        return sum(len(b) for b in self.downloads.values()) + 4 * len(self.outline.text.encode("utf-8"))


class RecentResults:
    """Results by random id, bounded in count and bytes, each expiring after ``ttl`` seconds."""

    def __init__(self, max_items: int = 32, max_bytes: int = 256 * 1024 * 1024, ttl: float = 1800.0):
        self.max_items, self.max_bytes, self.ttl = max_items, max_bytes, ttl
        self._items: OrderedDict[str, Checked] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for key in [k for k, v in self._items.items() if now - v.created > self.ttl]:
            del self._items[key]

    def put(self, owner: str, outline: Outline, lines: list[str], report: ValidationReport) -> Checked | None:
        """Keep a result; None when it alone is larger than the whole store may hold."""
        downloads = {suffix: render(report, outline, fmt) for suffix, (fmt, _) in DOWNLOADS.items()}
        checked = Checked(secrets.token_urlsafe(18), owner, outline, lines, report, downloads)
        if checked.size > self.max_bytes:
            return None
        with self._lock:
            self._expire(time.monotonic())
            self._items[checked.id] = checked
            while len(self._items) > self.max_items or sum(v.size for v in self._items.values()) > self.max_bytes:
                self._items.popitem(last=False)
        return checked

    def get(self, result_id: str, owner: str) -> Checked | None:
        """The result, only for the session that made it."""
        import hmac

        with self._lock:
            self._expire(time.monotonic())
            checked = self._items.get(result_id)
        if checked is None or not owner or not hmac.compare_digest(checked.owner, owner):
            return None
        return checked

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
