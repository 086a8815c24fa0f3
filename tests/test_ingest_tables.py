"""Directions listed in a table (序号 | 方向名称 | 研究内容 | 考核指标 | 支持强度): one direction per row."""

from __future__ import annotations

from guidegraph.ingest.pipeline import outline_text

NUMBERED = """一、支持方向
各方向的研究内容、考核指标和支持强度见下表。
序号\t方向名称\t研究内容\t考核指标\t支持强度
1\t新型抗体偶联药物\t开展连接子设计。\t获得候选药物不少于2个；申请发明专利不少于5项。\t300万元
2\t基因治疗载体制备\t研究高产细胞株构建。\t载体产量不低于10^15vg。\t500万元
二、申报方式及时间
1. 网上申报截止时间为2024年5月24日17:00。
"""

CODED = """附件1
指南方向
指南代码\t指南方向\t主要研究内容\t考核指标\t支持金额（万元）\t实施期限
GK25-A01\t川西高原生态修复\t研究退化草地修复。\t示范面积不少于1000亩。\t200\t3年
GK25-A02\t页岩气高效压裂\t研究压裂液体系。\t单井产量提高15%以上。\t300\t3年
"""


def _directions(text):
    return [n for n in outline_text(text).nodes if n.kind == "direction"]


def test_each_row_of_a_numbered_table_is_a_direction_with_its_parts():
    dirs = _directions(NUMBERED)
    assert [(d.number, d.title) for d in dirs] == [("1", "新型抗体偶联药物"), ("2", "基因治疗载体制备")]
    first = dirs[0]
    assert first.research_content[0].text == "开展连接子设计。"
    assert [(q.comparator, q.value, q.unit) for i in first.indicators for q in i.quantities] == [(">=", 2.0, "个"), (">=", 5.0, "项")]
    assert [(f.yuan, f.scope) for f in first.funding] == [(3_000_000, "per_project")]


def test_a_code_column_and_an_amount_in_the_headers_unit():
    dirs = _directions(CODED)
    assert [(d.code, d.title) for d in dirs] == [("GK25-A01", "川西高原生态修复"), ("GK25-A02", "页岩气高效压裂")]
    assert [(f.yuan, f.scope) for f in dirs[1].funding] == [(3_000_000, "per_project")]
    assert [b.text for b in dirs[0].sections if b.label == "实施期限"] == ["3年"]


def test_a_table_without_a_title_column_is_no_direction_table():
    text = "一、申报材料\n材料\t份数\t备注\n申报书\t1\t在线生成\n"
    assert _directions(text) == []
    o = outline_text(text)
    assert o.coverage.chars_assigned == o.coverage.chars_total
