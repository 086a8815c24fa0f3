"""Assemble a full ``Outline`` from text: every reader of ingest.parse in one pass.

Order: paragraphs -> outline tree -> titles/tags/kinds -> indicators and
their quantities -> funding and declared counts -> offices, deadlines and
document metadata -> coverage. Each step lives in its own module; this one
only wires them and maps extracted text back to source lines.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from guidegraph.ingest.model import LOST_OFFICE_REASON, Coverage, Indicator, Node, Outline, Span, TextBlock, Unassigned
from guidegraph.ingest.parse.classify import classify, mark_legend, recognisable_direction, split_code, split_mark, split_tags
from guidegraph.ingest.parse.counts import parse_direction_count, parse_guide_counts, parse_period, parse_project_count
from guidegraph.ingest.parse.dates import extract_deadlines
from guidegraph.ingest.parse.docmeta import extract_doc_meta
from guidegraph.ingest.parse.funding import parse_funding
from guidegraph.ingest.parse.labels import match_label
from guidegraph.ingest.parse.lines import BOOKMARK_RE, fold, logical_paragraphs
from guidegraph.ingest.parse.markers import candidate_markers
from guidegraph.ingest.parse.offices import extract_offices, lost_office_lines
from guidegraph.ingest.parse.outline import OutlineBuilder
from guidegraph.ingest.parse.quantities import parse_quantities
from guidegraph.ingest.parse.statements import split_statements

_YOUNG_RE = re.compile(r"青年科学家")
_PER_PROJECT_COLUMN = re.compile(r"支持强度|支持金额|资助金额|资助强度|资助额度|支持额度")


def starts_block(folded: str) -> bool:
    """Does a line open a block by its own look (an outline number or a label)?"""
    return bool(candidate_markers(folded) or match_label(folded))


def assemble(text: str, source: str) -> Outline:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    paragraphs = logical_paragraphs(text, starts_block)
    built = OutlineBuilder(paragraphs.paras).build()
    locator = LineLocator(lines)

    nodes = built.nodes
    legend = mark_legend([p.text for p in paragraphs.paras])
    for node in nodes:
        title, code, rest = split_code(node.title)
        if code and not node.code:
            node.title, node.code = title + rest, code
        node.title, marked = split_mark(node.title, legend)
        node.title, node.tags = split_tags(node.title)
        node.tags += [t for t in marked if t not in node.tags]
    classify(nodes)
    for node in nodes:
        _fill_node(node, locator)
    _close_spans(nodes, built.node_paras)

    outline = Outline(source=source, nodes=nodes)
    # A section heading opens an empty block (its words are the block's label);
    # it carries no content of its own, so the outline lists only filled blocks.
    outline.preamble = _filled(built.doc.preamble)
    outline.requirements = _filled(built.doc.requirements)
    outline.materials = _filled(built.doc.materials)
    outline.notes = _filled(built.doc.notes)
    outline.sections = _filled(built.doc.sections)
    for node in nodes:
        for name in ("intro", "research_content", "notes", "sections"):
            setattr(node, name, _filled(getattr(node, name)))

    _guide_counts(outline, [n for n in nodes if n.id in built.part_nodes], locator)
    meta = extract_doc_meta(lines)
    outline.title, outline.subtitle, outline.year = meta.title, meta.subtitle, meta.year
    outline.jurisdiction, outline.issuers = meta.jurisdiction, list(meta.issuers)
    outline.doc_number, outline.issue_date = meta.doc_number, meta.issue_date
    outline.spans = dict(meta.spans)
    outline.deadlines = extract_deadlines(lines)
    offices, consumed = extract_offices(lines)
    _scope_offices(offices, nodes)
    outline.offices = offices

    if meta.forwarding:
        _forwarding_notice(outline)
    outline.coverage = _coverage(text, paragraphs, built)
    _uncount_lost_offices(outline, lines, lost_office_lines(lines, offices, consumed))
    if outline.document_kind == "forwarding_notice":
        outline.warnings.append("this document is a forwarding notice: it publishes no directions of its own "
                                "(they are in the call it forwards); its deadlines and accepting offices are read")
    elif not any(n.kind in ("direction", "subdirection") for n in outline.nodes):
        outline.warnings.append("no research directions recognised: the text may be a notice without a guide, or use a layout guidegraph does not know yet")
    return outline


def _forwarding_notice(outline: Outline) -> None:
    """A notice forwarding another body's call publishes no directions: its numbered parts are its sections.

    Only when no item carries a direction's own content (研究内容/考核指标, a guide code):
    a notice that forwards and also publishes directions keeps them.
    """
    if any(recognisable_direction(n) for n in outline.nodes if n.kind in ("direction", "subdirection")):
        return
    outline.document_kind = "forwarding_notice"
    kept = []
    for n in outline.nodes:
        if n.kind in ("direction", "subdirection", "field", "category"):
            heading = f"{n.number or ''}{n.title}".strip()
            outline.sections.append(TextBlock(text=n.title, label=heading, number=n.number, source=n.source))
            outline.sections.extend(b for b in n.intro + n.sections + n.notes if b.text.strip())
        else:
            kept.append(n)
    ids = {n.id for n in kept}
    for n in kept:
        if n.parent not in ids:
            n.parent = None
    outline.nodes[:] = kept


def _guide_counts(outline: Outline, parts: list[Node], locator: "LineLocator") -> None:
    """Counts the guide declares as a whole: in its preamble, or said of the whole guide elsewhere.

    ``parts`` are the nodes standing for the document (its title) or an
    attachment; a count read off one is the guide's, not that node's: it is
    checked against every direction once.
    """
    tops = parts
    candidates = [(b, True) for b in outline.preamble]
    candidates += [(b, False) for b in outline.sections + outline.notes + outline.requirements]
    candidates += [(b, False) for n in tops for b in n.intro + n.sections + n.notes]
    counts: dict = {}
    for block, guide_wide in candidates:
        for key, value in parse_guide_counts(block.text, guide_wide).items():
            if key not in counts:
                counts[key] = dict(value, source=locator.locate(value["text"], block.source))
    declared = counts.get("directions")
    if declared:
        for n in tops:
            if n.declared_direction_count == declared["value"] and any(declared["text"] in b.text for b in n.intro):
                n.declared_direction_count = None
    outline.declared_counts = counts


def _filled(blocks: list) -> list:
    return [b for b in blocks if b.text.strip()]


# ------------------------------------------------------------------ per node
def _fill_node(node: Node, locator: "LineLocator") -> None:
    raw_indicators = list(node.indicators)
    node.indicators = []
    for block in raw_indicators:
        for start, end in split_statements(block.text):
            statement = block.text[start:end]
            node.indicators.append(
                Indicator(
                    text=statement,
                    label=block.label or "考核指标",
                    quantities=parse_quantities(statement),
                    source=locator.locate(statement, block.source),
                )
            )
    prose = " ".join(b.text for b in node.intro + node.sections + node.notes)
    for block in node.intro + node.sections + node.notes:
        for funding in parse_funding(block.text):
            funding.source = locator.locate(funding.text, block.source)
            if funding.scope == "unspecified" and node.kind == "direction" and _PER_PROJECT_COLUMN.search(block.label):
                funding.scope = "per_project"  # a direction's own 支持强度 (a table column) funds each project
            node.funding.append(funding)
    if node.kind == "programme":
        declared = parse_direction_count(prose)
        if declared and declared.get("value") is not None:
            node.declared_direction_count = int(declared["value"])
        node.young_scientist_rules = [b for b in node.intro if _YOUNG_RE.search(b.text)]
    projects = parse_project_count(prose)
    if projects:
        node.declared_project_count = projects
    period = parse_period(prose)
    if period:
        node.period = period.get("text")


def _close_spans(nodes: list[Node], node_paras: dict) -> None:
    """A node's span runs from its heading to the last line of its last descendant."""
    by_parent: dict[str | None, list[Node]] = {}
    for n in nodes:
        by_parent.setdefault(n.parent, []).append(n)

    def close(n: Node) -> Span:
        span = n.source
        for p in node_paras.get(n.id, []):
            span = span.cover(p.span) if span else p.span
        for child in by_parent.get(n.id, []):
            span = span.cover(close(child))
        n.source = span
        return span

    for root in by_parent.get(None, []):
        close(root)


