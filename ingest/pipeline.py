"""Ingest one guide: read, normalise, recover the outline, extract values, account coverage.

    >>> from guidegraph.ingest.pipeline import outline_text
    >>> o = outline_text("一、支持方向\\n1.示例方向\\n研究内容：开展研究。\\n考核指标：完成不少于100例。")
    >>> [(n.kind, n.title) for n in o.nodes][-1]
    ('direction', '示例方向')
"""

from __future__ import annotations

import os
from pathlib import Path

from guidegraph.ingest.model import Outline
from guidegraph.ingest.parse.assemble import assemble
from guidegraph.ingest.readers import SourceText, read_source


def outline_text(text: str, source: str = "<text>") -> Outline:
    """Recover the structure of a guide given as text."""
    outline = assemble(text, source)
    outline.text = text
    return outline


def outline_source(src: SourceText) -> Outline:
    outline = assemble(src.text, src.path)
    outline.text = src.text
    outline.sha256 = src.sha256
    outline.encoding = src.encoding
    outline.media_type = src.media_type
    return outline


def outline_file(path: str | os.PathLike[str]) -> Outline:
    """Read a guide file (.txt/.docx/.pdf/.html) and recover its structure."""
    src = read_source(path)
    outline = outline_source(src)
    outline.source = Path(path).name
    return outline
