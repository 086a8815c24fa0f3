"""Document readers on the real seed guides and on variants built from them."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidegraph.corpus import seed_paths
from guidegraph.errors import InputError
from guidegraph.ingest.readers import SourceText, read_bytes, read_source

SEEDS = seed_paths()
SEED_IDS = [p.name[:3] for p in SEEDS]
# Counted with `wc -l` (+1 where the file does not end in a newline: 001 and 003).
SEED_LINE_COUNTS = {"000": 370, "001": 716, "002": 9409, "003": 401, "004": 316}
DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def seed_text(prefix: str) -> str:
    (path,) = [p for p in SEEDS if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def file_lines(path: Path, encoding: str = "utf-8") -> list[str]:
    """Lines as Python's own file iteration sees them (\\n, \\r\\n and \\r end a line)."""
    with open(path, encoding=encoding, newline="") as fh:
        return [line.rstrip("\r\n") for line in fh]


def error_of(data: bytes, name: str) -> str:
    with pytest.raises(InputError) as info:
        read_bytes(data, name)
    message = str(info.value)
    assert "\n" not in message
    return message


# -- plain text ---------------------------------------------------------------


def test_all_five_seeds_are_present():
    assert sorted(SEED_IDS) == sorted(SEED_LINE_COUNTS)


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_seed_reads_as_utf8_with_its_lines(path):
    raw = path.read_bytes()
    source = read_source(path)
    assert source.encoding == "utf-8"
    assert source.media_type == "text/plain"
    assert source.path == str(path)
    assert source.sha256 == hashlib.sha256(raw).hexdigest()
    assert len(source.lines()) == SEED_LINE_COUNTS[path.name[:3]]
    assert source.lines() == file_lines(path)
    assert source.text == raw.decode("utf-8")


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_reencoded_seed_reads_to_identical_text(path, encoding, tmp_path):
    original = path.read_text(encoding="utf-8")
    target = tmp_path / f"guide-{encoding}.txt"
    target.write_bytes(original.encode(encoding))  # Python's utf-16 codec writes a BOM
    source = read_source(target)
    assert source.encoding == encoding
    assert source.text == original
    assert source.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()


def test_gbk_seed_is_detected(tmp_path):
    original = seed_text("003")
    target = tmp_path / "gbk.txt"
    target.write_bytes(original.encode("gbk"))
    source = read_source(target)
    assert source.encoding == "gb18030"
    assert source.text == original


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_are_normalised_and_line_numbers_kept(newline, tmp_path):
    original = seed_text("004")
    target = tmp_path / "crlf.txt"
    target.write_bytes(original.replace("\n", newline).encode("gb18030"))
    source = read_source(target)
    assert "\r" not in source.text
    assert source.text == original
    assert source.lines() == file_lines(target, "gb18030")
    # line 7 of the file, located independently of the reader
    seventh = target.read_bytes().decode("gb18030").split(newline)[6]
    assert source.lines()[6] == seventh


def test_text_is_not_cleaned(tmp_path):
    raw = "  一、总体要求\t \n\n\f第二页\u3000\n[bookmark: _Toc1]\n"
    source = read_bytes(raw.encode("utf-8"), "raw.txt")
    assert source.text == raw
    assert source.lines() == ["  一、总体要求\t ", "", "\f第二页\u3000", "[bookmark: _Toc1]"]


