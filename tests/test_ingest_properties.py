"""Property tests: for arbitrary text the parser never raises, and coverage always adds up."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidegraph.ingest.pipeline import outline_text

# Pieces that exercise the grammar: outline numbers, labels, brackets, page
# markers, attachment lines, bookmarks, quantities, and plain Chinese text.
PIECES = st.sampled_from(
    [
        "一、", "（二）", "1.", "2、", "（3）", "1.1 ", "2.10", "2001 ", "①", "附件 2", "— 3 —", "12",
        "研究内容：", "考核指标：", "有关说明：", "申报要求", "农业方面", "新材料领域", "专项", "计划",
        "（青年科学家项目、基础研究类）", "不少于100例", "≥90%", "2~3项", "5.25 亿元", "每个项目500万元",
        "[bookmark: _Toc1]", "联系电话：0351-1234567", "66608805/07", "2025年3月27日17:30",
        "启动实施“某某”重点专项。", "《指南》", "。", "；", "，", " ", "\u3000", "\t", "\n", "\n\n",
        # layouts of issue 11: tables, bullets, worded and Roman numbers, desks, forwarding, counts
        "序号\t方向名称\t研究内容\t考核指标\t支持强度", "1\t示例\t研究\t不少于3项\t200",
        "专项名称\t受理处室\t联系人\t联系电话", "--", "——", "专项一　", "I. ", "A. ", "方向1：", "第一部分",
        "（指南代码：TJ2501，基础研究类）", "支持重点", "技术咨询：", "先进制造领域：高新技术处", "联系电话：0351-",
        "关于转发", "本指南共涉及3个领域，拟支持5个方向。", "9:00至",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(min_size=0, max_size=6)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_parser_never_raises_and_coverage_adds_up(text):
    o = outline_text(text)
    cov = o.coverage
    total = sum(1 for ch in text.replace("\r\n", "\n").replace("\r", "\n") if not ch.isspace())
    unassigned = sum(sum(1 for ch in u.text if not ch.isspace()) for u in cov.unassigned)
    assert cov.chars_total == total
    assert cov.chars_assigned + unassigned == total
    ids = [n.id for n in o.nodes]
    assert len(ids) == len(set(ids))
    assert all(n.parent is None or n.parent in ids for n in o.nodes)
    o.to_json()  # always serialisable


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parser_never_raises_on_any_unicode(text):
    o = outline_text(text)
    assert o.coverage.chars_assigned <= o.coverage.chars_total