def _scope_offices(offices, nodes: list[Node]) -> None:
    """An office mentioned inside a node's text serves that node (责任部门 under a 专项)."""
    def deepest(line: int) -> Node | None:
        best = None
        for n in nodes:
            if n.source and n.source.start_line <= line <= n.source.end_line:
                if best is None or n.source.start_line >= best.source.start_line:
                    best = n
        return best

    for office in offices:
        for span in office.sources or ([office.source] if office.source else []):
            node = deepest(span.start_line)
            if node is not None and node.title not in office.scope:
                office.scope.append(node.title)


# ------------------------------------------------------------------ coverage


def _uncount_lost_offices(outline: Outline, lines: list[str], lost: list[int]) -> None:
    """An office-shaped line that fed no office is not read, whatever section holds its characters."""
    listed = {n for u in outline.coverage.unassigned for n in range(u.start_line, u.end_line + 1)}
    fresh = [n for n in lost if n not in listed]
    if not fresh:
        return
    for n in fresh:
        text = lines[n - 1].strip()
        outline.coverage.unassigned.append(Unassigned(n, n, text, LOST_OFFICE_REASON))
        outline.coverage.chars_assigned -= len(_visible(text))
    outline.coverage.unassigned.sort(key=lambda u: (u.start_line, u.end_line))
    where = ", ".join(f"L{n}" for n in fresh)
    outline.warnings.append(f"{len(fresh)} office or contact line(s) gave no office ({where}): check who answers there")

