"""Validate guides against the guidegraph SHACL shapes and report findings officers can act on.

    conforms, report_graph, report = validate("corpus/004_757a5c273432423d.txt")
    print(report.to_text())

``conforms`` is False only when there is a sh:Violation (warnings and infos
are allowed); ``report_graph`` is the standard sh:ValidationReport; ``report``
lists the findings located in the guide: section, node number and title,
source lines and an excerpt of the text.
"""

from __future__ import annotations

import copy
import csv
import gc
import io
import json
import os
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from guidegraph.errors import InputError, UsageError
from guidegraph.formats import is_rdf_path
from guidegraph.ingest.model import Outline
from guidegraph.namespaces import GG
from guidegraph.validation.oxigraph_graph import OxigraphQueryGraph
from guidegraph.validation.triple_index_store import TripleIndexStore

LANGS = ("zh", "en")
SEVERITIES = ("Violation", "Warning", "Info")
SEVERITY_LABELS = {
    "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示"},
    "en": {"Violation": "Violation", "Warning": "Warning", "Info": "Info"},
}
GUIDE_SECTION = {"zh": "指南整体", "en": "Whole guide"}
EXCERPT_CHARS = 60
OUTLINE_CLASSES = (GG.Category, GG.Programme, GG.SpecialProgramme, GG.FieldSection, GG.Direction, GG.SubDirection,
                   GG.OutlineNode)
# Properties linking a resource to the outline node (or guide) it belongs to.
OWNER_PROPERTIES = (GG.indicator, GG.constraint, GG.funding, GG.researchContent, GG.intro, GG.note, GG.section,
                    GG.eligibilityRule, GG.contactPoint)


# ---------------------------------------------------------------- results


@dataclass
class Finding:
    """One validation result, located in the guide."""

    severity: str  # Violation | Warning | Info
    shape: str  # the shape's local name, e.g. "DirectionIndicator"
    message: str  # in the report's language
    messages: dict[str, str]
    focus: str
    node: str  # the resource the finding is about (focus node, or value node for guide-wide checks)
    guide: str | None = None
    source: str | None = None  # file name of the guide
    section: str = ""
    number: str | None = None
    code: str | None = None  # the direction's guide code (指南代码), where it has one
    title: str | None = None
    start_line: int | None = None
    end_line: int | None = None
    excerpt: str = ""
    value: str | None = None
    path: str | None = None

    @property
    def lines(self) -> str:
        if self.start_line is None:
            return ""
        if self.end_line is None or self.end_line == self.start_line:
            return f"L{self.start_line}"
        return f"L{self.start_line}-{self.end_line}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["lines"] = self.lines
        return data


@dataclass
class ValidationReport:
    """The findings of one validation run, with renderers."""

    findings: list[Finding]
    report_graph: Graph
    lang: str = "zh"
    guides: list[dict[str, str]] = field(default_factory=list)  # [{"iri", "title", "source"}]

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    def to_text(self) -> str:
        return render_text(self)

    def to_json(self) -> str:
        payload = {
            "conforms": self.conforms,
            "counts": self.counts(),
            "guides": self.guides,
            "findings": [f.to_json() for f in self.findings],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2)

    def to_csv(self) -> str:
        return render_csv(self)

    def to_turtle(self) -> str:
        return self.report_graph.serialize(format="turtle")

    def render(self, fmt: str) -> str:
        renderers = {"text": self.to_text, "json": self.to_json, "csv": self.to_csv, "turtle": self.to_turtle}
        if fmt not in renderers:
            raise UsageError(f"unknown report format {fmt!r}; choose one of: {', '.join(renderers)}")
        return renderers[fmt]()


@dataclass
class ValidationResult:
    """``conforms, report_graph, report = validate(...)`` unpacks this."""

    conforms: bool
    report_graph: Graph
    report: ValidationReport

    def __iter__(self) -> Iterator[Any]:
        return iter((self.conforms, self.report_graph, self.report))


# ---------------------------------------------------------------- input


@dataclass
class _Input:
    graph: OxigraphQueryGraph
    lines: dict[str, list[str]]  # guide IRI -> source lines, where the text is at hand


