"""Build the variant guides that are not plain text: Word and PDF files from the source below, and the long guide.

    .venv/bin/python tests/variant_builders.py          # rewrite tests/variants/*/guide.docx|pdf

The .docx and .pdf files are committed (each well under 200 KB) and rebuilt
from the source.json next to them, which holds the document's text: Word
blocks (headings with real Heading styles, paragraphs, tables) or PDF
paragraphs (typeset with a CJK font, wrapped to the page, page-number footer). The long guide (>= 1,000 directions) is never committed: write_generated
writes it, with its expected outline and findings made by the same generator,
into a scratch folder at scoring time.
"""

from __future__ import annotations

import datetime
import io
import json
import sys
import zipfile
from pathlib import Path

VARIANTS = Path(__file__).resolve().parent / "variants"
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)

# ---------------------------------------------------------------- Word


def build_docx(blocks: list[tuple], path: Path) -> None:
    """A .docx from blocks: ("title"|"h1"|"h2"|"h3"|"p", text) or ("table", rows, style)."""
    import docx

    document = docx.Document()
    for block in blocks:
        kind = block[0]
        if kind == "title":
            document.add_heading(block[1], level=0)
        elif kind in ("h1", "h2", "h3"):
            document.add_heading(block[1], level=int(kind[1]))
        elif kind == "p":
            document.add_paragraph(block[1])
        elif kind == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    lines = text.split("\n")
                    cell.text = lines[0]
                    for extra in lines[1:]:
                        cell.add_paragraph(extra)
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    core = document.core_properties
    core.author = "guidegraph tests"
    core.created = core.modified = datetime.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_fixed_zip_times(buffer.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """The same .docx with every member dated 2024-01-01, so a rebuild gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- PDF


def cjk_font() -> str:
    for font in CJK_FONTS:
        if Path(font).exists():
            return font
    raise FileNotFoundError("no CJK TrueType font: install fonts-wqy-zenhei (listed in .ci/apt-packages.txt)")


def build_pdf(paragraphs: list[tuple[str, str]], path: Path, footer: str = "— {page} —") -> None:
    """A typeset PDF with a page-number footer.

    ("h", heading) and ("p", paragraph) are wrapped to the page width;
    ("line", text) is one unwrapped line and ("page", "") a page break, to
    place a break where a layout needs one.
    """
    from fpdf import FPDF

    class GuidePDF(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 10, footer.format(page=self.page_no()), align="C")

    pdf = GuidePDF(format="A4")
    pdf.set_creation_date(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))  # reproducible bytes
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    for kind, text in paragraphs:
        if kind == "page":  # a forced page break, e.g. inside a contact line
            pdf.add_page()
            continue
        if kind == "line":  # one unwrapped line, no paragraph gap after it
            pdf.set_font("cjk", size=11)
            pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            continue
        if kind == "h":
            pdf.set_font("cjk", size=14)
            pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT", align="C")
        else:
            pdf.set_font("cjk", size=11)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(pdf.output()))


# ---------------------------------------------------------------- the builds


def build_variant(folder: Path) -> Path:
    """Build folder/guide.docx or guide.pdf from folder/source.json (the document's text, committed)."""
    spec = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    if spec["format"] == "docx":
        path = folder / "guide.docx"
        build_docx([tuple(b) for b in spec["blocks"]], path)
    elif spec["format"] == "pdf":
        path = folder / "guide.pdf"
        build_pdf([tuple(p) for p in spec["paragraphs"]], path, spec.get("footer", "— {page} —"))
    else:
        raise ValueError(f"{folder}: unknown format {spec['format']!r}")
    return path


def build_all(root: Path = VARIANTS) -> list[Path]:
    return [build_variant(source.parent) for source in sorted(root.glob("*/source.json"))]


# ---------------------------------------------------------------- the long guide

LONG_NAME = "long_generated_1040"
LONG_FIELDS = 40
LONG_PER_FIELD = 26
_SUBJECTS = ("寒地水稻", "大豆", "玉米", "马铃薯", "黑土地", "冷水鱼", "寒地果树", "食用菌", "奶牛", "生猪",
             "森林防火", "湿地", "冰雪装备", "石墨", "稀土", "燃气轮机", "高寒电网", "风电", "氢能", "储能",
             "机器人", "传感器", "工业软件", "数控机床", "焊接", "航空材料", "卫星", "北斗", "中药材", "疫苗",
             "慢病", "肿瘤", "康复", "养老", "冷链", "物流", "城市更新", "建筑节能", "水环境", "大气")
_ACTIONS = ("关键技术研究", "装备研制", "集成示范", "新品种选育", "智能监测", "高效利用", "标准体系构建",
            "数字化平台开发", "绿色生产技术", "质量检测方法", "应用示范", "工艺优化", "风险评估",
            "精准调控", "低碳改造", "国产化替代", "可靠性提升", "全链条开发", "在线诊断", "协同控制",
            "快速检测", "资源化利用", "服役评价", "模型构建", "规模化应用", "综合防控")
_UNITS = ("项", "套", "个", "种", "家")
_CHINESE_NUMBERS = "一二三四五六七八九十"


def _field_title(i: int) -> str:
    return f"{_SUBJECTS[i]}领域"


def _direction(i: int, j: int) -> dict:
    """Direction j of field i: its title, content and indicators, all derived from (i, j)."""
    title = f"{_SUBJECTS[i]}{_ACTIONS[j]}"
    patents = 2 + (i * 7 + j * 3) % 9
    accuracy = 80 + (i + j * 5) % 19
    low = 1 + (i + j) % 4
    unit = _UNITS[(i + 2 * j) % len(_UNITS)]
    tag = "基础研究类" if j % 3 == 0 else "共性关键技术类" if j % 3 == 1 else "示范应用类"
    indicators = [
        {"text": f"申请发明专利不少于{patents}项",
         "quantities": [{"comparator": ">=", "value": float(patents), "unit": "项"}]},
        {"text": f"关键参数检测准确率≥{accuracy}%",
         "quantities": [{"comparator": ">=", "value": float(accuracy), "unit": "%"}]},
        {"text": f"形成示范应用成果{low}~{low + 2}{unit}",
         "quantities": [{"comparator": "range", "value": float(low), "value_max": float(low + 2), "unit": unit}]},
    ]
    return {"title": title, "tag": tag, "indicators": indicators,
            "content": f"围绕{_SUBJECTS[i]}产业发展需求，开展{_ACTIONS[j]}，突破制约产业提质增效的瓶颈问题，形成可推广的技术方案。"}


def long_guide() -> tuple[str, dict, list]:
    """The text of a guide with 40 fields x 26 directions, its expected outline and findings."""
    n_dirs = LONG_FIELDS * LONG_PER_FIELD
    lines = [
        "黑龙江省科学技术厅关于发布2026年度省重点研发计划项目申报指南的通知",
        "",
        "黑科发〔2026〕3号",
        "",
        "各有关单位：",
        "",
        "为加快推动科技创新和产业创新深度融合，现发布2026年度省重点研发计划项目申报指南。"
        f"本指南共涉及{LONG_FIELDS}个领域，拟支持{n_dirs}个方向，每个方向拟支持1项。",
        "",
        "一、总体要求",
        "",
        "1. 项目应聚焦我省重点产业链发展的关键技术需求，目标明确，考核指标可量化。",
        "",
        "2. 项目实施周期一般为2至3年。",
        "",
        "二、支持方向",
        "",
    ]
    nodes = []
    for i in range(LONG_FIELDS):
        lines += [f"{i + 1}. {_field_title(i)}", ""]
        nodes.append({"kind": "field", "number": f"{i + 1}.", "code": None, "title": _field_title(i), "tags": [],
                      "indicators": []})
        for j in range(LONG_PER_FIELD):
            d = _direction(i, j)
            number = f"{i + 1}.{j + 1}"
            lines += [f"{number} {d['title']}（{d['tag']}）", "", f"研究内容：{d['content']}", "",
                      "考核指标：" + "；".join(x["text"] for x in d["indicators"]) + "。", ""]
            nodes.append({"kind": "direction", "number": number, "code": None, "title": d["title"],
                          "tags": [d["tag"]], "indicators": d["indicators"]})
    lines += [
        "三、申报方式及时间",
        "",
        "1. 申报单位登录黑龙江省科技管理信息系统在线填报，填报时间为2026年3月2日9:00至2026年3月31日17:00。",
        "",
        "2. 逾期不予受理。",
        "",
        "四、联系方式",
        "",
        "联系人：省科技厅计划处 刘明远",
        "",
        "联系电话：0451-82629120",
        "",
        "黑龙江省科学技术厅",
        "",
        "2026年1月20日",
        "",
    ]
    expected = {
        "title": "2026年度省重点研发计划项目申报指南",
        "year": 2026,
        "jurisdiction": {"name": "黑龙江省", "level": "provincial"},
        "issuers": ["黑龙江省科学技术厅"],
        "doc_number": "黑科发〔2026〕3号",
        "declared_direction_count": n_dirs,
        "deadlines": [{"label": "填报时间", "datetime": "2026-03-31T17:00:00+08:00"}],
        "nodes": nodes,
        "offices": [{"name": "省科技厅计划处", "role": "contact",
                     "contacts": [{"person": "刘明远", "phones": ["0451-82629120"]}]}],
    }
    return "\n".join(lines), expected, []


def write_generated(root: Path) -> dict[str, Path]:
    """Write every generated variant under root; name -> its folder."""
    text, expected, findings = long_guide()
    folder = root / LONG_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guide.txt").write_text(text, encoding="utf-8")
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "findings.json").write_text(json.dumps(findings, ensure_ascii=False, indent=1), encoding="utf-8")
    return {LONG_NAME: folder}


if __name__ == "__main__":
    for written in build_all():
        print(f"wrote {written} ({written.stat().st_size} bytes)", file=sys.stderr)
