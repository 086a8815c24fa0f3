"""PDF wraps around dates and signatures, and desks shared by joint issuers."""

from __future__ import annotations

import pytest

from guidegraph.ingest.parse.dates import extract_deadlines
from guidegraph.ingest.pipeline import outline_text


@pytest.mark.parametrize("lines, end", [
    (["申报时间为2025年3月10日", "", "8:30至2025年3月28日17:00。"], "2025-03-28T17:00:00+08:00"),
    (["受理时间为2023年3月1日9:00至2023年3月31日", "", "17:00，逾期系统自动关闭。"], "2023-03-31T17:00:00+08:00"),
])
def test_a_time_wrapped_onto_the_next_line_stays_with_its_date(lines, end):
    found = {d.datetime for d in extract_deadlines(lines)}
    assert end in found


def test_a_signature_over_a_page_number_and_a_date_is_no_desk():
    text = "一、支持方向\n1.示例方向\n研究内容：开展研究。\n考核指标：完成不少于100例。\n二、联系方式\n县科技局创新科：应晓峰，电话：0576-87781236\n\n某某县科学技术局\n\n第 1 页\n\n2025年2月28日\n"
    names = [o.name for o in outline_text(text).offices]
    assert names == ["县科技局创新科"]


def test_joint_issuers_and_the_desk_they_share():
    text = ("甲市科学技术委员会、乙园区管理委员会关于发布2024年度科技计划项目申报指南的通知\n各有关单位：\n"
            "一、指南方向\n1. 示例方向\n研究内容：开展研究。\n考核指标：完成不少于100例。\n二、联系方式\n"
            "人工智能方向：甲市科委、乙园区管委会高新技术处 徐立 010-66153921\n")
    o = outline_text(text)
    assert o.issuers == ["甲市科学技术委员会", "乙园区管理委员会"]
    office = next(f for f in o.offices if f.name == "高新技术处")
    assert office.contacts[0].phones == ["010-66153921"] and "人工智能方向" in office.scope
