"""One validation of an uploaded guide: the job a bounded child process runs (read,
parse, validate, render), the report as pages show it (grouped, located, with its
source lines), and a bounded in-memory store of recent results (nothing is written
to disk or to the store until someone publishes).
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidegraph.ingest.model import Outline
from rdflib import Graph

from guidegraph.validation import SEVERITIES, SEVERITY_LABELS, Finding, ValidationReport

EXCERPT_MAX_LINES = 8
DOWNLOADS = {  # suffix -> media type
    "json": "application/json; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


# ---------------------------------------------------------------- the validator


def run_validation(outline: Outline, *, lang: str, issuer: str | None, jurisdiction: str | None,
                   workdir: Path) -> tuple[ValidationReport, Outline]:
    """The only call into ``guidegraph.validation`` (check it against the validator's signature).

    Returns the report and the outline as validated, with what the officer supplied
    filled in where the text is silent (the same outline is what publishing writes).
    """
    from guidegraph.validation import validate
    from guidegraph.validation.validate import Supplied

    outline = Supplied(issuer, jurisdiction).apply(outline)
    # the report's source lines come from the outline's own text, never from a file of that name
    report = validate(outline, lang=lang).report
    return report, outline


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


# ---------------------------------------------------------------- the job (in the child process)

REQUEST_FILE = "request.json"
UPLOAD_FILE = "upload.bin"
JOB = "guidegraph.server.validate_report:job"


def report_json(report: ValidationReport, outline: Outline) -> str:
    """The CLI's JSON report, with the recovered outline beside the findings."""
    payload = json.loads(report.to_json())
    payload["guide"] = guide_summary(outline)
    payload["outline"] = outline_tree(outline)
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _ntriples(triples, blanks) -> str:
    import pyoxigraph as ox

    from guidegraph.oxigraph_terms import oxigraph_quads

    quads = oxigraph_quads(triples, None, blanks)
    return (ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def publishable(outline: Outline, base: str) -> dict[str, str]:
    """What publishing writes: the guide's graph and its shared concepts, as N-Triples."""
    from guidegraph import iris
    from guidegraph.ingest.to_rdf import outline_graphs
    from guidegraph.oxigraph_terms import BlankNodeMap

    own, concepts = outline_graphs(outline, base)
    blanks = BlankNodeMap()
    return {"graph": iris.graph_iri(outline, base), "guide": iris.guide_iri(outline, base),
            "concepts_graph": iris.concepts_graph_iri(base), "own": _ntriples(own, blanks),
            "concepts": _ntriples(concepts, blanks)}


def job(workdir: str) -> dict[str, Any]:
    """Read, parse and validate the upload in ``workdir``; everything the pages need, as JSON."""
    from guidegraph.ingest.pipeline import outline_source
    from guidegraph.server.upload_guard import UploadLimits, read_upload

    folder = Path(workdir)
    request = json.loads((folder / REQUEST_FILE).read_text(encoding="utf-8"))
    src = read_upload((folder / UPLOAD_FILE).read_bytes(), request["name"], UploadLimits(**request["limits"]))
    outline = outline_source(src)
    outline.source = request["name"]
    report, outline = run_validation(outline, lang=request["lang"], issuer=request.get("issuer"),
                                     jurisdiction=request.get("jurisdiction"), workdir=folder)
    return {
        "lang": report.lang,
        "guides": report.guides,
        "findings": [f.to_json() for f in report.findings],
        "lines": src.lines(),
        "outline": outline_tree(outline),
        "guide": guide_summary(outline),
        "downloads": {"json": report_json(report, outline), "ttl": report.to_turtle(), "csv": report.to_csv()},
        "publish": publishable(outline, request["base"]),
    }


def write_job(workdir: Path, data: bytes, name: str, lang: str, issuer: str | None, jurisdiction: str | None,
              base: str, limits) -> None:
    (workdir / UPLOAD_FILE).write_bytes(data)
    request = {"name": name, "lang": lang, "issuer": issuer, "jurisdiction": jurisdiction, "base": base,
               "limits": dataclasses.asdict(limits)}
    (workdir / REQUEST_FILE).write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")


# ---------------------------------------------------------------- recent results

_FINDING_FIELDS = {f.name for f in dataclasses.fields(Finding)}


@dataclass
class Checked:
    """One validated upload, kept for its pages, downloads and publishing."""

    id: str
    owner: str  # the browser session (CSRF cookie) it belongs to
    report: ValidationReport  # findings and counts (the report graph travels as the Turtle download)
    lines: list[str]
    outline: list[dict[str, Any]]
    guide: dict[str, Any]
    downloads: dict[str, bytes]
    publish: dict[str, str]
    created: float = field(default_factory=time.monotonic)

    @classmethod
    def from_job(cls, owner: str, out: dict[str, Any]) -> "Checked":
        findings = [Finding(**{k: v for k, v in f.items() if k in _FINDING_FIELDS}) for f in out["findings"]]
        report = ValidationReport(findings, Graph(), out["lang"], out["guides"])
        downloads = {suffix: out["downloads"][suffix].encode("utf-8") for suffix in DOWNLOADS}
        return cls(secrets.token_urlsafe(18), owner, report, out["lines"], out["outline"], out["guide"], downloads,
                   out["publish"])

    @property
    def size(self) -> int:
        return (sum(len(b) for b in self.downloads.values()) + sum(len(t) for t in self.publish.values())
                + sum(len(line) for line in self.lines) * 3)


class RecentResults:
    """Results by random id, bounded in count and bytes, each expiring after ``ttl`` seconds."""

    def __init__(self, max_items: int = 32, max_bytes: int = 256 * 1024 * 1024, ttl: float = 1800.0):
        self.max_items, self.max_bytes, self.ttl = max_items, max_bytes, ttl
        self._items: OrderedDict[str, Checked] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        for key in [k for k, v in self._items.items() if now - v.created > self.ttl]:
            del self._items[key]

    def put(self, checked: Checked) -> bool:
        """Keep a result; False when it alone is larger than the whole store may hold."""
        if checked.size > self.max_bytes:
            return False
        with self._lock:
            self._expire(time.monotonic())
            self._items[checked.id] = checked
            while len(self._items) > self.max_items or sum(v.size for v in self._items.values()) > self.max_bytes:
                self._items.popitem(last=False)
        return True

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
