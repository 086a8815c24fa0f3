"""Dates and deadlines: seed 004's deadlines, the date forms guides print, and robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.dates import extract_deadlines, find_datetimes, fold_width


def seed_lines(prefix: str) -> list[str]:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8").split("\n")


def isos(text: str) -> list[str]:
    return [d.iso for d in find_datetimes(text)]


@pytest.mark.parametrize(
    "text, iso, precision",
    [
        ("2025年3月27日17:30", "2025-03-27T17:30:00+08:00", "minute"),
        ("2025年3月27日", "2025-03-27", "day"),
        ("2019年1月", "2019-01", "month"),
        ("2025-03-27", "2025-03-27", "day"),
        ("2025.3.27", "2025-03-27", "day"),
        ("2025/3/27", "2025-03-27", "day"),
        ("２０２５年３月２７日１７：３０", "2025-03-27T17:30:00+08:00", "minute"),
        ("二〇二五年三月五日", "2025-03-05", "day"),
        ("二〇二四年十二月三十一日", "2024-12-31", "day"),
        ("2025年3月27日下午5点", "2025-03-27T17:00:00+08:00", "minute"),
        ("2025年3月27日17时30分", "2025-03-27T17:30:00+08:00", "minute"),
        ("2025年3月27日上午九点半", "2025-03-27T09:30:00+08:00", "minute"),
        ("2025年3月27日（星期四）17:30", "2025-03-27T17:30:00+08:00", "minute"),
        ("1983 年 1 月 1 日", "1983-01-01", "day"),
        ("2025-03-27 09:05", "2025-03-27T09:05:00+08:00", "minute"),
    ],
)
def test_single_date_forms(text, iso, precision):
    found = find_datetimes(text)
    assert [(d.iso, d.precision) for d in found] == [(iso, precision)]
    assert found[0].text == text
    assert (found[0].start, found[0].end) == (0, len(text))


def test_offsets_point_into_the_original_text():
    text = "请于２０２５年３月２７日前提交"
    (d,) = find_datetimes(text)
    assert text[d.start:d.end] == "２０２５年３月２７日"
    assert fold_width(text) != text and len(fold_width(text)) == len(text)


def test_range_far_end_inherits_year_and_month():
    assert isos("2019年1月1日至1月31日") == ["2019-01-01", "2019-01-31"]
    assert isos("2025年3月1日至27日") == ["2025-03-01", "2025-03-27"]
    assert isos("2025年3月27日8:00至17:30") == ["2025-03-27T08:00:00+08:00", "2025-03-27T17:30:00+08:00"]
    assert isos("2024年12月1日—2025年1月15日") == ["2024-12-01", "2025-01-15"]


def test_not_dates():
    assert find_datetimes("2025年度省前沿技术研发计划") == []
    assert find_datetimes("2025年2月30日") == []  # no such day
    assert find_datetimes("苏科资发〔2025〕51号，支持强度1000万元") == []
    assert find_datetimes("") == []


def test_24_hours_is_midnight_next_day():
    assert isos("2025年3月31日24时") == ["2025-04-01T00:00:00+08:00"]


def test_date_split_by_a_pdf_wrap():
    assert isos("截止时间为2025年3月\n\n27日17:30") == ["2025-03-27T17:30:00+08:00"]


def test_seed_004_deadlines():
    deadlines = extract_deadlines(seed_lines("004"))
    got = [(d.label, d.datetime, d.kind) for d in deadlines]
    assert got == [
        ("项目申报材料网上填报截止时间", "2025-03-27T17:30:00+08:00", "deadline"),
        ("主管部门网上审核推荐截止时间", "2025-03-28T17:30:00+08:00", "deadline"),
        ("推荐项目汇总表及项目主管部门科研诚信承诺书纸质材料受理截止时间", "2025-03-31T17:30:00+08:00", "deadline"),
    ]
    assert all(d.source.start_line == 73 == d.source.end_line for d in deadlines)
    lines = seed_lines("004")
    text = "\n".join(lines)
    first = deadlines[0]
    assert text[first.source.start_char:first.source.end_char].endswith("2025年3月27日17:30")
    assert "2025年3月27日17:30" in first.text


def test_seed_004_issue_and_birth_dates_are_not_deadlines():
    datetimes = {d.datetime for d in extract_deadlines(seed_lines("004"))}
    assert "2025-02-27" not in datetimes  # issue date under the signature
    assert "1985-01-01" not in datetimes  # 1985年1月1日(含)以后出生


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_seeds_without_dated_deadlines(prefix):
    # 000/001 print no dates; 002 only birth-date limits; 003 defers to later notices
    assert extract_deadlines(seed_lines(prefix)) == []


def test_application_window_gives_start_and_deadline():
    lines = ["三、申报时间", "", "网上申报时间为2025年3月1日至3月27日17:00，逾期不予受理。"]
    got = [(d.label, d.datetime, d.kind) for d in extract_deadlines(lines)]
    assert got == [
        ("网上申报时间", "2025-03-01", "start"),
        ("网上申报时间", "2025-03-27T17:00:00+08:00", "deadline"),
    ]


def test_deadline_phrasings():
    lines = [
        "（一）请各单位于2024年5月10日前将推荐材料报送我厅。",
        "（二）纸质材料受理截止日期：2024年5月15日下午5点。",
        "截至2023年12月31日，申报单位资产负债率不得高于70%。",
        "本通知自2024年4月1日起施行。",
        "系统自2024年4月20日起开放申报。",
    ]
    got = [(d.label, d.datetime, d.kind, d.source.start_line) for d in extract_deadlines(lines)]
    assert got == [
        ("将推荐材料报送我厅", "2024-05-10", "deadline", 1),
        ("纸质材料受理截止日期", "2024-05-15T17:00:00+08:00", "deadline", 2),
        ("系统开放申报", "2024-04-20", "start", 5),
    ]


def test_heading_gives_the_label():
    lines = ["4.申报截止时间", "2024年6月30日17:30"]
    (d,) = extract_deadlines(lines)
    assert (d.label, d.datetime, d.kind) == ("申报截止时间", "2024-06-30T17:30:00+08:00", "deadline")
    assert d.source.start_line == 2


def test_dates_in_cited_documents_are_ignored():
    lines = ["按照《关于2024年3月1日前完成备案的通知》执行，申报截止时间为2024年6月1日。"]
    assert [d.datetime for d in extract_deadlines(lines)] == ["2024-06-01"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("2025年3月27日至17:30：时分点上下午前截止申报〇二十一\n -./（）")) ) | st.text())
def test_never_raises(text):
    for d in find_datetimes(text):
        assert text[d.start:d.end] == d.text
    extract_deadlines(text.split("\n"))


def test_month_end_deadline_is_the_last_day_of_that_month():
    lines = ["请于2024年2月底前将申报材料报送至受理中心。", "2024年5月，召开评审会。", "2024年12月末前完成申报。"]
    got = [(d.label, d.datetime, d.kind) for d in extract_deadlines(lines)]
    assert got == [
        ("将申报材料报送至受理中心", "2024-02-29", "deadline"),
        ("完成申报", "2024-12-31", "deadline"),
    ]


def test_variant_notice_lines_each_keep_their_own_clause():
    lines = [
        "申报时间：2024年3月1日—3月31日",
        "网上申报受理时间为2024年3月1日9:00至2024年3月31日17:00。",
        "请各主管部门于2024年4月10日（星期三）17:00前完成网上推荐。",
        "（一）网上填报。申报单位须在2024年3月31日前完成填报。",
        "项目执行期为2024年1月1日至2026年12月31日。",
        "项目负责人须1984年1月1日以后出生。",
    ]
    got = [(d.label, d.datetime, d.kind, d.source.start_line) for d in extract_deadlines(lines)]
    assert got == [
        ("申报时间", "2024-03-01", "start", 1),
        ("申报时间", "2024-03-31", "deadline", 1),
        ("网上申报受理时间", "2024-03-01T09:00:00+08:00", "start", 2),
        ("网上申报受理时间", "2024-03-31T17:00:00+08:00", "deadline", 2),
        ("各主管部门完成网上推荐", "2024-04-10T17:00:00+08:00", "deadline", 3),
        ("申报单位完成填报", "2024-03-31", "deadline", 4),
    ]


def test_yearless_deadline_takes_the_year_of_the_notice():
    lines = [
        "关于组织申报2024年度省重点研发计划项目的通知",
        "请各单位于4月15日17:00前完成网上申报，纸质材料于4月20日前报送。",
        "",
        "2024年3月1日",
    ]
    got = [(d.label, d.datetime, d.kind) for d in extract_deadlines(lines)]
    assert got == [
        ("完成网上申报", "2024-04-15T17:00:00+08:00", "deadline"),
        ("纸质材料报送", "2024-04-20", "deadline"),
    ]
