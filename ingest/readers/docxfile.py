"""Text of a .docx: body paragraphs and tables in document order.

Each paragraph is one line (a manual line break inside it starts a new
line); each table row is one line with its cells separated by a tab. A
cell's own paragraphs and nested tables are joined with spaces, so one row
stays one line. Headers, footers, footnotes and comments are left out, and
so is Word's automatic list numbering (only typed text is kept).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from lxml import etree

from guidegraph.errors import InputError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

# Containers whose children are blocks just like the body's (content controls, tracked insertions...).
_BLOCK_WRAPPERS = frozenset({W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo", W + "smartTag"})
# Subtrees of a paragraph that hold no visible text of their own.
# (w:rt is a ruby annotation: the phonetic guide above its base text.)
_SKIPPED = frozenset(
    {MC_FALLBACK, W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "pPr", W + "rPr", W + "rt"}
)

MAX_UNCOMPRESSED = 256 * 1024 * 1024  # a guide is a few MB; more is a zip bomb or not a guide


def _paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == W + "t":
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "txbxContent":
                # A text box anchored in this paragraph: its own paragraphs, on their own lines.
                parts.append("\n" + "\n".join(_block_lines(child)) + "\n")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    return " ".join(" ".join(line.split("\t")).strip() for line in _block_lines(tc) if line.strip())


def _unwrapped(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """The ``tag`` children of ``parent``, looking through content controls and revision marks."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _unwrapped(child, tag)


def _block_lines(parent: etree._Element) -> Iterator[str]:
    for child in parent:
        tag = child.tag
        if tag == W + "p":
            yield from _paragraph_text(child).split("\n")
        elif tag == W + "tbl":
            for tr in _unwrapped(child, W + "tr"):
                yield "\t".join(_cell_text(tc) for tc in _unwrapped(tr, W + "tc"))
        elif tag in _BLOCK_WRAPPERS:
            yield from _block_lines(child)


def read_docx(data: bytes, name: str) -> str:
    """The document text, one line per paragraph or table row."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise InputError(f"{name}: not a readable .docx document (corrupt ZIP container: {exc})") from None
    if "[Content_Types].xml" not in names:
        raise InputError(f"{name}: a ZIP archive but not a .docx document (an OFD, .xlsx or other archive?)")
    if total > MAX_UNCOMPRESSED:
        raise InputError(f"{name}: the .docx unpacks to {total // 2**20} MB, too large for a guide")
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds for broken packages
        # python-docx's ValueErrors say what is wrong ("... is not a Word file, content type is ...");
        # anything else is a damaged package whose details mean nothing to the user.
        reason = str(exc).splitlines()[0] if isinstance(exc, ValueError) and str(exc) else "damaged Word package"
        raise InputError(f"{name}: not a readable .docx document ({reason})") from None
    return "\n".join(_block_lines(body))
