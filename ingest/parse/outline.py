"""Build the outline tree from paragraphs, as a careful reader would.

A numbered paragraph opens a heading only if its number fits the sequence:
the next sibling of a numbering style already open (2. after 1.), or the
first item (1. / （一）) of a new, deeper style. Inside labelled text
(研究内容, 考核指标, 有关说明, 申报要求 ...) a new numbering style is an
enumeration of that text, not a heading, and stays one while it counts on.
Headings whose title is a label (二、申报要求, 5.责任部门) open sections, not
nodes. Headings without numbers (农业方面) are recognised by their shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from guidegraph.ingest.model import Node, TextBlock
from guidegraph.ingest.parse.labels import Label, heading_label, match_label
from guidegraph.ingest.parse.lines import Para, fold


def clean_label(text: str) -> str:
    return re.sub(r"\s+", "", text)
from guidegraph.ingest.parse.markers import Marker, candidate_markers
from guidegraph.ingest.parse.tables import DirectionTable

# A paragraph that introduces a special programme by name inside prose:
# 国家重点研发计划启动实施“病原学与防疫技术体系研究”重点专项。
PROGRAMME_INTRO_RE = re.compile(r"(?:启动实施|组织实施|启动|设立)\s*[“\"]([^”\"]{2,60})[”\"]\s*((?:重点)?专项|计划)")
_UNNUMBERED_SUFFIX_RE = re.compile(r"(方面|领域|类|专项|计划|板块|部分)$")
_PUNCT_RE = re.compile(r"[，,。；;：:、！？!?（）()《》“”\"]")
_SECTION_CONTAINER_FIELDS = ("container",)
_DOC_FIELDS = ("requirements", "materials", "notes", "schedule", "offices", "general")
# A stand-alone document title inside the text (a guide after its notice, an
# attachment's own title) restarts the numbering.
DOC_TITLE_RE = re.compile(r"^(?!关于)(?![一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.、．])《?[^，。；;：:]{4,70}(?:申报指南|编制指南|项目指南|指南)》?$")


@dataclass
class Sink:
    """Where plain paragraphs go now: a node's intro or labelled part, or a document section."""

    owner: str  # "node" | "doc"
    field: str  # intro | research_content | indicators | notes | sections | preamble | requirements | ...
    node: Node | None = None
    label: str = ""
    block: TextBlock | None = None  # the open block that continuation paragraphs extend
    enumerations: dict[str, int] = field(default_factory=dict)  # style -> last value counted as body enumeration


@dataclass
class Frame:
    style: str  # marker style, "unnum:<suffix>" for unnumbered headings, "attach" for 附件N
    value: int
    node: Node | None  # None for a section frame
    sink: Sink
    path: tuple[int, ...] = ()
    para: Para | None = None  # the 附件N line of an attachment frame


@dataclass
class DocParts:
    """What the builder found outside the node tree."""

    preamble: list[TextBlock] = field(default_factory=list)
    requirements: list[TextBlock] = field(default_factory=list)
    materials: list[TextBlock] = field(default_factory=list)
    notes: list[TextBlock] = field(default_factory=list)
    sections: list[TextBlock] = field(default_factory=list)


@dataclass
class OutlineResult:
    nodes: list[Node]
    doc: DocParts
    assigned: list[Para]  # paragraphs that landed somewhere (all of them, by construction)
    node_paras: dict[str, list[Para]]  # node id -> paragraphs directly under it
    attachments_used: set[int] = field(default_factory=set)
    captured: dict[int, list[str]] = field(default_factory=dict)
    part_nodes: set[str] = field(default_factory=set)  # nodes standing for the document or an attachment


