"""A forwarding notice (a provincial office relaying a national call): no directions, its deadlines and desks."""

from __future__ import annotations

from guidegraph.ingest.pipeline import outline_text
from guidegraph.validation import validate

INLINE_DESKS = """青海省科学技术厅关于转发《科技部关于发布国家重点研发计划“先进材料”等重点专项2025年度项目申报指南的通知》的通知
青科基〔2025〕3号
各有关单位：
现将《科技部关于发布国家重点研发计划“先进材料”等重点专项2025年度项目申报指南的通知》转发给你们，请认真组织申报。
一、申报要求
1. 申报单位应为在我省注册的独立法人单位。
2. 申报项目须符合专项指南的研究方向。
二、专项受理处室
各专项的受理处室和联系人如下：
先进材料、高端装备：高新技术处，联系人：杨柳，电话：0931-8826415
种质资源：农村科技处，联系人：赵国庆，电话：0931-8826590
三、时间安排
1. 请于2025年4月8日17:00前完成网上推荐。
青海省科学技术厅
2025年3月18日
"""

TABLE_DESKS = """贵州省科学技术厅关于转发国家重点研发计划“新型储能”等重点专项2026年度项目申报指南的通知
各有关单位：
科技部已发布有关重点专项2026年度项目申报指南，现将有关事项通知如下。
一、推荐要求
1. 各推荐单位要严格审核申报材料。
二、各专项受理处室及联系方式
专项名称\t受理处室\t联系人\t联系电话
新型储能\t高新技术处\t邹志刚\t0791-86237418
数字乡村\t农村科技处\t饶丽萍\t0791-86237533
三、时间节点
1. 省内推荐截止时间为2026年3月20日17:00。
贵州省科学技术厅
2026年2月16日
"""


def test_forwarding_notices_publish_no_directions_but_keep_deadlines_and_desks():
    for text, province in ((INLINE_DESKS, "青海省"), (TABLE_DESKS, "贵州省")):
        o = outline_text(text)
        assert o.document_kind == "forwarding_notice"
        assert not [n for n in o.nodes if n.kind in ("direction", "subdirection")]
        assert "publishes no directions" in o.warnings[0]
        assert o.deadlines and o.deadlines[0].datetime.endswith("17:00:00+08:00")
        offices = {f.name: f for f in o.offices}
        assert offices["农村科技处"].role == "accepting"
        assert [p for c in offices["高新技术处"].contacts for p in c.phones] in (["0931-8826415"], ["0791-86237418"])
        # the notice's own jurisdiction, not the national call's it forwards
        assert o.jurisdiction == {"name": province, "level": "provincial"}
        assert o.issuers == [f"{province}科学技术厅"]


def test_the_desks_of_a_forwarding_notice_serve_their_programmes():
    scopes = {f.name: f.scope for f in outline_text(INLINE_DESKS).offices}
    assert "先进材料、高端装备" in scopes["高新技术处"]
    scopes = {f.name: f.scope for f in outline_text(TABLE_DESKS).offices}
    assert "数字乡村" in scopes["农村科技处"]


def test_a_forwarding_notice_is_a_note_in_the_report_not_a_violation(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(INLINE_DESKS, encoding="utf-8")
    findings = validate(path, lang="en").report.findings
    assert [f.shape for f in findings if f.severity == "Info" and f.shape == "ForwardingNoticeNoDirections"]
    assert not [f for f in findings if f.shape in ("GuideHasDirection", "DirectionIndicator", "DirectionResearchContent")]


def test_a_notice_that_forwards_and_publishes_its_own_directions_keeps_them():
    text = INLINE_DESKS.replace("三、时间安排", "三、省级配套方向\n1.先进材料应用示范\n研究内容：开展示范。\n考核指标：示范线不少于2条。\n四、时间安排")
    o = outline_text(text)
    assert o.document_kind == "guide"
    assert [n.title for n in o.nodes if n.kind == "direction"] == ["先进材料应用示范"]


def test_a_forwarding_notice_keeps_its_own_title_and_the_tree_says_what_it_is():
    from guidegraph.commands.outline import render_tree

    o = outline_text(INLINE_DESKS)
    assert o.title.startswith("关于转发《科技部关于发布")
    assert "forwarding notice: publishes no directions of its own" in render_tree(o)
