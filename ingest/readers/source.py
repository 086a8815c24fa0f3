"""The result every reader returns: decoded text plus where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MEDIA_TEXT = "text/plain"
MEDIA_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_PDF = "application/pdf"
MEDIA_HTML = "text/html"


@dataclass(frozen=True)
class SourceText:
    """A document's text, lines separated by "\\n" only.

    ``encoding`` is the text codec for plain text ("utf-8", "utf-8-sig",
    "gb18030", "utf-16", ...) and the container kind otherwise ("docx",
    "pdf", "html:<charset>"). ``sha256`` is the digest of the raw bytes.
    """

    path: str
    text: str
    encoding: str
    media_type: str
    sha256: str

    def lines(self) -> list[str]:
        """The text's lines; line N (1-based) is ``lines()[N - 1]``.

        Split on "\\n" only (not ``str.splitlines``, which also breaks on form
        feeds and Unicode separators), so numbers match the file's lines.
        """
        if not self.text:
            return []
        parts = self.text.split("\n")
        if parts[-1] == "":
            parts.pop()
        return parts


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
