"""Text layer of a PDF, pages in order, via pdfminer.six's layout analysis.

pdfminer groups characters into text boxes and lines. Each line becomes one
line of text; text boxes are separated by a blank line (as pdfminer's own
extract_text does), and so are pages (not by a form feed, which
``str.splitlines`` would count as a line break, shifting line numbers).
Spaces pdfminer infers from gaps between glyphs are dropped next to Chinese
characters: there they come from justification or letter-spacing, never from
the text. A PDF whose pages carry no text (a scan) is refused rather than
read as empty: it needs OCR first.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Iterator

from guidegraph.errors import InputError

_CID = re.compile(r"\(cid:\d+\)")
# pdfminer writes "(cid:N)" for glyphs its fonts cannot map to Unicode.
MAX_UNMAPPED_SHARE = 0.10
MIN_GAPS_FOR_SPACING = 4
WORD_GAP_EM = 0.15
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def _letter_gap(chars: list) -> float:
    """The line's usual gap between neighbouring glyphs (its letter-spacing), in points."""
    gaps = sorted(b.x0 - a.x1 for a, b in zip(chars, chars[1:]))
    if len(gaps) < MIN_GAPS_FOR_SPACING:
        return 0.0
    return max(0.0, gaps[len(gaps) // 4])


def _line_text(line) -> str:
    from pdfminer.layout import LTAnno, LTChar, LTTextLineHorizontal

    items = list(line)
    chars = [item for item in items if isinstance(item, LTChar)]
    letter_gap = _letter_gap(chars) if isinstance(line, LTTextLineHorizontal) else 0.0
    out = []
    for i, item in enumerate(items):
        text = item.get_text()
        if isinstance(item, LTAnno):
            if text == "\n":
                continue
            before = items[i - 1] if i > 0 else None
            after = items[i + 1] if i + 1 < len(items) else None
            if before is None or after is None or _CJK.match(before.get_text()[-1:]) or _CJK.match(after.get_text()[:1]):
                continue
            if isinstance(before, LTChar) and isinstance(after, LTChar) and letter_gap:
                # A word gap is wider than the letter-spacing by about a space's width.
                if after.x0 - before.x1 - letter_gap < WORD_GAP_EM * max(before.size, after.size):
                    continue
        out.append(text)
    return "".join(out).replace("\r", "").replace("\n", " ").rstrip()


def _boxes(container: Iterable) -> Iterator[str]:
    """Text of each text box, in pdfminer's reading order, descending into figures."""
    from pdfminer.layout import LTContainer, LTTextBox, LTTextLine

    for item in container:
        if isinstance(item, LTTextBox):
            yield "\n".join(_line_text(line) for line in item if isinstance(line, LTTextLine))
        elif isinstance(item, LTTextLine):
            yield _line_text(item)
        elif isinstance(item, LTContainer):
            yield from _boxes(item)


def _page_texts(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return [
            "\n\n".join(box for box in _boxes(page) if box.strip())
            for page in extract_pages(io.BytesIO(data), laparams=LAParams(all_texts=True))
        ]
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError("the PDF is encrypted; remove the password protection first") from None


def read_pdf(data: bytes, name: str) -> str:
    """The PDF's text; InputError for scans, encrypted or corrupt files."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its per-object warnings are noise for users
    try:
        pages = _page_texts(data)
    except InputError as exc:
        raise InputError(f"{name}: {exc.message}") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds for damaged files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{name}: not a readable PDF ({reason})") from None
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        raise InputError(f"{name}: the PDF has no text layer (scanned?); run OCR first")
    unmapped = sum(len(m) for m in _CID.findall(text))
    if unmapped / len(text) > MAX_UNMAPPED_SHARE:
        raise InputError(f"{name}: the PDF's text cannot be decoded (fonts without a Unicode map); run OCR first")
    return text
