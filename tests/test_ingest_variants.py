"""Guides nobody here has seen: layouts written for these tests, not taken from the seeds.

They vary the province, year, numbering, wrapping and container format, to
show the parser follows general rules rather than the seeds' wording.
"""

from __future__ import annotations

import docx
import pytest

from guidegraph.errors import InputError
from guidegraph.ingest.pipeline import outline_file, outline_text

GUANGDONG = """广东省科学技术厅关于发布2023年度省重点领域研发计划“智能机器人”专项申报指南的通知

粤科函〔2023〕12号

各有关单位：
为加快智能机器人产业发展，现发布本专项申报指南。

一、申报要求
1. 申报单位须为在广东省内注册的独立法人。
2. 项目实施周期一般为3年。
二、支持方向
（一）核心部件
1. 高精度伺服电机研发（共性关键技术类）
研究内容：研制高功率密度伺服电机及驱动器。
考核指标：功率密度不低于3kW/kg；定位精度≤0.01mm；申请发明专利不少于5项。
2. 谐波减速器寿命提升
研究内容：开展谐波减速器材料与工艺研究。
考核指标：寿命大于10000小时；形成2~3项行业标准。
（二）整机与应用
1. 医疗手术机器人示范应用（示范应用类、部省联动）
研究内容：面向微创手术开发机器人系统。
考核指标：完成不少于50例临床试验；在3家以上医院示范应用。
三、其他事项
申报截止时间为2023年6月30日17:00。
联系人：省科技厅高新处 陈某某，联系电话：020-83163000
"""


def _kinds(outline):
    return [(n.kind, n.number, n.title, n.tags) for n in outline.nodes]


def test_other_province_layout_is_recovered():
    o = outline_text(GUANGDONG, "gd.txt")
    dirs = [n for n in o.nodes if n.kind == "direction"]
    assert [d.title for d in dirs] == ["高精度伺服电机研发", "谐波减速器寿命提升", "医疗手术机器人示范应用"]
    assert dirs[0].tags == ["共性关键技术类"]
    assert dirs[2].tags == ["示范应用类", "部省联动"]
    fields = [n.title for n in o.nodes if n.kind == "field"]
    assert "核心部件" in fields and "整机与应用" in fields
    q = [(x.comparator, x.value, x.unit) for i in dirs[0].indicators for x in i.quantities]
    assert (">=", 3.0, "kW/kg") in q and ("<=", 0.01, "mm") in q and (">=", 5.0, "项") in q
    assert [(x.comparator, x.value, x.value_max) for i in dirs[1].indicators for x in i.quantities if x.comparator == "range"] == [("range", 2.0, 3.0)]
    assert [r.number for r in o.requirements] == ["1.", "2."]
    assert o.year == 2023 and o.jurisdiction["name"] == "广东省"
    assert o.doc_number == "粤科函〔2023〕12号"
    assert any(d.datetime == "2023-06-30T17:00:00+08:00" for d in o.deadlines)
    assert any("020-83163000" in c.phones for f in o.offices for c in f.contacts)


def _pdf_style(text: str, width: int = 18) -> str:
    """Hard-wrap every paragraph at ``width`` characters with a blank line after each, and page markers."""
    out = []
    for n, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        while len(line) > width:
            out.extend([line[:width], ""])
            line = line[width:]
        out.extend([line, ""])
        if n % 9 == 8:
            out.extend([f"— {n // 9 + 1} —", ""])
    return "\n".join(out)


def test_hard_wrapped_pdf_text_gives_the_same_outline():
    flat = outline_text(GUANGDONG, "flat.txt")
    wrapped = outline_text(_pdf_style(GUANGDONG), "wrapped.txt")
    assert _kinds(wrapped) == _kinds(flat)
    assert [len(n.indicators) for n in wrapped.nodes] == [len(n.indicators) for n in flat.nodes]
    # only the page markers the wrapping added are left unassigned
    assert {u.reason for u in wrapped.coverage.unassigned} == {"page number"}
    marker_chars = sum(len(u.text.replace(" ", "")) for u in wrapped.coverage.unassigned)
    assert wrapped.coverage.chars_assigned == wrapped.coverage.chars_total - marker_chars


