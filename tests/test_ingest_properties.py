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