def test_lines_splits_on_newline_only():
    src = SourceText("x", "a\u2028b\n\nc", "utf-8", "text/plain", "0")
    assert src.lines() == ["a\u2028b", "", "c"]
    assert SourceText("x", "a\n", "utf-8", "text/plain", "0").lines() == ["a"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        src.text = "changed"  # type: ignore[misc]


LATIN1 = "Les appels à projets de l'Agence sont publiés en français. Größe über alles, déjà vu.\n"
JAPANESE = "日本語のテキストです。これは試験用の文章で、東京都の科学技術振興に関する説明を含みます。応募は締切までに提出してください。\n"
KOREAN = "과학기술정보통신부는 2024년도 연구개발 사업 공고를 다음과 같이 발표합니다. 신청 기관은 기한 내에 제출하십시오.\n"
BIG5 = "國家科學技術發展計畫申請說明，請於期限內提交相關文件與資料，並依規定辦理。\n"


@pytest.mark.parametrize(
    "data",
    [LATIN1.encode("latin-1"), JAPANESE.encode("shift_jis"), KOREAN.encode("euc-kr"), BIG5.encode("big5")],
    ids=["latin-1", "shift-jis", "euc-kr", "big5"],
)
def test_foreign_encoding_is_an_error_naming_the_file(data):
    message = error_of(data, "notice.txt")
    assert message.startswith("notice.txt: not UTF-8")
    assert "GB18030" in message and "re-save it as UTF-8" in message


def test_utf8_seed_with_one_stray_latin1_byte_is_refused():
    raw = seed_text("001").encode("utf-8")
    middle = raw.index("研究内容".encode("utf-8"))
    message = error_of(raw[:middle] + b"\xe9" + raw[middle:], "mixed.txt")
    assert message.startswith("mixed.txt: not UTF-8 (invalid byte 0xE9 at offset")


def test_random_bytes_are_refused():
    rng = random.Random(20260101)
    data = bytes(rng.randrange(256) for _ in range(4000))
    assert error_of(data, "junk.txt").startswith("junk.txt is not a text, .docx, .pdf or .html document (it ")


def test_random_high_bytes_without_nul_are_refused():
    rng = random.Random(7)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    assert error_of(data, "junk.txt").startswith("junk.txt: not UTF-8")


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t\r\n", "\u3000\u3000\n".encode("utf-8"), b"\xef\xbb\xbf", "\n".encode("utf-16")]
)
def test_empty_input(data):
    assert error_of(data, "blank.txt") == "blank.txt is empty"


@pytest.mark.parametrize(
    "data, what",
    [
        (b"abc\x00def\x00" * 20, "NUL bytes"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(64)), "PNG image"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "executable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "legacy Office"),
        (b"\x1b[0m\x1b[1m\x07\x08" * 30 + b"text", "control characters"),
    ],
    ids=["nul", "png", "elf", "ole2-doc", "controls"],
)
def test_binary_input_is_not_a_document(data, what):
    message = error_of(data, "upload.txt")
    assert message.startswith("upload.txt is not a text, .docx, .pdf or .html document")
    assert what in message


def test_utf16_without_bom_is_refused_with_a_hint():
    message = error_of(seed_text("000")[:2000].encode("utf-16-le"), "u16.txt")
    assert message == (
        "u16.txt is not a text, .docx, .pdf or .html document "
        "(it contains NUL bytes; UTF-16 text needs a byte-order mark)"
    )


def test_missing_file_and_directory(tmp_path):
    for path, reason in ((tmp_path / "nope.txt", "no such file"), (tmp_path, "is a directory")):
        with pytest.raises(InputError) as info:
            read_source(path)
        assert str(info.value).startswith(f"{path}: {reason}")


def test_unknown_extension_with_text_is_read_as_text(tmp_path):
    original = seed_text("003")
    for name in ("guide.md", "guide", "guide.dat"):
        target = tmp_path / name
        target.write_bytes(original.encode("gb18030"))
        source = read_source(target)
        assert (source.media_type, source.encoding, source.text) == ("text/plain", "gb18030", original)


def test_html_saved_as_txt_is_read_as_html():
    page = "<!DOCTYPE html>\n<html><body><nav>菜单</nav><p>一、总体要求</p></body></html>"
    source = read_bytes(bytearray(page.encode("utf-8")), "saved.txt")
    assert (source.path, source.media_type, source.encoding, source.text) == (
        "saved.txt", "text/html", "html:utf-8", "一、总体要求"
    )


def test_pdf_or_docx_extension_on_text_is_a_clear_error():
    data = seed_text("001").encode("utf-8")
    assert error_of(data, "guide.pdf") == "guide.pdf: not a PDF file (no %PDF- header)"
    assert error_of(data, "guide.docx") == "guide.docx: not a .docx file (not a ZIP container)"


# -- .docx --------------------------------------------------------------------


def seed_paragraphs(prefix: str, count: int) -> list[str]:
    """The first ``count`` non-empty seed lines, trimmed (Word paragraphs carry no wrap spaces)."""
    lines = [line.strip() for line in seed_text(prefix).split("\n")]
    return [line for line in lines if line][:count]


def build_docx(before: list[str], rows: list[list[str]], after: list[str]) -> bytes:
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_rows_in_document_order():
    paragraphs = seed_paragraphs("004", 40)
    rows = [["指南代码", "项目名称", "支持强度"], ["2001", "重大传染病防控关键技术研究", "200万元"], ["2002", "肿瘤早期筛查", "100万元"]]
    data = build_docx(paragraphs[:25], rows, paragraphs[25:])
    source = read_bytes(data, "guide.docx")
    assert source.encoding == "docx"
    assert source.media_type == DOCX_MEDIA
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    expected = paragraphs[:25] + ["\t".join(r) for r in rows] + paragraphs[25:]
    assert source.lines() == expected


