"""Real PDFs with a Chinese text layer, made on the fly for reader and ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def cjk_font() -> str:
    for font in CJK_FONTS:
        if Path(font).exists():
            return font
    pytest.fail("no CJK TrueType font: install fonts-wqy-zenhei (listed in .ci/apt-packages.txt)")


def build_pdf(pages: list[list[str]], password: str | None = None, char_spacing: float = 0) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_font("cjk", size=11)
    pdf.set_char_spacing(char_spacing)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    return bytes(pdf.output())


