"""Counts a guide declares as a whole (本指南共涉及N个领域，拟支持M个方向), and their check."""

from __future__ import annotations

from guidegraph.ingest.parse.counts import parse_guide_counts
from guidegraph.ingest.pipeline import outline_text
from guidegraph.validation import validate

DIRECTIONS = """一、支持方向
（一）先进制造领域
1.智能传感器关键技术
研究内容：研究传感芯片。
考核指标：灵敏度不低于95%。
2.工业软件
研究内容：研究工业软件。
考核指标：软件著作权不少于2项。
"""

IN_PREAMBLE = "2026年度某省重点研发计划项目申报指南\n本指南共涉及1个领域，拟支持3个方向。\n" + DIRECTIONS
IN_SECTION = ("2026年度某市科技计划项目指南\n" + DIRECTIONS
              + "二、总体安排\n本批拟立项支持2个方向，每个方向支持1项。\n")


def test_guide_counts_are_read_from_guide_wide_wording():
    counts = parse_guide_counts("本指南共涉及6个领域，拟支持45个方向。")
    assert counts["directions"]["value"] == 45 and counts["directions"]["text"] == "拟支持45个方向"
    assert counts["fields"]["value"] == 6
    assert parse_guide_counts("本专项拟启动20个方向。") == {}  # a programme's count, not the guide's
    assert parse_guide_counts("本专项拟启动20个方向。", guide_wide=True)["directions"]["value"] == 20


def test_a_preamble_count_is_the_guides_and_is_checked_against_every_direction(tmp_path):
    o = outline_text(IN_PREAMBLE)
    assert o.declared_counts["directions"]["value"] == 3
    assert o.declared_counts["fields"]["value"] == 1
    assert o.declared_counts["directions"]["source"].start_line == 2
    assert all(n.declared_direction_count is None for n in o.nodes)  # not a programme's count as well
    path = tmp_path / "g.txt"
    path.write_text(IN_PREAMBLE, encoding="utf-8")
    found = [f for f in validate(path, lang="en").report.findings if f.shape == "GuideDeclaredDirectionCount"]
    assert [(f.message, f.start_line) for f in found] == [("The guide declares 3 directions in all but publishes 2", 2)]


def test_a_count_in_a_document_section_that_matches_is_no_finding(tmp_path):
    o = outline_text(IN_SECTION)
    assert o.declared_counts["directions"]["value"] == 2
    path = tmp_path / "g.txt"
    path.write_text(IN_SECTION, encoding="utf-8")
    assert not [f for f in validate(path).report.findings if f.shape == "GuideDeclaredDirectionCount"]


def test_counts_listed_together_and_counts_of_directions_within_tasks():
    counts = parse_guide_counts("本批指南设2个专题、5个方向，每个方向支持1项。")
    assert (counts["fields"]["value"], counts["directions"]["value"]) == (2, 5)
    assert parse_guide_counts("本指南共设3个领域，拟支持6个方向。")["fields"]["value"] == 3
    from guidegraph.ingest.parse.counts import parse_direction_count

    assert parse_direction_count("2016年度拟优先启动3个任务中的6个研究方向。")["value"] == 6
