"""Sections of the document itself (总体安排, 申报方式及时间, 组织实施, 附则 ...) and their items are never directions."""

from __future__ import annotations

import pytest

from guidegraph.ingest.parse.labels import section_field
from guidegraph.ingest.parse.outline import split_title
from guidegraph.ingest.pipeline import outline_text

DIRECTION = """（一）智能传感器关键技术
研究内容：研究高灵敏度传感芯片。
考核指标：灵敏度不低于95%。
"""

TOP_LEVEL = """2026年度某省重点研发计划项目申报指南
一、总体安排
本批指南聚焦先进制造。
二、支持方向
""" + DIRECTION + """三、申报方式及时间
1. 申报单位通过管理平台在线填报。
2. 受理时间为2026年3月1日9:00至3月20日17:00。
四、组织实施
1. 省科技厅组织专家评审。
2. 评审结果在网站公示。
五、其他事项
1. 本指南由省科技厅负责解释。
六、附则
本指南自发布之日起施行。
"""

NESTED = """2026年度某市科技计划项目指南
一、重点任务
""" + DIRECTION + """二、申报与管理
（一）总体要求
1. 申报单位应为本市注册的法人单位。
（二）申报方式及时间
1. 网上申报截止时间为2026年4月30日17:30。
（三）注意事项
1. 项目负责人限报一项。
"""


@pytest.mark.parametrize("title,field", [
    ("总体安排", "general"), ("申报方式及时间", "schedule"), ("组织实施", "general"), ("其他事项", "notes"),
    ("附则", "notes"), ("联系方式", "offices"), ("申报对象和条件", "requirements"), ("申报材料", "materials"),
])
def test_document_section_titles(title, field):
    assert section_field(title) == field


@pytest.mark.parametrize("title", ["智能制造", "安全生产监测预警技术", "其他", "信息安全关键技术研究", "临床医学研究中心建设"])
def test_topics_are_no_document_sections(title):
    assert section_field(title) is None


@pytest.mark.parametrize("text", [TOP_LEVEL, NESTED])
def test_only_the_fundable_unit_is_a_direction(text):
    o = outline_text(text)
    directions = [n.title for n in o.nodes if n.kind in ("direction", "subdirection")]
    assert directions == ["智能传感器关键技术"]
    # the numbered items of the sections stay their text
    held = " ".join(b.text for b in o.requirements + o.notes + o.sections + [b for n in o.nodes for b in n.sections])
    assert "限报一项" in held or "在线填报" in held


def test_a_clock_time_is_no_title_break():
    assert split_title("受理时间为2026年3月1日9:00至3月20日17:00。") == ("受理时间为2026年3月1日9:00至3月20日17:00", "")
    assert split_title("截止时间：2026年3月1日17：30前") == ("截止时间", "2026年3月1日17：30前")