class OutlineBuilder:
    def __init__(self, paras: list[Para]):
        self.paras = paras
        self.nodes: list[Node] = []
        self.doc = DocParts()
        self.root_sink = Sink("doc", "preamble")
        self.stack: list[Frame] = []
        self.sink = self.root_sink
        self.node_paras: dict[str, list[Para]] = {}
        self.assigned: list[Para] = []
        self._ids: set[str] = set()
        self.part_nodes: set[str] = set()  # nodes that stand for a whole document part
        self.last_code: int | None = None
        self.attachments_used: set[int] = set()  # lines of 附件N markers that number a node
        self.captured: dict[int, list[str]] = {}  # id(para) -> the strings of it the outline holds
        self._consumed: set[int] = set()  # paragraph indexes already taken by a look-ahead
        self.table: DirectionTable | None = None  # the direction table being read, row by row
        self.closed: dict[str, int] = {}  # style -> last value of a closed run (numbering that goes on across groups)

    # ----------------------------------------------------------------- driving
    def build(self) -> OutlineResult:
        for i, para in enumerate(self.paras):
            self._step(i, para)
        return OutlineResult(self.nodes, self.doc, self.assigned, self.node_paras, self.attachments_used, self.captured,
                             self.part_nodes)

    def _step(self, i: int, para: Para) -> None:
        self.assigned.append(para)
        if i in self._consumed:
            return
        if para.cells is not None and self._table_row(para):
            return
        self.table = None
        if para.attachment is not None:
            self._open_attachment(para)
            return
        folded = para.folded
        intro = PROGRAMME_INTRO_RE.search(folded[:80])
        if intro and self._can_open_programme(intro.group(1)):
            self._open_programme_from_intro(para, para.text[intro.start(1) : intro.end(1)], intro.group(2))
            self._append(para, para.text)
            return
        after_attachment = self.stack and self.stack[-1].style == "attach" and self.sink.block is None
        if (after_attachment and _attachment_title(folded)) or (
            DOC_TITLE_RE.match(folded.strip()) and (self.sink.owner == "doc" or not self._in_labelled_text())
        ):
            self._open_document_part(i, para)
            return
        marker = self._accepted_marker(folded)
        if marker is not None:
            self._open_heading(para, marker)
            return
        bullet = _BULLET_TITLE_RE.match(folded.strip())
        if bullet and (self._under_topic() or self._in_topic_list()) and len(para.lines) == 1:
            self._open_bullet(para, bullet)
            return
        label = match_label(folded)
        if label is not None and not label.rest and self._open_bare_section(para, label):
            return
        if label is not None:
            self._open_label(para, label)
            return
        if self._is_unnumbered_heading(i, para):
            self._open_unnumbered(para)
            return
        self._append(para, para.text)

    # ------------------------------------------------------------ acceptance
    def _accepted_marker(self, folded: str) -> Marker | None:
        for marker in candidate_markers(folded):
            if self._fits_sequence(marker):
                return marker
        return None

    def _frame_index(self, style: str) -> int | None:
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k].style == style:
                return k
        return None

    def _in_labelled_text(self) -> bool:
        return self.sink.field not in ("intro", "preamble")

    def _in_topic_list(self) -> bool:
        """In a programme's 支持重点 (what it funds): its numbered items are fundable topics."""
        return self.sink.owner == "node" and self.sink.node is not None and clean_label(self.sink.label) in TOPIC_LABELS

    def _fits_sequence(self, m: Marker) -> bool:
        if not m.rest or _looks_like_quantity(m):
            return False
        # An enumeration already running in this labelled text goes on.
        last = self.sink.enumerations.get(m.style)
        if last is not None and m.value == last + 1:
            self.sink.enumerations[m.style] = m.value
            return False
        k = self._frame_index(m.style)
        if k is None and m.value == 1 and self._in_topic_list() and _topic_like(m.rest):
            return True  # （1）健康养老领域。… opens the programme's list of fundable topics
        if m.style.startswith("dotted"):
            return self._fits_dotted(m, k)
        if m.style == "code":
            # Guide codes run in series (1001…, 2001 2002…): a first of a series or the next one.
            # a repeated code (2003 twice) is still a heading: the duplicate is for validation to report
            in_series = self.last_code is not None and self.last_code <= m.value <= self.last_code + 2
            return _title_like(m.rest) and "\ufffd" not in m.rest and (in_series or m.value % 100 == 1)
        if k is not None:
            if m.value == self.stack[k].value + 1:
                return True
            self._count_enumeration(m)
            return False
        if self._in_labelled_text() or (self.stack and self.stack[-1].node is None):
            self._count_enumeration(m)
            return False
        if m.value == 1:
            return True
        if self.closed.get(m.style) == m.value - 1 and self.sink.field == "intro" and self.sink.owner == "node":
            return True  # directions numbered on across groups (二、… 3. after 一、… 1. 2.)
        # （二） after an unnumbered heading (资源环境) that stood for （一）.
        return m.value == 2 and self._implicit_first_sibling() is not None

    def _implicit_first_sibling(self) -> int | None:
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k].style == "unnum":
                return k
        return None

    def _fits_dotted(self, m: Marker, k: int | None) -> bool:
        if k is not None:
            prev = self.stack[k].path
            if prev[:-1] == m.path[:-1] and m.value == prev[-1] + 1:
                return True
        if m.value != 1:
            return False
        # 1.1 opens under item 1 of the enclosing level (1. / 一、 ...).
        for frame in reversed(self.stack):
            if frame.node is not None and frame.style != "attach":
                return frame.value == m.path[-2] if len(m.path) >= 2 else False
        return False

    def _count_enumeration(self, m: Marker) -> None:
        if m.value == 1 or m.style in self.sink.enumerations:
            self.sink.enumerations[m.style] = m.value

    # ------------------------------------------------------------- opening
    def _pop_to(self, depth: int) -> None:
        for frame in self.stack[depth:]:
            if frame.node is not None and frame.style not in ("attach", "part", "programme", "bullet"):
                self.closed[frame.style] = frame.value
        del self.stack[depth:]
        self.sink = self.stack[-1].sink if self.stack else self.root_sink

    def _parent_node(self) -> Node | None:
        for frame in reversed(self.stack):
            if frame.node is not None:
                return frame.node
        return None

    def _capture(self, para: Para, *strings: str | None) -> None:
        """Record what of ``para`` the outline now holds, so coverage is measured, not assumed."""
        self.captured.setdefault(id(para), []).extend(s for s in strings if s)

    def _new_node(self, para: Para, number: str | None, code: str | None, title: str, key: str) -> Node:
        self._capture(para, number, title)
        parent = self._parent_node()
        base = f"{parent.id}/{key}" if parent else key
        node_id, n = base, 2
        while node_id in self._ids:
            node_id = f"{base}-{n}"
            n += 1
        self._ids.add(node_id)
        node = Node(id=node_id, kind="", title=title, parent=parent.id if parent else None, number=number, code=code, source=para.span)
        self.nodes.append(node)
        self.node_paras[node.id] = [para]
        return node

    def _open_heading(self, para: Para, m: Marker) -> None:
        k = self._frame_index(m.style)
        if m.style.startswith("dotted") and k is None:
            pass  # deeper level under the current node
        elif k is not None:
            self._pop_to(k)
        elif m.value == 2 and m.style != "code" and (u := self._implicit_first_sibling()) is not None:
            self.stack[u].style, self.stack[u].value = m.style, 1
            self._pop_to(u)
        if m.style.startswith("dotted") and k is not None:
            self._pop_to(k)
        if m.style.startswith("dotted") and k is None:
            # close deeper frames under the dotted parent
            for idx in range(len(self.stack) - 1, -1, -1):
                if self.stack[idx].node is not None and self.stack[idx].value == m.path[-2]:
                    self._pop_to(idx + 1)
                    break
        original = para.text.lstrip()
        number = m.number if m.style.startswith("word:") else original[: m.head].strip() or m.number
        rest = original[m.head :].strip()
        label = heading_label(fold(rest))
        doc_level = self._parent_node() is None or self._parent_node().id in self.part_nodes
        if (label is not None and label.field == "support" and doc_level and clean_label(label.word) in TOPIC_LABELS
                and self._part_holds_directions(para, m)):
            label = None  # the guide's own 支持重点 part holds its directions (研究内容/考核指标 below), like 支持方向
        if label is not None and label.field not in _SECTION_CONTAINER_FIELDS:
            self._open_section_heading(para, m, number, label, rest)
            return
        inline = _inline_section(rest)
        if inline is not None:
            # "3. 支持方式及额度：采取事前资助…": a section heading with its text on the same line
            label, head, text = inline
            self._open_section_heading(para, m, number, label, head)
            if text:
                self._append(para, text, new_block=True)
            return
        title, remainder = split_title(rest)
        if remainder and rest.endswith(remainder):
            self._capture(para, rest[len(title) : len(rest) - len(remainder)])  # the 。 between them
        code = m.number if m.style == "code" else None
        if code is not None:
            self.last_code = m.value
        key = _node_key(m)
        parent = self._parent_node()
        topic = self._in_topic_list() or (parent is not None and parent.kind == "direction" and not m.style == "code")
        node = self._new_node(para, number, code, title, key)
        if topic:
            node.kind = "direction"
        sink = Sink("node", "intro", node)
        self.stack.append(Frame(m.style, m.value, node, sink, m.path))
        self.sink = sink
        if remainder:
            self._append(para, remainder, new_block=True)

    def _open_section_heading(self, para: Para, m: Marker, number: str, label: Label, rest: str) -> None:
        node = self._parent_node()
        field_name = _target_field(label.field, node is not None)
        sink = Sink("node" if node else "doc", field_name, node, label.word)
        self.stack.append(Frame(m.style, m.value, None, sink, m.path))
        self.sink = sink
        self._capture(para, number, rest)
        self._start_block(para, "", label.word, number=None, heading=True)

    def _open_bare_section(self, para: Para, label: Label) -> bool:
        """A document section whose number was left out (申报要求 between 一、 and 三、)."""
        if label.field not in _DOC_FIELDS or not self.stack or self.stack[0].style.startswith(("unnum", "attach", "programme", "part")):
            return False
        if para.folded.strip().rstrip(":：") != label.word:
            return False
        top = self.stack[0]
        self._pop_to(0)
        sink = Sink("doc", _target_field(label.field, False), None, label.word)
        self.stack.append(Frame(top.style, top.value + 1, None, sink, top.path))
        self.sink = sink
        self._capture(para, para.text)
        self._start_block(para, "", label.word, heading=True)
        return True

    def _open_label(self, para: Para, label: Label) -> None:
        node = self._parent_node()
        field_name = _target_field(label.field, node is not None)
        # The label's part runs until the next label or heading (the frame keeps its own sink).
        self.sink = Sink("node" if node else "doc", field_name, node, label.word)
        rest = para.text.strip()[label.rest_start :].strip() if label.rest else ""
        self._capture(para, para.text.strip()[: label.rest_start] if label.rest else para.text)
        self._start_block(para, rest, label.word)

    def _open_unnumbered(self, para: Para) -> None:
        suffix = _UNNUMBERED_SUFFIX_RE.search(para.text)
        style = f"unnum:{suffix.group(1)}" if suffix else "unnum"
        k = self._frame_index(style)
        if k is not None:
            self._pop_to(k)  # the next sector (工业方面 after 农业方面) is a sibling
        # "专项一　产业关键技术攻关专项": a worded number, then the title
        worded = _WORDED_NUMBER_RE.match(para.text.strip())
        number, title = (worded.group(1), worded.group(2).strip()) if worded else (None, para.text)
        node = self._new_node(para, number, None, title, f"u{sum(1 for n in self.nodes if n.number is None) + 1}")
        sink = Sink("node", "intro", node)
        self.stack.append(Frame(style, 1, node, sink))
        self.sink = sink

    def _part_holds_directions(self, para: Para, m: Marker) -> bool:
        """Does the part this heading opens label research content or indicators before the next heading of its rank?"""
        start = next((k for k, p in enumerate(self.paras) if p is para), None)
        if start is None:
            return False
        for nxt in self.paras[start + 1 : start + 400]:
            if any(c.style == m.style and c.value == m.value + 1 for c in candidate_markers(nxt.folded)):
                return False
            label = match_label(nxt.folded)
            if label is not None and label.field in ("research_content", "indicators"):
                return True
        return False

    def _under_topic(self) -> bool:
        node = self._parent_node()
        return node is not None and (node.kind == "direction" or self._frame_index("bullet") is not None) and self.sink.field == "intro" and any(
            f.style == "bullet" or (f.node is not None and f.node.kind == "direction") for f in self.stack)

    def _open_bullet(self, para: Para, bullet: re.Match) -> None:
        """A bullet standing alone as a title (--重点病种的规范化诊疗技术) under a topic: a sub-topic."""
        k = self._frame_index("bullet")
        value = self.stack[k].value + 1 if k is not None else 1
        if k is not None:
            self._pop_to(k)
        parent = self._parent_node()
        if parent is not None and k is None and parent.kind == "direction":
            parent.kind = ""  # a support line over its own topics ("支持…专项项目" → --topics) groups them
        original = para.text.strip()
        mark = original[: len(original) - len(original.lstrip("-—－ "))]
        title = original[len(mark):].strip()
        node = self._new_node(para, None, None, title, f"b{value}")
        self._capture(para, mark)
        node.kind = "direction"
        sink = Sink("node", "intro", node)
        self.stack.append(Frame("bullet", value, node, sink))
        self.sink = sink

    def _open_attachment(self, para: Para) -> None:
        self._pop_to(0)
        self.sink = self.root_sink
        self.stack.append(Frame("attach", para.attachment or 0, None, Sink("doc", "sections", None, clean_label(para.text)), para=para))
        self.sink = self.stack[-1].sink

    def _open_document_part(self, i: int, para: Para) -> None:
        """A guide's own title, or an attachment's: the numbering starts again under it."""
        marker = self.stack[0] if self.stack and self.stack[0].style == "attach" else None
        self._pop_to(0)
        title = para.text.strip().strip("《》")
        self._capture(para, para.text)  # the title, 《》 included, is held as the node's title
        extra_lines = []
        # A title set over several short lines (title / subtitle / （scope）) is one title.
        for j in range(i + 1, min(i + 4, len(self.paras))):
            nxt = self.paras[j]
            if FORM_TITLE_RE.search(title) or para.text.strip().endswith("》") or nxt.cells is not None or len(nxt.text) > 40:
                break
            if not _attachment_title(nxt.folded) or match_label(nxt.folded):
                break
            # a finished title only takes a bracketed scope line after it: （…领域）
            if TITLE_END_RE.search(title) and not re.match(r"^[（(].*[）)]$", nxt.folded.strip()):
                break
            title += nxt.text.strip()
            self._capture(nxt, nxt.text)
            self._consumed.add(j)
            extra_lines.extend(nxt.lines)
        if FORM_TITLE_RE.search(title):
            self.stack.append(Frame("part", 1, None, Sink("doc", "materials", None, title)))
            self.sink = self.stack[-1].sink
            self._capture(para, title)
            self._start_block(para, "", title, heading=True)
            return
        number = f"附件{marker.value}" if marker is not None else None
        node = self._new_node(para, number, None, title, f"a{sum(1 for n in self.nodes if n.parent is None) + 1}")
        if extra_lines:
            node.source = node.source.cover(Para(para.text, extra_lines).span)
        if marker is not None and marker.para is not None:
            self.attachments_used.add(marker.para.span.start_line)
            node.source = marker.para.span.cover(node.source)
        if re.search(r"专项|计划", title):
            node.kind = "programme"
        self.part_nodes.add(node.id)
        sink = Sink("node", "intro", node)
        self.stack.append(Frame("part", 1, node, sink))
        self.sink = sink

    def _can_open_programme(self, name: str) -> bool:
        for frame in self.stack:
            if frame.node is not None and frame.node.kind == "programme" and frame.node.title == name:
                return False
        return True

    def _open_programme_from_intro(self, para: Para, name: str, word: str) -> None:
        self._pop_to(0)
        node = self._new_node(para, None, None, name, f"p{sum(1 for n in self.nodes if n.kind == 'programme') + 1}")
        node.kind = "programme"
        node.tags = []
        sink = Sink("node", "intro", node)
        self.stack.append(Frame("programme", 1, node, sink))
        self.sink = sink

    # ------------------------------------------------------------- tables
    def _table_row(self, para: Para) -> bool:
        """A row of a table of directions (序号 | 方向名称 | 研究内容 | 考核指标 | 支持强度): one direction each."""
        cells = para.cells or []
        header = DirectionTable.from_header(cells)
        if header is not None:
            self.table = header
            self._capture(para, para.text)
            return True
        table = self.table
        if table is None or not table.fits(cells):
            return False
        title = table.cell(cells, "title")
        if not title:
            return False
        number, code = table.cell(cells, "number") or None, table.cell(cells, "code") or None
        node = self._new_node(para, number, code, title, code or f"t{number or len(self.nodes) + 1}")
        node.kind = "direction"
        self._capture(para, para.text)
        for role, label, text in table.parts(cells):
            block = TextBlock(text=text, label=label, source=para.span)
            if role == "research_content":
                node.research_content.append(block)
            elif role == "indicators":
                node.indicators.append(block)
            elif role == "funding":
                node.intro.append(block)
            else:
                node.sections.append(block)
        return True

    # ------------------------------------------------------------- content
    def _start_block(self, para: Para, text: str, label: str, number: str | None = None, heading: bool = False) -> None:
        self._capture(para, text, number)
        block = TextBlock(text=text, label=label, number=number, source=para.span)
        self._store(block)
        self.sink.block = block
        self._note_para(para)

    def _append(self, para: Para, text: str, new_block: bool = False) -> None:
        sink = self.sink
        markers = candidate_markers(para.folded)
        item_number = None
        if sink.field in ("requirements", "materials", "notes", "sections") and markers and not new_block:
            # numbered items of a section each become their own block
            m = markers[0]
            item_number = para.text.lstrip()[: m.head].strip()
            text = para.text.lstrip()[m.head :].strip()
            new_block = True
        self._capture(para, text, item_number)
        if sink.block is None or new_block or sink.field in ("intro", "preamble") and _ends_paragraph(sink.block):
            block = TextBlock(text=text, label=sink.label, number=item_number, source=para.span)
            self._store(block)
            sink.block = block
        else:
            sink.block.text = _concat(sink.block.text, text)
            sink.block.source = sink.block.source.cover(para.span) if sink.block.source else para.span
        self._note_para(para)

    def _note_para(self, para: Para) -> None:
        node = self._parent_node()
        if node is not None and self.node_paras.get(node.id, [None])[-1] is not para:
            self.node_paras.setdefault(node.id, []).append(para)

    def _store(self, block: TextBlock) -> None:
        sink = self.sink
        if sink.owner == "node" and sink.node is not None and sink.node.id in self.part_nodes and sink.field in _DOC_TARGETS:
            target = getattr(self.doc, sink.field)
        elif sink.owner == "node" and sink.node is not None:
            target = getattr(sink.node, sink.field if sink.field in ("intro", "research_content", "indicators", "notes") else "sections")
        else:
            target = getattr(self.doc, sink.field if sink.field in ("preamble", "requirements", "materials", "notes", "sections") else "sections")
        target.append(block)

    # ------------------------------------------------------------ shapes
    def _is_unnumbered_heading(self, i: int, para: Para) -> bool:
        text = para.text
        if len(para.lines) > 1 or len(text) > 16 or len(text) < 2 or _PUNCT_RE.search(text):
            return False
        if re.search(r"\d", text) or not self.stack:
            return False
        suffix = _UNNUMBERED_SUFFIX_RE.search(text)
        if suffix and self._frame_index(f"unnum:{suffix.group(1)}") is not None:
            return True  # the next of a run of unnumbered headings (专项二 after 专项一's sections)
        if text.endswith("方面"):
            # a sector heading (农业方面) stands out even after a direction's labelled text,
            # but inside a document section (受理单位 by sector) it is that section's text
            return self.sink.owner == "node" or self.sink.field == "intro"
        if self.sink.field != "intro":
            return False
        # A short title followed (soon) by the first item of a numbered list.
        for nxt in self.paras[i + 1 : i + 3]:
            for m in candidate_markers(nxt.folded):
                if m.value == 1 and not m.style.startswith("dotted"):
                    return True
        return False


