"""Write the fuzzing seeds into tests/fuzz/corpus/ (run once; the result is committed).

    .venv/bin/python tests/fuzz/make_seeds.py

Seeds are small (a few KB): slices of the seed guides in every encoding the
text reader accepts and some it must refuse, the same slices as HTML, a
minimal .docx and .pdf, and outline-shaped text for the parser. Each file is
a fuzz input: its first byte picks the entry point (see targets.NAMES), and
its name is the SHA-1 of its bytes, as libFuzzer names what it adds, so
duplicates collapse.
"""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REPO = HERE.parent.parent

from targets import with_mode  # noqa: E402

CORPUS = HERE / "corpus"
SLICE_CHARS = 1200

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def guide_slices() -> list[str]:
    slices = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        middle = len(text) // 2
        slices.append(text[:SLICE_CHARS])
        slices.append(text[middle:middle + SLICE_CHARS])
    return slices


def encodings(text: str) -> list[bytes]:
    out = [text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("utf-16"), text.encode("utf-32"),
           text.encode("gb18030"), text.replace("\n", "\r\n").encode("utf-8")]
    for refused in ("big5", "utf-16-le"):  # readable only by guessing: the reader must refuse them cleanly
        out.append(text.encode(refused, errors="replace"))
    return out


def html_page(text: str, charset: str) -> bytes:
    body = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    page = (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>指南</title></head>'
            f'<body><nav><a href="/">首页</a></nav><div class="content">{body}'
            f'<table><tr><td>序号</td><td>方向</td></tr><tr><td>1</td><td>示例</td></tr></table></div></body></html>')
    return page.encode(charset, errors="replace")


def minimal_docx(paragraphs: list[str]) -> bytes:
    """The smallest package python-docx opens: content types, one relationship, the document."""
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    body += ("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc>"
             "<w:tc><w:p><w:r><w:t>方向</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"),
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def minimal_pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def cjk_pdf(lines: list[str]) -> bytes | None:
    from fpdf import FPDF

    fonts = [f for f in ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                         "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") if Path(f).exists()]
    if not fonts:
        return None
    pdf = FPDF()
    pdf.add_font("cjk", fname=fonts[0])
    pdf.set_font("cjk", size=11)
    pdf.add_page()
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


OUTLINE_TEXT = """一、支持方向
（一）新材料领域
1.示例方向（指南代码：TJ2501，基础研究类）
研究内容：开展研究。
考核指标：完成不少于100例，准确率≥90%。
支持强度：每个项目500万元。
1.1 子方向
2.10 另一方向
二、申报要求
联系电话：0351-1234567
附件 2
— 3 —
"""


def seeds() -> list[bytes]:
    out: list[bytes] = []
    slices = guide_slices()
    for text in slices[:4]:
        out.extend(with_mode("guide.txt", data) for data in encodings(text))
    for text in slices[4:]:
        out.append(with_mode("guide.txt", text.encode("utf-8")))
    out.append(with_mode("guide", slices[0].encode("gb18030")))
    for text, charset in ((slices[0], "utf-8"), (slices[1], "gbk"), (slices[2], "gb2312")):
        out.append(with_mode("guide.html", html_page(text, charset)))
    lines = [line for line in slices[0].splitlines() if line.strip()][:12]
    out.append(with_mode("guide.docx", minimal_docx(lines)))
    out.append(with_mode("guide.pdf", minimal_pdf(["1. Research direction", "Research content: study.",
                                                   "Indicators: at least 100 cases."])))
    cjk = cjk_pdf(lines[:6])
    if cjk is not None:
        out.append(with_mode("guide.pdf", cjk))
    out.append(with_mode(None, OUTLINE_TEXT.encode("utf-8")))
    out.append(with_mode(None, "\n".join(".".join(["1"] * k) + " 标题" for k in range(1, 40)).encode("utf-8")))
    return out


def main() -> int:
    CORPUS.mkdir(exist_ok=True)
    written = 0
    for data in seeds():
        path = CORPUS / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            written += 1
    print(f"{written} new seeds in {CORPUS} ({len(list(CORPUS.iterdir()))} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
