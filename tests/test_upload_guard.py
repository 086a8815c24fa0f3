"""The upload guard: streamed size limit, .docx bomb and DTD checks, PDFs read under limits."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from guidegraph.errors import InputError
from guidegraph.server.upload_guard import (UploadLimits, UploadRefused, check_docx, check_pdf_pages, read_limited,
                                            read_upload, run_bounded, safe_name)
from guidegraph.server.validate_report import JOB, write_job
from tests.pdf_fixtures import build_pdf

LIMITS = UploadLimits()


# ---------------------------------------------------------------- fixtures written here


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rewrite_docx(data: bytes, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of a .docx with some parts replaced and others added (deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>
"""


def billion_laughs_docx() -> bytes:
    return rewrite_docx(docx_bytes(["placeholder"]), replace={"word/document.xml": BILLION_LAUGHS})


def zip_bomb_docx(unpacked_mb: int) -> bytes:
    """A valid .docx carrying one highly compressed part of ``unpacked_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes(["正文"]))) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        with dst.open("word/media/image1.bin", "w") as member:
            block = bytes(1 << 20)
            for _ in range(unpacked_mb):
                member.write(block)
    return out.getvalue()


def minimal_pdf(content: bytes, compressed: bool = True) -> bytes:
    """A one-page PDF with the given content stream (Flate-compressed), with a correct xref table."""
    stream = zlib.compress(content, 9) if compressed else content
    filt = b"/Filter /FlateDecode " if compressed else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< " + filt + b"/Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# ---------------------------------------------------------------- names and sizes


@pytest.mark.parametrize("given, expected", [
    ("guide.txt", "guide.txt"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\指南.docx", "指南.docx"),
    ("a\x00b\r\n.pdf", "ab.pdf"),
    ("", "default.txt"),
    (None, "default.txt"),
    ("...", "default.txt"),
    (".bashrc", "bashrc"),
])
def test_safe_name_keeps_only_a_plain_last_component(given, expected):
    assert safe_name(given, "default.txt") == expected


def test_safe_name_shortens_long_names_keeping_the_extension():
    name = safe_name("长" * 500 + ".docx", "x")
    assert len(name) <= 120 and name.endswith(".docx")


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.consumed = 0

    def read(self, n=-1):
        chunk = super().read(n)
        self.consumed += len(chunk)
        return chunk


def test_read_limited_returns_everything_up_to_the_limit():
    assert read_limited(io.BytesIO(b"x" * 1000), 1000) == b"x" * 1000


def test_read_limited_stops_reading_soon_after_the_limit():
    stream = CountingStream(b"x" * (10 * 1024 * 1024))
    with pytest.raises(RequestEntityTooLarge):
        read_limited(stream, 100_000)
    assert stream.consumed < 100_000 + 2 * 64 * 1024  # one chunk past the limit, not the 10 MB


# ---------------------------------------------------------------- .docx


def test_a_plain_docx_passes_the_checks_and_is_read():
    data = docx_bytes(["2025年度项目申报指南", "一、人工智能"])
    check_docx(data, "g.docx", LIMITS)
    src = read_upload(data, "g.docx", LIMITS)
    assert src.lines()[:2] == ["2025年度项目申报指南", "一、人工智能"]


def test_docx_unpacking_beyond_the_total_limit_is_refused():
    data = zip_bomb_docx(120)
    assert len(data) < 1024 * 1024  # tiny on the wire
    with pytest.raises(UploadRefused, match="unpacks to 1[12]\\d MB"):
        check_docx(data, "bomb.docx", LIMITS)


def test_docx_part_compressed_like_a_bomb_is_refused_below_the_total_limit():
    data = zip_bomb_docx(20)  # 20 MB of zeros: within the total, but ~1000:1
    with pytest.raises(UploadRefused, match="compressed \\d+:1"):
        check_docx(data, "bomb.docx", LIMITS)


def test_docx_with_too_many_parts_is_refused():
    data = rewrite_docx(docx_bytes(["x"]), extra={f"customXml/extra{i}.xml": b"<a/>" for i in range(30)})
    with pytest.raises(UploadRefused, match="parts"):
        check_docx(data, "many.docx", UploadLimits(docx_max_members=20))
    check_docx(data, "many.docx", UploadLimits(docx_max_members=100))


def test_docx_with_an_entity_expansion_dtd_is_refused_before_parsing():
    with pytest.raises(UploadRefused, match="DTD"):
        read_upload(billion_laughs_docx(), "laughs.docx", LIMITS)


@pytest.mark.parametrize("decl", [b"<!doctype x>", b"<!ENTITY a 'b'>"])
def test_any_dtd_declaration_in_a_part_is_refused(decl):
    part = b'<?xml version="1.0"?>' + decl + b"<Relationships/>"
    data = rewrite_docx(docx_bytes(["x"]), replace={"_rels/.rels": part})
    with pytest.raises(UploadRefused, match="_rels/.rels"):
        check_docx(data, "x.docx", LIMITS)


def test_the_docx_parser_itself_does_not_expand_entities():
    """Second line of defence: python-docx's lxml parser stops an expansion (libxml2's amplification limit)."""
    from docx.oxml.parser import parse_xml
    from lxml import etree

    try:
        element = parse_xml(BILLION_LAUGHS)
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc) or "entity" in str(exc).lower()
    else:
        assert len(etree.tostring(element)) < 10_000


# ---------------------------------------------------------------- PDF


def bounded(data: bytes, name: str, workdir, limits: UploadLimits = LIMITS) -> dict:
    """The whole upload job (read, parse, validate) in the bounded child process."""
    write_job(workdir, data, name, "zh", None, None, "https://example.org/gg/", limits)
    return run_bounded(JOB, workdir, limits)


def test_a_pdf_is_read_and_validated_in_the_child_process(tmp_path):
    data = build_pdf([["2025年度科技计划项目申报指南", "一、人工智能"]])
    out = bounded(data, "g.pdf", tmp_path)
    assert "2025年度科技计划项目申报指南" in out["lines"] and out["guide"]["source"] == "g.pdf"
    assert out["publish"]["graph"].startswith("https://example.org/gg/guide/")


def test_a_pdf_with_more_pages_than_the_cap_is_refused(tmp_path):
    data = build_pdf([[f"第{i}页"] for i in range(6)])
    with pytest.raises(UploadRefused, match="more than 5 pages"):
        check_pdf_pages(data, "long.pdf", UploadLimits(pdf_max_pages=5))
    check_pdf_pages(data, "long.pdf", UploadLimits(pdf_max_pages=6))
    with pytest.raises(UploadRefused, match="more than 5 pages"):
        bounded(data, "long.pdf", tmp_path, UploadLimits(pdf_max_pages=5))
    assert "第5页" in bounded(data, "long.pdf", tmp_path, UploadLimits(pdf_max_pages=6))["lines"]


def test_a_pdf_whose_content_inflates_past_the_memory_limit_is_refused(tmp_path):
    data = minimal_pdf(b" " * (600 * 1024 * 1024))  # a 600 MB content stream in well under 1 MB
    assert len(data) < 1024 * 1024
    with pytest.raises(UploadRefused, match="allocate|memory|time"):
        bounded(data, "bomb.pdf", tmp_path, UploadLimits(memory_bytes=400 * 1024 * 1024, seconds=60))


def test_a_pdf_that_takes_too_long_is_stopped_at_the_budget(tmp_path):
    import time

    # Half a million tiny text runs: pdfminer's layout analysis needs far longer than two seconds.
    data = minimal_pdf(b"BT /F1 1 Tf " + b"(a) Tj 1 0 Td " * 500_000 + b"ET")
    started = time.monotonic()
    with pytest.raises(UploadRefused, match="time|longer"):
        bounded(data, "slow.pdf", tmp_path, UploadLimits(seconds=2))
    assert time.monotonic() - started < 12


def test_a_text_that_is_slow_to_validate_is_stopped_at_the_budget(tmp_path):
    """Not only PDFs: a guide repeated forty times validates for minutes; the budget stops it."""
    import time
    from pathlib import Path

    seed = (Path(__file__).resolve().parent.parent / "corpus" / "004_757a5c273432423d.txt").read_bytes()
    started = time.monotonic()
    with pytest.raises(UploadRefused, match="time|longer"):
        bounded(seed * 40, "repeated.txt", tmp_path, UploadLimits(seconds=3))
    assert time.monotonic() - started < 15
    assert bounded(seed, "once.txt", tmp_path, UploadLimits(seconds=30))["findings"]


def test_input_errors_in_the_child_come_back_as_refusals_with_their_message(tmp_path):
    with pytest.raises(UploadRefused, match="not a PDF file") as caught:
        bounded(b"junk \x00\x01" * 50, "x.pdf", tmp_path)
    assert caught.value.status == 422


def test_junk_with_a_pdf_name_is_refused_by_sniffing():
    with pytest.raises(InputError, match="not a PDF file"):
        read_upload(b"this is junk \x00\x01\x02 pretending" * 10, "report.pdf", LIMITS)


def test_content_wins_over_the_name(tmp_path):
    """A PDF named .txt is read as a PDF (the readers' sniffing decides, not the name)."""
    data = build_pdf([["申报指南正文"]])
    src = read_upload(data, "notes.txt", LIMITS)
    assert src.media_type == "application/pdf" and "申报指南正文" in src.text


def test_an_image_is_refused_whatever_its_name():
    with pytest.raises(InputError, match="PNG"):
        read_upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "guide.txt", LIMITS)


def test_bytes_beyond_the_limit_are_refused():
    with pytest.raises(RequestEntityTooLarge):
        read_upload(b"x" * 2000, "g.txt", UploadLimits(max_bytes=1000))


def test_html_with_an_entity_expansion_dtd_is_read_without_expanding():
    import warnings

    head = BILLION_LAUGHS.split(b"<w:document")[0].replace(b"<!DOCTYPE lolz", b"<!DOCTYPE html")
    page = head + "<html><body><p>2025年度项目申报指南</p><p>&lol9;</p></body></html>".encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BeautifulSoup remarks on the XML declaration
        src = read_upload(page, "laughs.html", LIMITS)
    assert "2025年度项目申报指南" in src.text and len(src.text) < 1000