def _node_key(m: Marker) -> str:
    if m.style == "code":
        return m.number
    if m.style.startswith("dotted"):
        return ".".join(str(p) for p in m.path)
    prefix = {"cn-dun": "", "cn-paren": "c", "ar-dun": "", "ar-dot": "", "ar-paren": "p", "ar-half": "h", "circled": "o"}.get(m.style, "")
    return f"{prefix}{m.value}"


_DOC_TARGETS = ("requirements", "materials", "notes")


def _target_field(label_field: str, in_node: bool) -> str:
    if in_node:
        return label_field if label_field in ("research_content", "indicators", "notes", "requirements", "materials") else "sections"
    return label_field if label_field in ("requirements", "materials", "notes") else "sections"


TITLE_END_RE = re.compile(r"(指南|通知|政策|办法|方案|细则|信息)[》]?$")
FORM_TITLE_RE = re.compile(r"(表|表格|模板|格式|样式|承诺书|申报书|说明书|目录|清单)$")


def _attachment_title(folded: str) -> bool:
    text = folded.strip()
    return 2 <= len(text) <= 70 and not re.search(r"[，,。；;]", text) and not candidate_markers(text)


_WORDED_NUMBER_RE = re.compile(r"^((?:专项|第)[一二三四五六七八九十]{1,3}(?:部分|篇|章)?)[\s\u3000：:、]*([^\s一二三四五六七八九十].{3,})$")
TOPIC_LABELS = ("支持重点", "重点支持", "支持内容", "重点支持内容", "支持重点领域", "重点方向")
_BULLET_TITLE_RE = re.compile(r"^(?:--|——|－－|-)\s*[^-—－\s][^，,。；;：:]{1,29}$")