def _data_graph(triples) -> OxigraphQueryGraph:
    graph = OxigraphQueryGraph(store=TripleIndexStore(), mirror_predicates=_constraint_predicates())
    graph.add_triples(triples)
    return graph


def _from_outline(outline: Outline, lines: list[str] | None) -> _Input:
    from guidegraph.ingest.to_rdf import outline_triples
    from guidegraph.iris import guide_iri

    # Straight from the mapping: an rdflib Dataset on the way would double the cost.
    graph = _data_graph(outline_triples(outline))
    return _Input(graph, {guide_iri(outline): lines} if lines is not None else {})


@dataclass(frozen=True)
class Supplied:
    """What the officer tells about a guide whose text does not say it (a draft)."""

    issuer: str | None = None
    jurisdiction: str | None = None

    def __bool__(self) -> bool:
        return bool(self.issuer or self.jurisdiction)

    def apply(self, outline: Outline) -> Outline:
        """The text wins; what it leaves out is filled from what was supplied."""
        from guidegraph.ingest.parse.docmeta import jurisdiction_named

        outline = copy.copy(outline)  # the caller's outline stays as read
        if self.issuer and self.issuer.strip() and not outline.issuers:
            outline.issuers = [self.issuer.strip()]
            outline.supplied = [*outline.supplied, "issuers"]
        if self.jurisdiction and self.jurisdiction.strip() and not outline.jurisdiction:
            outline.jurisdiction = jurisdiction_named(self.jurisdiction)
            outline.supplied = [*outline.supplied, "jurisdiction"]
        return outline


def _from_path(path: str | os.PathLike[str], supplied: Supplied = Supplied()) -> _Input:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a guide or RDF file")
    if is_rdf_path(p):
        from guidegraph.rdf_io import parse_rdf

        ds = parse_rdf(p)
        graph = _data_graph((s, p_, o) for s, p_, o, _ in ds.quads((None, None, None, None)))
        if not len(graph):
            raise InputError(f"{p}: the RDF file holds no triples")
        if supplied:
            raise UsageError(f"{p}: an issuer or jurisdiction can be supplied for a guide document, not for RDF")
        return _Input(graph, {})
    from guidegraph.ingest.pipeline import outline_source
    from guidegraph.ingest.readers import read_source

    src = read_source(p)
    outline = outline_source(src)
    outline.source = p.name
    return _from_outline(supplied.apply(outline), src.lines())


def _to_input(data: Any, supplied: Supplied) -> _Input:
    if isinstance(data, Outline):
        return _from_outline(supplied.apply(data), _outline_lines(data))
    if isinstance(data, (str, os.PathLike)):
        return _from_path(data, supplied)
    if supplied:
        raise UsageError("an issuer or jurisdiction can be supplied for a guide document or outline, not for RDF")
    if isinstance(data, Dataset):
        return _Input(_data_graph((s, p, o) for s, p, o, _ in data.quads((None, None, None, None))), {})
    if isinstance(data, Graph):
        return _Input(_data_graph(data), {})
    raise UsageError(f"cannot validate a {type(data).__name__}: give a Graph, Dataset, Outline or file path")


def _outline_lines(outline: Outline) -> list[str] | None:
    """The source lines of an outline: from the text it was read from (an outline carries it),
    never from a file named like its source, which may be another file (an upload's name)."""
    if not outline.text:
        return None
    from guidegraph.ingest.readers.source import SourceText

    return SourceText(outline.source, outline.text, "", "", "").lines()


# ---------------------------------------------------------------- validation


