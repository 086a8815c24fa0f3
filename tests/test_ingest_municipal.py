"""Municipal plans: programmes described by 支持重点/申报要求/责任部门, their topics as numbered items or bullets."""

from __future__ import annotations

import pytest

from guidegraph.ingest.pipeline import outline_text

NUMBERED = """2025年度某某市科技项目申报指南
一、总体安排
1. 市级科技项目分两类专项组织实施。
二、专项指南
（一）技术创新研发专项
1. 支持重点
（1）健康养老领域。重点支持老年慢病管理和智能康复辅具研发。
（2）生态环境领域：重点支持大气污染协同治理技术。
2. 申报要求
（1）申报单位须为在本市注册的独立法人。
（2）项目实施期限一般不超过2年。
3. 支持方式及额度：采取事前资助方式，单个项目支持金额不超过100万元。
4. 责任部门：成果转化处，联系电话：028-61881234
（二）应用示范专项
1. 支持重点
--城市轨道交通智能运维应用示范
--新能源汽车换电网络应用示范
2. 申报要求
（1）项目须有明确的应用场景。
3. 责任部门：社会发展科技处，联系电话：028-61885678
"""

WORDED = """2025年度某某市科技计划项目指南
一、总体要求
申报单位应为本市注册的法人单位。
二、项目指南
专项一　产业关键技术攻关专项
（一）支持重点
1．集成电路领域。重点支持化合物半导体器件。
2．新型显示领域：重点支持柔性显示模组。
（二）申报条件
1．申报单位上年度研发投入不低于300万元。
（三）资助方式：采取事前资助方式，单个项目资助不超过200万元。
（四）责任部门：高新技术处，联系人：王敏，电话：0592-2022180

专项二　民生科技专项
（一）支持重点
（1）支持临床研究中心建设。围绕重大疾病开展临床研究。
（2）支持公共卫生项目。支持对象为本市医疗卫生机构。
--重点病种的规范化诊疗技术
针对恶性肿瘤等重大疾病开展规范化诊疗研究。
--基层适宜卫生技术转化应用
开展基层适宜技术的转化应用。
（二）申报条件
1．申报单位须为本市医疗卫生机构。
三、申报时间
网上申报截止时间为2025年5月31日17:30。
"""


def _kinds(text):
    return [(n.kind, n.number, n.title) for n in outline_text(text).nodes if n.kind != "category"]


def test_programmes_with_topics_as_numbered_items_and_bullets():
    kinds = _kinds(NUMBERED)
    assert {"技术创新研发专项", "应用示范专项"} <= {t for k, _, t in kinds if k == "programme"}
    assert [t for k, _, t in kinds if k == "direction"] == [
        "健康养老领域", "生态环境领域", "城市轨道交通智能运维应用示范", "新能源汽车换电网络应用示范"]


def test_worded_programme_numbers_and_sub_topics_under_a_topic():
    kinds = _kinds(WORDED)
    assert [(n, t) for k, n, t in kinds if k == "programme" and n] == [("专项一", "产业关键技术攻关专项"), ("专项二", "民生科技专项")]
    # a stand-alone bullet title is a topic; the support line it sits under groups its topics
    assert [t for k, _, t in kinds if k == "direction"] == [
        "集成电路领域", "新型显示领域", "支持临床研究中心建设", "重点病种的规范化诊疗技术", "基层适宜卫生技术转化应用"]
    assert "支持公共卫生项目" in [t for k, _, t in kinds if k == "field"]


@pytest.mark.parametrize("text", [NUMBERED, WORDED])
def test_requirement_items_stay_text_and_inline_sections_are_sections(text):
    o = outline_text(text)
    titles = {n.title for n in o.nodes}
    assert not titles & {"申报单位须为在本市注册的独立法人", "支持方式及额度", "责任部门", "资助方式", "申报时间"}
    sections = [b for n in o.nodes for b in n.sections]
    assert any(b.label in ("支持方式", "资助方式") and b.text.startswith("采取事前资助") for b in sections)
    assert any(f.scope == "per_project" for n in o.nodes if n.kind == "programme" for f in n.funding)


def test_a_programme_with_only_its_desk_listed_is_a_programme():
    text = "附件3\n《创新券政策》\n一、创新券牵头管理\n责任部门\n基础研究处，联系电话：66608810。\n二、活动券\n责任部门\n高新技术处，联系电话：66608805。\n"
    assert [(k, t) for k, _, t in _kinds(text) if k != "programme" or t != "创新券政策"] == [
        ("programme", "创新券牵头管理"), ("programme", "活动券")]