def _inline_section(rest: str) -> tuple[Label, str, str] | None:
    """(label, heading, text) of "支持方式及额度：采取…" — a section title, a colon, its text."""
    folded = fold(rest)
    cut = folded.find(":")
    if not 2 <= cut <= 14:
        return None
    label = heading_label(folded[:cut])
    if label is None or label.field in _SECTION_CONTAINER_FIELDS:
        return None
    return label, rest[:cut], rest[cut + 1 :].strip()


def _topic_like(rest: str) -> bool:
    """An item naming a topic: a short title, then its description after 。 or ： (or nothing)."""
    title, remainder = split_title(rest)
    return 2 <= len(title) <= 24 and (bool(remainder) or len(rest) <= 24) and not re.search(r"[，,；;]", title)


def _title_like(text: str) -> bool:
    return 2 <= len(text) <= 80 and not text.rstrip().endswith(("。", "；", ";"))


def _looks_like_quantity(m: Marker) -> bool:
    # A decimal then a unit ("5.25 亿元" wrapped to a line start) is a number, not 5.25.
    if not m.style.startswith("dotted"):
        return False
    return bool(re.match(r"^(?:[万亿千百]?元|亿|万|个|项|家|例|种|%|倍|mm|cm|kg)", m.rest))


def split_title(rest: str) -> tuple[str, str]:
    """Title and trailing prose of an inline heading ("高端装备制造。加快…")."""
    for sep in ("。", "：", ":"):
        idx = _title_break(rest, sep)
        if 0 < idx <= 40 and len(rest) > idx + 1:
            return rest[:idx], rest[idx + 1 :].strip()
    # A long line, or a whole sentence (closed by 。; titles are not), is prose naming its topic first.
    if len(rest) > 60 or (len(rest) > 30 and rest.endswith("。")):
        cut = re.search(r"[，,；;]", rest)
        if cut and cut.start() <= 40:
            # a sentence without a title: the first clause names it, the text stays whole
            return rest[: cut.start()], rest
    return rest.rstrip("。"), ""


def _title_break(text: str, sep: str) -> int:
    """Where ``sep`` ends a title: not the colon of a clock time (9:00, 17：30)."""
    idx = text.find(sep)
    while idx > 0 and (
        (sep in "：:" and text[idx - 1 : idx].isdigit() and text[idx + 1 : idx + 2].isdigit())
        or _open_brackets(text[:idx]) > 0  # "（指南代码：TJ2501）" belongs to the title
    ):
        idx = text.find(sep, idx + 1)
    return idx


def _open_brackets(text: str) -> int:
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def _ends_paragraph(block: TextBlock) -> bool:
    return block.text.endswith(("。", "！", "？", "：", ":"))


def _concat(left: str, right: str) -> str:
    if not left:
        return right
    if left[-1].isascii() and left[-1].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return left + " " + right
    return left + right