def validate(data: Graph | Dataset | Outline | str | os.PathLike[str], *, lang: str = "zh",
             issuer: str | None = None, jurisdiction: str | None = None) -> ValidationResult:
    """Validate a guide (RDF graph, dataset, parsed outline, or a guide / RDF file) against the shapes.

    ``issuer`` and ``jurisdiction`` stand in for what a draft's text leaves
    out (the text wins where it names them); they apply to guides, not RDF.
    """
    from pyshacl import validate as shacl_validate

    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    given = _to_input(data, Supplied(issuer, jurisdiction))
    with _collector_paused():
        _, report_graph, _ = shacl_validate(
            given.graph,
            shacl_graph=_cached_shapes(),
            inference="none",
            advanced=False,
            allow_warnings=True,
            allow_infos=True,
        )
    _retag_messages(report_graph)
    report = ValidationReport(_findings(report_graph, given, lang), report_graph, lang, _guides(given.graph))
    return ValidationResult(report.conforms, report_graph, report)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for one validation.

    Validation allocates hundreds of thousands of short-lived objects next
    to a large graph; each full collection rescans that graph (a quarter of
    the national guide's validation time). The garbage made in one run is
    bounded and collected once the collector is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=1)
def _cached_shapes() -> Graph:
    from guidegraph.shapes import shapes_graph

    return shapes_graph()


@lru_cache(maxsize=1)
def _constraint_predicates() -> frozenset | None:
    """The predicates the shapes' SPARQL constraints can read (None: any)."""
    from guidegraph.validation.sparql_predicates import predicates_read

    shapes = _cached_shapes()
    header = "".join(
        f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
        for d in set(shapes.objects(None, SH.declare))
    )
    texts = [header + str(q) for prop in (SH.select, SH.ask) for q in shapes.objects(None, prop)]
    return predicates_read(texts)


def _guides(graph: Graph) -> list[dict[str, str]]:
    out = []
    for guide in sorted(set(graph.subjects(RDF.type, GG.GuideDocument))):
        title = graph.value(guide, GG.title) or graph.value(guide, RDFS.label) or ""
        out.append({"iri": str(guide), "title": str(title), "source": _source_name(graph, guide) or ""})
    return out


def _source_name(graph: Graph, guide: URIRef) -> str | None:
    src = graph.value(guide, GG.sourceDocument)
    name = graph.value(src, GG.fileName) if src is not None else None
    return str(name) if name is not None else None


# ---------------------------------------------------------------- locating findings


