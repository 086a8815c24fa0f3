"""Contact desks per field, and office-shaped lines that feed no office."""

from __future__ import annotations

from guidegraph.ingest.pipeline import outline_text
from guidegraph.validation import validate

BODY = """2026年度某省重点研发计划项目申报指南
一、支持方向
1.智能传感器关键技术
研究内容：研究高灵敏度传感芯片。
考核指标：灵敏度不低于95%。
二、联系方式
"""

COLON_DESKS = BODY + """咨询电话：
先进制造领域：省科学技术厅高新技术处
联系人：王明，0351-4046601
生物医药领域：社会发展科技处
联系人：李华
"""

NUMBERED_DESKS = BODY + """技术咨询：
1.现代农业领域（农村科技处）
联系人：赵一  0351-4046602
2.新材料领域由高新技术处负责
联系人：钱二
"""


def _offices(text):
    return {o.name: o for o in outline_text(text).offices}


def test_field_desks_after_a_lead_in_become_offices_with_their_field_as_scope():
    offices = _offices(COLON_DESKS)
    assert offices["省科学技术厅高新技术处"].role == "contact"
    assert "先进制造领域" in offices["省科学技术厅高新技术处"].scope
    assert offices["省科学技术厅高新技术处"].contacts[0].phones == ["0351-4046601"]
    assert "生物医药领域" in offices["社会发展科技处"].scope
    assert [(c.person, c.phones) for c in offices["社会发展科技处"].contacts] == [("李华", [])]


def test_numbered_field_desks_with_bracketed_or_verbal_office():
    offices = _offices(NUMBERED_DESKS)
    assert "现代农业领域" in offices["农村科技处"].scope
    assert offices["农村科技处"].contacts[0].phones == ["0351-4046602"]
    assert "新材料领域" in offices["高新技术处"].scope


def test_a_desk_contact_without_a_phone_is_reported(tmp_path):
    for text in (COLON_DESKS, NUMBERED_DESKS):
        path = tmp_path / "g.txt"
        path.write_text(text, encoding="utf-8")
        unreachable = [f for f in validate(path, lang="en").report.findings if f.shape == "OfficeReachable"]
        assert len(unreachable) == 1, [f.to_json() for f in unreachable]
        # the desk's field line and its contact line, the one without a number
        assert (unreachable[0].start_line, unreachable[0].end_line) == (10, 11)
        assert unreachable[0].title in ("社会发展科技处", "高新技术处")


def test_an_office_shaped_line_that_gives_no_office_is_not_counted_as_read():
    o = outline_text(BODY + "联系人：张三\n")
    lost = [u for u in o.coverage.unassigned if "no office" in u.reason]
    assert [(u.start_line, u.text) for u in lost] == [(7, "联系人：张三")]
    assert o.coverage.chars_assigned < o.coverage.chars_total
    assert any("L7" in w for w in o.warnings)


def test_a_support_line_with_a_number_is_a_desk_named_by_what_it_answers():
    offices = _offices(BODY + "系统技术支持：0351-4046000\n")
    assert offices["系统技术支持"].contacts[0].phones == ["0351-4046000"]


def test_an_unread_contact_line_is_a_warning_at_its_line(tmp_path):
    for extra, line in (("联系人：张三\n", 7), ("咨询：\n技术联系人 李四 0351-4046603\n", 8)):
        path = tmp_path / "g.txt"
        path.write_text(BODY + extra, encoding="utf-8")
        found = [f for f in validate(path, lang="en").report.findings if f.shape == "ContactLineUnread"]
        assert [(f.severity, f.start_line) for f in found] == [("Warning", line)], extra