def test_docx_line_breaks_merged_cells_and_nested_tables():
    document = docx.Document()
    para = document.add_paragraph("一、申报要求")
    para.add_run().add_break()
    para.add_run("（一）申报单位")
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并单元格"
    table.cell(0, 2).text = "右侧"
    table.cell(1, 0).text = "第一段"
    table.cell(1, 0).add_paragraph("第二段")
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内甲"
    inner.cell(0, 1).text = "内乙"
    table.cell(1, 2).text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    lines = read_bytes(buffer.getvalue(), "t.docx").lines()
    assert lines == ["一、申报要求", "（一）申报单位", "合并单元格\t右侧", "第一段 第二段\t内甲 内乙\t"]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml"'


def test_docx_tracked_changes_ruby_and_text_boxes():
    from docx.oxml import parse_xml

    document = docx.Document()
    para = document.add_paragraph("项目")
    runs = [
        f'<w:ins {W_NS} w:id="1" w:author="a"><w:r><w:t>新增</w:t></w:r></w:ins>',
        f'<w:del {W_NS} w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>',
        f"<w:r {W_NS}><w:ruby><w:rt><w:r><w:t>kē</w:t></w:r></w:rt>"
        "<w:rubyBase><w:r><w:t>科</w:t></w:r></w:rubyBase></w:ruby></w:r>",
        f"<w:r {W_NS} {VML_NS}><w:pict><v:shape><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>框内一</w:t></w:r></w:p><w:p><w:r><w:t>框内二</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>",
        f"<w:r {W_NS}><w:t>结尾</w:t></w:r>",
    ]
    for xml in runs:
        para._p.append(parse_xml(xml))
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), "x.docx").lines() == ["项目新增科", "框内一", "框内二", "结尾"]


def test_docx_read_from_disk_and_sniffed_under_a_txt_name(tmp_path):
    data = build_docx(["申报指南"], [["a", "b"]], ["结束"])
    target = tmp_path / "really-a-docx.txt"
    target.write_bytes(data)
    source = read_source(target)
    assert source.media_type == DOCX_MEDIA
    assert source.lines() == ["申报指南", "a\tb", "结束"]