def _local_name(term: Any) -> str:
    text = str(term)
    return re.split(r"[#/]", text)[-1] if not isinstance(term, BNode) else text


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _message_language(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


def _retag_messages(report: Graph) -> None:
    """Give filled-in message templates their language back.

    pyshacl drops the language tag of a SPARQL constraint's message when it
    substitutes {?var}; every shape message is written in zh and en, so the
    script tells which is which.
    """
    for result, msg in list(report.subject_objects(SH.resultMessage)):
        if isinstance(msg, Literal) and not msg.language and msg.datatype is None:
            report.remove((result, SH.resultMessage, msg))
            report.add((result, SH.resultMessage, Literal(str(msg), lang=_message_language(str(msg)))))


def _messages(report: Graph, result: BNode) -> dict[str, str]:
    out: dict[str, str] = {}
    for msg in report.objects(result, SH.resultMessage):
        key = msg.language if isinstance(msg, Literal) and msg.language else _message_language(str(msg))
        out.setdefault(key, str(msg))
    return out


class _Locator:
    """Finds where in the guide a resource sits: owning node, section, span, excerpt."""

    def __init__(self, graph: Graph, lines: dict[str, list[str]], lang: str):
        self.g = graph
        self.lines = lines
        self.lang = lang
        self.outline_nodes = {s for cls in OUTLINE_CLASSES for s in graph.subjects(RDF.type, cls)}
        self.guides = set(graph.subjects(RDF.type, GG.GuideDocument))

    def owner(self, resource: URIRef) -> URIRef | None:
        """The outline node a resource belongs to (itself if it is one)."""
        seen = set()
        current: Any = resource
        while current is not None and current not in seen:
            if current in self.outline_nodes:
                return current
            seen.add(current)
            current = next((s for p in OWNER_PROPERTIES for s in self.g.subjects(p, current)), None)
        return None

    def guide_of(self, resource: URIRef) -> URIRef | None:
        if resource in self.guides:
            return resource
        return self.g.value(resource, GG.guide)

    def section(self, node: URIRef | None) -> str:
        """The heading that groups a node: the highest ancestor that has siblings."""
        if node is None:
            return GUIDE_SECTION[self.lang]
        chain = [node]
        parent = self.g.value(node, GG.parentNode)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.g.value(parent, GG.parentNode)
        chain.reverse()  # top first
        for ancestor in chain:
            if self._sibling_count(ancestor) > 1:
                return self.heading(ancestor)
        return self.heading(chain[-1])

    def _sibling_count(self, node: URIRef) -> int:
        parent = self.g.value(node, GG.parentNode)
        if parent is not None:
            return len(set(self.g.subjects(GG.parentNode, parent)))
        guide = self.g.value(node, GG.guide)
        return len(set(self.g.objects(guide, GG.topNode))) if guide is not None else 1

    def heading(self, node: URIRef) -> str:
        number = self.g.value(node, GG.number)
        title = self.g.value(node, GG.title) or self.g.value(node, RDFS.label) or _local_name(node)
        return f"{number or ''}{title}".strip()

    def span(self, resource: URIRef | None) -> tuple[int | None, int | None]:
        if resource is None:
            return None, None
        # A finding about a span itself (SpanLines) is located by its own lines.
        spans = list(self.g.objects(resource, GG.sourceSpan)) or [resource]
        starts = _line_numbers(self.g.objects(s, GG.startLine) for s in spans)
        ends = _line_numbers(self.g.objects(s, GG.endLine) for s in spans)
        if not starts:
            return None, None
        first = min(starts)
        return first, max(ends) if ends else first

    def excerpt(self, resource: URIRef, guide: URIRef | None, start: int | None, end: int | None) -> str:
        lines = self.lines.get(str(guide)) if guide is not None else None
        if lines and start is not None:
            stop = min(end or start, start + 3, len(lines))
            text = " ".join(line.strip() for line in lines[start - 1 : stop] if line.strip())
        else:
            value = next(
                (self.g.value(resource, p) for p in (GG.title, GG.name, GG.text, RDFS.label)
                 if self.g.value(resource, p) is not None),
                "",
            )
            text = str(value)
        text = re.sub(r"\s+", " ", text).strip()
        return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _line_numbers(values_per_span: Iterator[Iterator[Any]]) -> list[int]:
    """The usable line numbers among the values: a malformed span must not break the report on it."""
    numbers = []
    for values in values_per_span:
        for value in values:
            number = value.toPython() if isinstance(value, Literal) else None
            if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
                numbers.append(number)
    return numbers


def _findings(report: Graph, given: _Input, lang: str) -> list[Finding]:
    locator = _Locator(given.graph, given.lines, lang)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = _local_name(report.value(result, SH.resultSeverity))
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        path = report.value(result, SH.resultPath)
        shape = report.value(result, SH.sourceShape)
        messages = _messages(report, result)
        # Guide-wide checks name the offending resource as the value node.
        node = value if focus in locator.guides and isinstance(value, URIRef) and value != focus else focus
        owner = locator.owner(node) if isinstance(node, URIRef) else None
        guide = locator.guide_of(node) if isinstance(node, URIRef) else None
        start, end = locator.span(node)
        if start is None and owner is not None:
            start, end = locator.span(owner)
        located = owner if owner is not None else node
        findings.append(
            Finding(
                severity=severity,
                shape=_local_name(shape) if shape is not None else "",
                message=messages.get(lang) or next(iter(messages.values()), ""),
                messages=messages,
                focus=str(focus),
                node=str(node),
                guide=str(guide) if guide is not None else None,
                source=_source_name(given.graph, guide) if guide is not None else None,
                section=locator.section(owner),
                number=_plain(given.graph, owner, GG.number),
                code=_plain(given.graph, owner, GG.code),
                title=_title(given.graph, located) or (_title(given.graph, guide) if guide is not None else None),
                start_line=start,
                end_line=end,
                excerpt=locator.excerpt(located, guide, start, end) if isinstance(located, URIRef) else "",
                value=str(value) if value is not None else None,
                path=_path_text(report, path),
            )
        )
    findings.sort(key=lambda f: (f.source or "", SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9, f.start_line or 0, f.shape, f.title or "", f.node, f.value or ""))
    return findings


def _plain(graph: Graph, resource: Any, prop: URIRef) -> str | None:
    value = graph.value(resource, prop) if resource is not None else None
    return str(value) if value else None


def _title(graph: Graph, resource: Any) -> str | None:
    for p in (GG.title, GG.name, RDFS.label):
        value = graph.value(resource, p)
        if value is not None:
            return str(value)
    return None


def _path_text(report: Graph, path: Any) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return report.namespace_manager.normalizeUri(path)
    return "(complex path)"


# ---------------------------------------------------------------- rendering


_TEXT_WORDS = {
    "zh": {"Violation": "须修改", "Warning": "建议核对", "Info": "提示", "none": "无行号", "in": "位于"},
    "en": {"Violation": "to fix", "Warning": "to check", "Info": "for information", "none": "no line", "in": "in"},
}


def finding_subject(f: Finding) -> str:
    """Who a finding is about, as an officer finds it in the text: number, guide code, title."""
    code = f.code if f.code and f.code != f.number else None
    return " ".join(x for x in (f.number, f"[{code}]" if code else None, f.title) if x)


def render_text(report: ValidationReport) -> str:
    """What to fix first: per guide, violations, then warnings, then infos, each grouped by problem."""
    lang = report.lang
    labels, words = SEVERITY_LABELS[lang], _TEXT_WORDS[lang]
    out: list[str] = []
    by_guide: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_guide.setdefault(f.guide or "", []).append(f)
    titles = {g["iri"]: g for g in report.guides}
    for guide in sorted(by_guide, key=lambda g: (titles.get(g, {}).get("source", ""), g)):
        info = titles.get(guide, {})
        head = " — ".join(x for x in (info.get("source"), info.get("title")) if x) or guide or "?"
        out.append(f"# {head}")
        for severity in SEVERITIES:
            items = [f for f in by_guide[guide] if f.severity == severity]
            if not items:
                continue
            out.append(f"== {labels[severity]} {len(items)}（{words[severity]}）" if lang == "zh"
                       else f"== {len(items)} {labels[severity].lower()}(s) ({words[severity]})")
            groups: dict[str, list[Finding]] = {}
            for f in items:
                groups.setdefault(f.shape, []).append(f)
            for group in groups.values():
                out.append(f"-- {group[0].message if len(group) == 1 else _group_message(group, lang)}"
                           f" ({group[0].shape}, {len(group)})")
                for f in group:
                    where = f.lines or words["none"]
                    section = f"  〔{f.section}〕" if f.section and f.section != finding_subject(f) else ""
                    out.append(f"  [{labels.get(f.severity, f.severity)}] {where} {finding_subject(f)}: {f.message}{section}")
                    if f.excerpt:
                        out.append(f"      「{f.excerpt}」" if lang == "zh" else f"      \"{f.excerpt}\"")
        out.append("")
    counts = report.counts()
    if lang == "zh":
        verdict = "符合" if report.conforms else "不符合"
        out.append(f"合计：违规 {counts['Violation']}，警告 {counts['Warning']}，提示 {counts['Info']}（{verdict}）")
    else:
        verdict = "conforms" if report.conforms else "does not conform"
        out.append(
            f"Total: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info ({verdict})"
        )
    return "\n".join(out)


def _group_message(group: list[Finding], lang: str) -> str:
    """The message the group shares, or the shape's name where each finding words its own."""
    messages = {f.message for f in group}
    return group[0].message if len(messages) == 1 else group[0].shape


CSV_COLUMNS = ("source", "section", "severity", "shape", "number", "code", "title", "start_line", "end_line", "message",
               "excerpt", "node")


def render_csv(report: ValidationReport) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        writer.writerow(["" if getattr(f, c) is None else getattr(f, c) for c in CSV_COLUMNS])
    return buf.getvalue()


__all__ = ["validate", "ValidationResult", "ValidationReport", "Finding", "render_text", "render_csv", "LANGS",
           "SEVERITIES"]