def test_guide_codes_unnumbered_sectors_and_body_enumerations():
    text = "\n".join(
        [
            "2026年度某市科技计划项目指南",
            "工业方面",
            "（一）新材料领域",
            "3101 高性能碳纤维复合材料制备技术",
            "研发内容：开展碳纤维原丝制备研究。",
            "考核指标：拉伸强度不低于4.9GPa；形成示范线1条。",
            "有关说明：",
            "1. 前期已具备中试基础。",
            "2. 须企业牵头申报。",
            "3102 石墨烯导热膜量产工艺",
            "研发内容：研究石墨烯导热膜连续化制备工艺。",
            "考核指标：导热系数≥1500W/(m·K)。",
            "农业方面",
            "（一）种业领域",
            "3201 耐盐碱水稻新品种选育",
            "研发内容：选育耐盐碱水稻新品种。",
            "考核指标：育成新品种2~3个。",
        ]
    )
    o = outline_text(text)
    coded = [n for n in o.nodes if n.code]
    assert [n.code for n in coded] == ["3101", "3102", "3201"]
    assert {n.kind for n in coded} == {"direction"}
    # "1. 前期已具备…" inside 有关说明 is an enumeration, not a heading
    first = coded[0]
    assert [b.text for b in first.notes][:1] and "前期已具备" in " ".join(b.text for b in first.notes)
    assert not any(n.title.startswith("前期已具备") for n in o.nodes)
    sectors = [n.title for n in o.nodes if n.kind == "category"]
    assert sectors == ["工业方面", "农业方面"]
    assert o.node(coded[2].parent).title == "种业领域"


def test_docx_variant_reads_like_the_text(tmp_path):
    document = docx.Document()
    for line in GUANGDONG.split("\n"):
        document.add_paragraph(line)
    path = tmp_path / "gd.docx"
    document.save(path)
    from_docx = outline_file(path)
    from_text = outline_text(GUANGDONG)
    assert _kinds(from_docx) == _kinds(from_text)
    assert from_docx.media_type.endswith("wordprocessingml.document")


def test_html_variant_without_chrome(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in GUANGDONG.split("\n") if line)
    page = f"<html><head><meta charset='utf-8'><title>t</title></head><body><nav><a>首页</a><a>政务公开</a></nav><div class='content'>{body}</div><footer>版权所有</footer></body></html>"
    path = tmp_path / "gd.html"
    path.write_text(page, encoding="utf-8")
    o = outline_file(path)
    assert [n.title for n in o.nodes if n.kind == "direction"] == ["高精度伺服电机研发", "谐波减速器寿命提升", "医疗手术机器人示范应用"]
    assert not any("首页" in b.text or "版权所有" in b.text for b in o.preamble + o.sections)


def test_gb18030_file_gives_the_same_outline(tmp_path):
    path = tmp_path / "gd.txt"
    path.write_bytes(GUANGDONG.encode("gb18030"))
    o = outline_file(path)
    assert o.encoding == "gb18030"
    assert _kinds(o) == _kinds(outline_text(GUANGDONG))


def test_notice_without_directions_is_an_empty_outline_with_a_warning():
    notice = "关于转发科技部有关通知的通知\n各有关单位：\n现将有关通知转发给你们，请遵照执行。\n特此通知。\n某省科学技术厅\n2024年3月1日"
    o = outline_text(notice)
    assert not [n for n in o.nodes if n.kind in ("direction", "subdirection")]
    # it forwards another body's call (转发): a forwarding notice, said so plainly
    assert o.document_kind == "forwarding_notice"
    assert o.warnings and "publishes no directions" in o.warnings[0]
    assert o.coverage.ratio == 1.0


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"\x00\x01\x02\xff\xfe" * 50, "not a text"), ("中文".encode("utf-16-le") * 3 + b"\x00\x00", "not a text")],
)
def test_bad_files_give_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        outline_file(path)
    assert "bad.txt" in str(err.value)


def test_pdf_variant_gives_the_same_directions(tmp_path):
    from pdf_fixtures import build_pdf

    lines = [line for line in GUANGDONG.split("\n") if line]
    # a PDF page holds about 40 lines at this size; two pages also test the page join
    path = tmp_path / "gd.pdf"
    path.write_bytes(build_pdf([lines[:14], lines[14:]]))
    o = outline_file(path)
    assert o.media_type == "application/pdf"
    assert [n.title for n in o.nodes if n.kind == "direction"] == ["高精度伺服电机研发", "谐波减速器寿命提升", "医疗手术机器人示范应用"]
    assert o.doc_number == "粤科函〔2023〕12号"