def _coverage(text: str, paragraphs, built) -> Coverage:
    """Count non-blank characters: held by the outline, or listed as unassigned with a reason.

    What each paragraph contributed is compared character by character with
    what the builder stored from it, so text the parser drops shows up here.
    """
    total = len(_visible(text))
    unassigned: list[Unassigned] = []
    for noise in paragraphs.noise:
        unassigned.append(Unassigned(noise.line, noise.line, noise.text, noise.reason))
    for para in paragraphs.paras:
        span = para.span
        if para.attachment is not None:
            if span.start_line not in built.attachments_used:
                unassigned.append(Unassigned(span.start_line, span.end_line, para.text, "attachment marker: a boundary of the outline, not content"))
            continue
        have, held = _visible(para.text), _visible("".join(built.captured.get(id(para), [])))
        if have == held:
            continue  # the common case: held whole and in order
        missing = Counter(have) - Counter(held)
        if missing:
            lost = "".join(ch * n for ch, n in missing.items())
            unassigned.append(Unassigned(span.start_line, span.end_line, lost, "not held by the outline (parser dropped it)"))
    lost = sum(sum(1 for ch in u.text if not ch.isspace()) for u in unassigned)
    return Coverage(chars_total=total, chars_assigned=total - lost, unassigned=unassigned)


_SPACE_RE = re.compile(r"\s+")


def _visible(text: str) -> str:
    return _SPACE_RE.sub("", text)


class LineLocator:
    """Find which source lines a piece of cleaned, re-joined text came from.

    Cleaning drops whitespace and joins wrapped lines, so text is matched on
    a whitespace-free view of the source, searched within the block's span.
    """

    def __init__(self, lines: list[str]):
        self.lines = lines
        parts: list[str] = []
        self.line_first: list[int] = [0, 0]  # compact index where line n starts (1-based n)
        self.line_offset: list[int] = [0, 0]  # char offset of line n in the source text
        pos = compact_len = 0
        for line in lines:
            clean = _SPACE_RE.sub("", BOOKMARK_RE.sub("", line))
            parts.append(clean)
            compact_len += len(clean)
            pos += len(line) + 1
            self.line_first.append(compact_len)
            self.line_offset.append(pos)
        self.compact = fold("".join(parts))

    def _line_of(self, index: int) -> int:
        return bisect.bisect_right(self.line_first, index, 1) - 1

    def _offset_of(self, index: int) -> int:
        """Source offset of the compact character at ``index``."""
        n = self._line_of(index)
        want = index - self.line_first[n]
        line = BOOKMARK_RE.sub(lambda m: " " * len(m.group(0)), self.lines[n - 1])
        seen = 0
        for k, ch in enumerate(line):
            if not ch.isspace():
                if seen == want:
                    return self.line_offset[n] + k
                seen += 1
        return self.line_offset[n] + len(line)

    def locate(self, piece: str, within: Span | None) -> Span | None:
        key = fold(_visible(piece))
        if not key:
            return within
        total = len(self.lines)
        lo = self.line_first[within.start_line] if within else 0
        hi = self.line_first[min(within.end_line, total) + 1] if within else len(self.compact)
        head = key[: min(16, len(key))]
        start = self.compact.find(head, lo, hi)
        if start < 0:
            return within
        tail = key[-min(16, len(key)) :]
        end = self.compact.find(tail, max(start, start + len(key) - len(tail) - 8), hi)
        end = start + len(head) - 1 if end < 0 else end + len(tail) - 1
        end = min(end, len(self.compact) - 1)
        return Span(self._line_of(start), self._line_of(end), self._offset_of(start), self._offset_of(end) + 1)