def test_corrupt_docx():
    data = build_docx(seed_paragraphs("000", 10), [["x", "y"]], [])
    message = error_of(data[: len(data) // 2], "broken.docx")
    assert message.startswith("broken.docx: not a readable .docx document")


def test_zip_that_is_not_a_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Doc_0/Pages/Page_0/Content.xml", "<ofd:Page/>")
    assert "not a .docx document" in error_of(buffer.getvalue(), "guide.docx")


def test_docx_package_without_word_part():
    data = build_docx(["x"], [["a"]], [])
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, source.read(info))
    assert error_of(buffer.getvalue(), "gutted.docx").startswith("gutted.docx: not a readable .docx document")


# -- .html --------------------------------------------------------------------


def html_page(body_lines: list[str], charset: str | None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in body_lines)
    return f"""<!DOCTYPE html>
<html><head>{meta}<title>山西省科学技术厅-通知公告</title>
<style>body {{ font-size: 14px }}</style><script>var menu = "导航脚本";</script></head>
<body>
<header><a href="/">首页</a> 山西省科学技术厅门户网站</header>
<div id="topNav"><ul><li><a>机构概况</a></li><li><a>政务公开</a></li><li><a>网上办事</a></li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 通知公告</div>
<div class="container">
  <aside><h3>相关链接</h3><ul><li>科技部</li><li>自然科学基金委</li></ul></aside>
  <div class="sidebar-right"><p>热点专题</p></div>
  <article>
  <div class="content">
{paragraphs}
  </div>
  </article>
</div>
<form><input name="q"><button>搜索</button></form>
<footer>版权所有：山西省科学技术厅 晋ICP备00000000号</footer>
</body></html>"""


CHROME = ["首页", "门户网站", "机构概况", "当前位置", "相关链接", "热点专题", "搜索", "版权所有", "导航脚本", "通知公告"]


def expected_html_lines(lines: list[str]) -> list[str]:
    """What a browser shows of each line in its own <p>: spaces collapsed, ends trimmed, empties gone."""
    out = []
    for line in lines:
        shown = re.sub(r"[ \t]+", " ", line).strip(" ")
        if shown:
            out.append(shown)
    return out


@pytest.mark.parametrize(
    "charset, encoding, codec", [("utf-8", "utf-8", "utf-8"), ("gbk", "gbk", "gb18030"), ("gb2312", "gbk", "gb18030")]
)
def test_html_main_text_without_chrome(charset, encoding, codec):
    lines = seed_text("001").split("\n")
    assert not any(word in seed_text("001") for word in CHROME)  # the markers only occur in the chrome
    data = html_page(lines, charset).encode(encoding)
    source = read_bytes(data, "notice.html")
    assert source.media_type == "text/html"
    assert source.encoding == f"html:{codec}"
    assert source.lines() == expected_html_lines(lines)


def test_gbk_html_without_declaration_is_detected():
    lines = seed_text("003").split("\n")[:120]
    source = read_bytes(html_page(lines, None).encode("gbk"), "page.htm")
    assert source.encoding == "html:gb18030"
    assert source.lines() == expected_html_lines(lines)


def test_html_declared_gbk_but_utf8_is_read_as_utf8():
    lines = seed_text("004").split("\n")[:30]
    source = read_bytes(html_page(lines, "gbk").encode("utf-8"), "page.html")
    assert source.encoding == "html:utf-8"
    assert source.lines() == expected_html_lines(lines)


def test_html_with_wrong_bytes_for_its_charset_is_an_error():
    page = f'<html><head><meta charset="utf-8"></head><body><p>{JAPANESE}</p></body></html>'
    message = error_of(page.encode("shift_jis"), "jp.html")
    assert message.startswith("jp.html: declares charset utf-8 but byte 0x93 at offset ")
    assert message == "jp.html: declares charset utf-8 but byte 0x93 at offset 50 is not valid utf-8"


def test_html_declared_gbk_but_big5_is_an_error():
    page = f'<html><head><meta charset="gbk"></head><body><p>{BIG5 * 3}</p></body></html>'
    message = error_of(page.encode("big5"), "tw.html")
    assert message.startswith("tw.html: declares charset gbk but")
    assert "not UTF-8 either" in message


def test_html_table_cells_block_breaks_and_wrapped_chinese():
    page = """<html><body><nav>菜单</nav><main>
    <h1>2025年度省前沿技术研发计划
    项目指南</h1>
    <div>一、申报要求<br>（一）申报单位</div>
    <table><thead><tr><th>指南代码</th><th>项目名称</th></tr></thead>
    <tbody><tr><td>2001</td><td>重大<b>传染病</b>防控</td></tr></tbody></table>
    <ul><li>联系人：张三</li><li>电话：025-12345678</li></ul>
    <p style="display:none">隐藏文字</p>
    </main><div class="footer">地址：南京市</div></body></html>"""
    lines = read_bytes(page.encode("utf-8"), "p.html").lines()
    assert lines == [
        "2025年度省前沿技术研发计划项目指南",
        "一、申报要求",
        "（一）申报单位",
        "指南代码\t项目名称",
        "2001\t重大传染病防控",
        "联系人：张三",
        "电话：025-12345678",
    ]


def test_html_article_header_is_content_and_big_block_named_sidebar_is_kept():
    page = """<html><body><div class="nav">导航</div><article><header><h1>申报指南标题</h1></header>
    <div class="content-with-sidebar"><p>正文第一段，内容较长较长较长较长较长较长较长。</p><p>正文第二段。</p></div>
    </article><footer>页脚</footer></body></html>"""
    lines = read_bytes(page.encode("utf-8"), "p.html").lines()
    assert lines == ["申报指南标题", "正文第一段，内容较长较长较长较长较长较长较长。", "正文第二段。"]


def test_html_layout_tables_are_read_as_blocks():
    page = """<html><body><table width="980"><tr><td class="left"><a>首页</a> <a>机构设置</a></td><td>
    <table><tr><td><h2>关于发布申报指南的通知</h2><p>各有关单位：</p><p>现将指南印发给你们。</p>
    <table border="1"><tr><td>序号</td><td>名称</td></tr><tr><td>1</td><td>智能制造</td></tr></table>
    </td></tr></table></td></tr></table>
    <table><tr><td class="bottom">版权所有</td></tr></table></body></html>"""
    lines = read_bytes(page.encode("utf-8"), "old-site.html").lines()
    assert lines == ["关于发布申报指南的通知", "各有关单位：", "现将指南印发给你们。", "序号\t名称", "1\t智能制造"]


def test_html_blocks_named_header_inside_an_article_are_content():
    page = """<html><body><div class="header">网站标志</div><div id="bottom">网站地图</div>
    <article><div class="header"><h1>申报指南</h1></div><p>正文。</p><div class="bottom">联系电话：12345678</div>
    </article></body></html>"""
    assert read_bytes(page.encode("utf-8"), "p.html").lines() == ["申报指南", "正文。", "联系电话：12345678"]


def test_html_is_sniffed_without_extension():
    source = read_bytes(b"<!DOCTYPE html><html><body><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>", "download")
    assert (source.media_type, source.text) == ("text/html", "正文")


def test_html_with_only_chrome_has_no_main_text():
    page = "<html><body><nav>菜单</nav><footer>版权</footer><script>x()</script></body></html>"
    assert error_of(page.encode(), "chrome.html") == "chrome.html: the HTML page has no main text"


# -- .pdf ---------------------------------------------------------------------

from pdf_fixtures import build_pdf, cjk_font  # noqa: E402  (tests/ is on pythonpath)


def short_seed_lines(prefix: str, count: int) -> list[str]:
    return [line for line in seed_paragraphs(prefix, 400) if len(line) <= 40][:count]


def test_pdf_chinese_text_layer_pages_in_order(tmp_path):
    lines = short_seed_lines("000", 12)
    assert len(lines) == 12
    target = tmp_path / "guide.pdf"
    target.write_bytes(build_pdf([lines[:7], lines[7:]]))
    source = read_source(target)
    assert source.encoding == "pdf"
    assert source.media_type == "application/pdf"
    # pages are separated by one blank line
    assert source.lines() == lines[:7] + [""] + lines[7:]


def test_pdf_letter_spaced_chinese_gets_no_inferred_spaces():
    lines = [line for line in short_seed_lines("004", 60) if not re.search("[A-Za-z]", line)][:6]
    lines.append("附件 2 2025年度 指南")  # real spaces are kept
    source = read_bytes(build_pdf([lines], char_spacing=3), "spaced.pdf")
    assert source.lines() == lines


def test_pdf_words_placed_apart_keep_their_spaces():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_font("cjk", size=12)
    pdf.add_page()
    x = 10.0
    for word in ("Funding", "guide", "for", "2025", "projects"):  # no space glyphs: each word placed on its own
        pdf.set_xy(x, 20)
        pdf.cell(text=word)
        x += pdf.get_string_width(word + " ")
    assert read_bytes(bytes(pdf.output()), "words.pdf").text == "Funding guide for 2025 projects"


def test_pdf_saved_with_txt_extension_is_read_as_pdf():
    lines = short_seed_lines("002", 3)
    source = read_bytes(build_pdf([lines]), "guide.txt")
    assert source.media_type == "application/pdf"
    assert source.lines() == lines


def test_image_only_pdf_has_no_text_layer(tmp_path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 120), fill="black")
    target = tmp_path / "scan.pdf"
    image.save(target, "PDF")
    with pytest.raises(InputError) as info:
        read_source(target)
    assert str(info.value) == f"{target}: the PDF has no text layer (scanned?); run OCR first"


def test_encrypted_pdf():
    data = build_pdf([["保密文件"]], password="secret")
    assert error_of(data, "locked.pdf") == "locked.pdf: the PDF is encrypted; remove the password protection first"


def test_corrupt_pdf():
    data = build_pdf([short_seed_lines("001", 5)])
    for broken in (data[: len(data) // 3], b"%PDF-1.7\n" + bytes(range(1, 200))):
        assert error_of(broken, "broken.pdf").startswith("broken.pdf: ")


# -- any bytes ----------------------------------------------------------------

_PREFIXES = st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<!DOCTYPE html><html>", b"\xef\xbb\xbf", b"\xff\xfe"])
_NAMES = st.sampled_from(["a.txt", "a.docx", "a.pdf", "a.html", "a", "a.bin"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=_PREFIXES, body=st.binary(max_size=2000), name=_NAMES)
def test_read_bytes_only_ever_raises_input_error(prefix, body, name):
    try:
        source = read_bytes(prefix + body, name)
    except InputError as exc:
        assert str(exc).startswith(name) and "\n" not in str(exc)
    else:
        assert source.text.strip() and "\r" not in source.text
