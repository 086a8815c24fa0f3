"""From physical lines to logical paragraphs.

Funding guides arrive hard-wrapped (PDF extraction wraps every ~30
characters and puts a blank line after each), with page markers, Word
bookmark artefacts and stray spaces inside Chinese text. This module undoes
that: it yields ``Para`` objects, each a logical line of clean text that
remembers exactly which source lines and characters it came from, and it
lists the noise it dropped so coverage can explain every character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from guidegraph.ingest.model import Span
from guidegraph.ingest.parse.width import fold

BOOKMARK_RE = re.compile(r"\[bookmark:\s*[^\]]*\]")
PAGE_MARKER_RE = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?)\s*$")
ATTACHMENT_RE = re.compile(r"^\s*[-•]?\s*附\s*件\s*(\d{1,2})\s*[:：]?\s*$")

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
_SPACE_BETWEEN_RE = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u3000]+|[ \t\u3000]+(?=[{_CJK}{_CJK_PUNCT}])")
TERMINAL = tuple("。！？；!?;：:")
_OPENERS = "（(《“‘【[〔"
_CLOSERS = "）)》”’】]〕"


# Replacement characters and code points that do not occur in running Chinese
# prose (CJK Extension A, enclosed/compatibility forms, supplemental
# punctuation) are the mark of text decoded with the wrong table.
_GARBLE_RE = re.compile("[\ufffd\u3400-\u4dbf\u3200-\u33ff\u2e00-\u2fff\ue000-\uf8ff]")


def is_garbled(text: str) -> bool:
    """A line that is mostly mis-decoded bytes (PDF extraction damage)."""
    visible = [ch for ch in text if not ch.isspace()]
    if len(visible) < 3:
        return False
    return len(_GARBLE_RE.findall(text)) >= 0.3 * len(visible)


def clean_inline(text: str) -> str:
    """Drop Word bookmarks and whitespace that stands next to Chinese text."""
    text = BOOKMARK_RE.sub("", text)
    text = _SPACE_BETWEEN_RE.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def bracket_balance(text: str, depth: int = 0) -> int:
    """Opened minus closed brackets (from ``depth``): > 0 means the text is cut inside one."""
    for ch in text:
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS and depth > 0:
            depth -= 1
    return depth


@dataclass
class PhysicalLine:
    number: int  # 1-based
    text: str  # raw, without the newline
    start: int  # char offset of the line start in the source text

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Para:
    """A logical line: one heading, label line or paragraph of body text."""

    text: str
    lines: list[PhysicalLine]
    attachment: int | None = None  # set on a bare 附件N line
    depth: int | None = None  # open brackets at the end of text, kept as lines are joined
    cells: list[str] | None = None  # a table row (cells tab-separated by the reader): its cells
    _folded: tuple[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def span(self) -> Span:
        return Span(self.lines[0].number, self.lines[-1].number, self.lines[0].start, self.lines[-1].end)

    @property
    def folded(self) -> str:
        # cached per text: the builder asks often, and text only changes while lines are joined
        if self._folded is None or self._folded[0] is not self.text:
            self._folded = (self.text, fold(self.text))
        return self._folded[1]


@dataclass
class Noise:
    line: int
    text: str
    reason: str


@dataclass
class Paragraphs:
    paras: list[Para]
    noise: list[Noise] = field(default_factory=list)
    wrap_width: int | None = None


def physical_lines(text: str) -> list[PhysicalLine]:
    out, pos = [], 0
    for i, line in enumerate(text.split("\n"), start=1):
        out.append(PhysicalLine(i, line, pos))
        pos += len(line) + 1
    return out


def detect_wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped document wraps at, or None if it is not wrapped.

    A wrapped document has most non-blank lines within a few characters of
    one length; a paragraph-per-line document has no such mode.
    """
    lengths = sorted(len(clean_inline(s)) for s in lines if s.strip())
    if len(lengths) < 20:
        return None
    p75 = lengths[(len(lengths) * 3) // 4]
    near = sum(1 for n in lengths if p75 - 3 <= n <= p75 + 3)
    if p75 >= 12 and near >= 0.45 * len(lengths):
        return p75
    return None


def _starts_new(text: str, starts_block) -> bool:
    return bool(starts_block(fold(text)))


def logical_paragraphs(text: str, starts_block) -> Paragraphs:
    """Group physical lines into paragraphs.

    ``starts_block(folded_text) -> bool`` says whether a line opens a new
    block by its own look (an outline number, a label such as 研究内容：);
    it comes from the outline grammar so this module stays independent of it.
    """
    phys = physical_lines(text)
    width = detect_wrap_width([p.text for p in phys])
    paras: list[Para] = []
    noise: list[Noise] = []
    current: Para | None = None
    blank_since = False

    def flush():
        nonlocal current
        if current is not None:
            paras.append(current)
            current = None

    for line in phys:
        raw = line.text
        if not raw.strip():
            blank_since = True
            continue
        if PAGE_MARKER_RE.match(raw):
            noise.append(Noise(line.number, raw.strip(), "page number"))
            continue
        if is_garbled(raw):
            noise.append(Noise(line.number, raw.strip(), "garbled text: damaged encoding in the source, not readable"))
            continue
        m = ATTACHMENT_RE.match(fold(raw))
        if m:
            flush()
            paras.append(Para(raw.strip(), [line], attachment=int(m.group(1))))
            blank_since = False
            continue
        cells = _table_cells(raw)
        if cells is not None:
            flush()  # a table row is a paragraph of its own, cell by cell
            paras.append(Para(" ".join(c for c in cells if c), [line], cells=cells))
            blank_since = False
            continue
        cleaned = clean_inline(raw)
        for bm in BOOKMARK_RE.findall(raw):
            noise.append(Noise(line.number, bm, "Word bookmark artefact"))
        if not cleaned:
            blank_since = True
            continue
        if current is not None and _continues(current, cleaned, width, blank_since, starts_block):
            current.depth = bracket_balance(cleaned, _depth(current))
            current.text = _join(current.text, cleaned)
            current.lines.append(line)
        else:
            flush()
            current = Para(cleaned, [line])
        blank_since = False
    flush()
    return Paragraphs(paras, noise, width)


def _table_cells(raw: str) -> list[str] | None:
    """The cells of a table row as the readers write it (tab-separated), if ``raw`` is one."""
    if "\t" not in raw or BOOKMARK_RE.search(raw):
        return None
    cells = [clean_inline(c) for c in raw.split("\t")]
    return cells if sum(1 for c in cells if c) >= 2 else None


def _depth(para: "Para") -> int:
    if para.depth is None:
        para.depth = bracket_balance(para.text)
    return para.depth


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return left + " " + right
    return left + right


def _continues(current: Para, nxt: str, width: int | None, blank_since: bool, starts_block) -> bool:
    """Does ``nxt`` continue the paragraph ``current`` (a hard wrap)?"""
    prev = current.text
    last_line = clean_inline(current.lines[-1].text)
    if current.attachment is not None:
        return False
    if _depth(current) > 0 and len(prev) < 400:
        return True
    if prev.endswith(TERMINAL):
        return False
    full = width is not None and len(last_line) >= width - 3
    if full:
        # A full line that stops mid-phrase is wrapped, whatever the next looks like,
        # unless the next line is a label or heading that clearly opens a block.
        return not _starts_new(nxt, starts_block) or _looks_like_wrapped_number(nxt)
    if len(current.lines) == 1 and _TITLE_TAIL_RE.match(nxt) and _starts_new(prev, starts_block) and (
            prev.endswith(_DANGLING) or (width is not None and len(last_line) >= (2 * width) // 3)):
        # "6.1 …与高丰度稀土元素平衡" / "应用": a heading's last word wrapped onto a line of its own,
        # known by a line near the page width or by a title that cannot end where it stops ("…研究与")
        return True
    if _starts_new(nxt, starts_block):
        return False
    if _starts_new(prev, starts_block) and not _sentence_like(prev):
        return False  # a heading ends at its line
    if width is not None:
        return False  # a short last line ends its paragraph in a wrapped document
    # Paragraph-per-line documents: a sentence cut without punctuation goes on
    # (page breaks in PDF/Word exports); a title-like line stands alone.
    if blank_since and _HEADING_LIKE_RE.match(nxt):
        return False  # "专项二　民生科技专项" after a blank line is a heading, not the rest of a sentence
    return _sentence_like(prev) and not (blank_since and len(last_line) < 15)


_DANGLING = tuple("与和及或、的对")
_TITLE_TAIL_RE = re.compile(r"^[\u4e00-\u9fff]{1,6}[*＊]?$")
_HEADING_LIKE_RE = re.compile(r"^[^，,。；;：:、！？!?]{2,16}(?:方面|领域|专项|计划|板块|部分)$")


def _sentence_like(text: str) -> bool:
    return len(text) > 24 and any(c in text for c in "，,、")


def _looks_like_wrapped_number(text: str) -> bool:
    # "5.25 亿元" or "2 个项目" at the head of a wrapped line is a number, not a heading.
    return bool(re.match(r"^\d+(?:\.\d+)?\s*(?:[万亿千百十]?(?:元|个|项|家|例|种|%|年|月|日|名|人|次|倍))", text))
