"""Tell what kind of document a byte string is: magic bytes first, extension second."""

from __future__ import annotations

import re
from pathlib import PurePath

from guidegraph.errors import InputError

from .text import NOT_A_DOCUMENT, bom_encoding

PDF, DOCX, HTML, TEXT = "pdf", "docx", "html", "text"

HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})

# Formats people plausibly upload instead of a guide; naming them makes the error actionable.
_FOREIGN_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office/WPS file (.doc, .wps, .xls); save it as .docx"),
    (b"{\\rtf", "an RTF document; save it as .docx or plain text"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ\x90\x00", "a Windows executable"),
)

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_HTML_START = re.compile(rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)


def _head_as_ascii(data: bytes) -> bytes:
    """The first bytes, re-encoded to ASCII-compatible form if a UTF-16/32 BOM says so."""
    encoding = bom_encoding(data)
    head = data[:4096]
    if encoding in ("utf-16", "utf-32"):
        head = head.decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
    elif encoding == "utf-8-sig":
        head = head[3:]
    return head.lstrip()


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.match(_head_as_ascii(data)))


def sniff(data: bytes, name: str) -> str:
    """PDF, DOCX, HTML or TEXT for ``data``; InputError for other formats.

    Content wins over the extension (a .txt that is really a PDF is read as
    a PDF); the extension only decides between HTML and plain text, and a
    .pdf/.docx whose bytes are not one is an error rather than read as text.
    """
    suffix = PurePath(name).suffix.lower()
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(_ZIP_MAGIC):
        return DOCX
    for magic, what in _FOREIGN_MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name} {NOT_A_DOCUMENT} (it is {what})")
    if suffix == ".pdf":
        raise InputError(f"{name}: not a PDF file (no %PDF- header)")
    if suffix in (".docx", ".docm", ".dotx"):
        raise InputError(f"{name}: not a .docx file (not a ZIP container)")
    if suffix in HTML_EXTENSIONS or looks_like_html(data):
        return HTML
    return TEXT
