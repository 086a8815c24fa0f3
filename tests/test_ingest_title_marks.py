"""Titles as guides print them: a wrapped last word, a trailing * explained by a legend,
a whole sentence standing for its title; and a clock time broken by a wrap."""

from __future__ import annotations

import pytest

from guidegraph.ingest.parse.classify import mark_legend, split_mark
from guidegraph.ingest.parse.dates import extract_deadlines
from guidegraph.ingest.parse.offices import _field_desk
from guidegraph.ingest.parse.outline import split_title
from guidegraph.ingest.pipeline import outline_text


def _directions(text: str) -> list:
    return [n for n in outline_text(text).nodes if n.kind == "direction"]


def _wrapped(paragraphs: list[str], width: int = 30) -> str:
    """Paragraphs hard-wrapped at ``width`` with a blank line between physical lines (PDF extraction)."""
    out = []
    for para in paragraphs:
        for i in range(0, len(para), width):
            out += [para[i:i + width], ""]
    return "\n".join(out)


_FILLER = "围绕区域重点产业发展需求，集中力量突破一批制约产业发展的关键核心技术，形成一批标志性成果。" * 4
_CONTENT = ["研究内容：研究稀土分离提纯新理论、新方法和新技术，开发高丰度稀土元素在功能材料中的平衡利用技术。",
            "考核指标：形成新产品不少于5种，申请发明专利不少于10件，建成示范线2条，产品成本降低20%以上。"]


def _guide_with_heading(lines: str) -> str:
    """A wrapped guide whose second direction is printed as ``lines`` (already broken)."""
    return (_wrapped(["关于发布2026年度重点研发计划项目申报指南的通知", _FILLER, "一、支持方向", "1. 稀土材料",
                      "1.1 稀土永磁材料制备技术", *_CONTENT]) + "\n" + lines + "\n" + _wrapped(_CONTENT + [_FILLER]))


@pytest.mark.parametrize("tail", ["应用", "技术研究", "示范"])
def test_a_headings_last_word_wrapped_onto_its_own_line_stays_in_the_title(tail):
    head = "1.2 稀土高质化基础原材料制备与高丰度元素平衡"  # 26 characters: short of the 30 of a full line
    titles = [n.title for n in _directions(_guide_with_heading(f"{head}\n\n{tail}\n"))]
    assert titles == ["稀土永磁材料制备技术", head[4:] + tail]


def test_a_short_line_after_a_short_heading_is_not_glued_to_it():
    # a heading well short of the page width ended where it is; the next short line is its own
    outline = outline_text(_guide_with_heading("1.2 稀土催化\n\n应用\n"))
    assert [n.title for n in outline.nodes if n.kind == "direction"] == ["稀土永磁材料制备技术", "稀土催化"]


@pytest.mark.parametrize("sentence, tag", [
    ("青年科学家项目支持青年科研人员承担国家科研任务，可参考重要支持方向（标*的方向）组织项目申报。", "青年科学家项目"),
    ("有关说明：带＊号的方向为青年科学家项目方向，项目负责人年龄不超过35周岁。", "青年科学家项目"),
    ("注：标注“*”的方向拟部署部省联动项目。", "部省联动项目"),
])
def test_a_legend_gives_the_mark_its_project_type(sentence, tag):
    assert mark_legend(["一、总体要求", sentence]) == tag


def test_no_legend_no_tag_but_the_mark_is_still_no_part_of_the_title():
    assert mark_legend(["本指南标*的方向，可由企业牵头申报。"]) is None
    assert split_mark("精密检测技术研究*", None) == ("精密检测技术研究", [])
    assert split_mark("精密检测技术研究＊", "青年科学家项目") == ("精密检测技术研究", ["青年科学家项目"])
    assert split_mark("*", "青年科学家项目") == ("*", [])


def test_marked_directions_are_tagged_and_unmarked_ones_are_not():
    text = ("一、支持方向\n说明：标*的方向为青年科学家项目方向。\n"
            "1. 精密加工原级标准研究*\n研究内容：研究标准。\n考核指标：形成标准不少于2项。\n"
            "2. 在线计量技术\n研究内容：研究技术。\n考核指标：形成装置不少于3套。\n")
    got = {n.title: n.tags for n in _directions(text)}
    assert got == {"精密加工原级标准研究": ["青年科学家项目"], "在线计量技术": []}


@pytest.mark.parametrize("rest, title", [
    ("研究开发建筑节能技术，研制新型墙体材料、保温隔热材料，开展蓄冷蓄热技术研究。", "研究开发建筑节能技术"),
    ("研究开发农业废弃物资源化利用技术，研制秸秆收储装备，开展区域示范。", "研究开发农业废弃物资源化利用技术"),
])
def test_a_whole_sentence_item_is_named_by_its_first_clause(rest, title):
    head, remainder = split_title(rest)
    assert head == title and remainder == rest  # the text itself stays whole


@pytest.mark.parametrize("rest", ["智能传感器，柔性电子", "生物质能。研发生物质资源高效利用关键技术，开发新型生物质能源产品。"])
def test_short_lists_and_titled_items_keep_their_titles(rest):
    head, _ = split_title(rest)
    assert head in ("智能传感器，柔性电子", "生物质能")


@pytest.mark.parametrize("lines", [
    ["网上填报受理时间为2018年4月9日8", "", ":00至2018年5月8日16:00。"],
    ["网上填报受理时间为2018年4月9日8:", "", "00至2018年5月8日16:00。"],
    ["网上填报受理时间为2018年4月9日", "8:00至2018年5月8日16:00。"],
])
def test_a_clock_time_broken_by_a_wrap_is_read_whole(lines):
    got = {(d.kind, d.datetime) for d in extract_deadlines(lines)}
    assert got == {("start", "2018-04-09T08:00:00+08:00"), ("deadline", "2018-05-08T16:00:00+08:00")}


def test_a_number_after_a_date_on_the_next_line_is_no_time():
    got = [d.datetime for d in extract_deadlines(["申报截止时间为2025年3月28日", "", "12个方向按要求申报。"])]
    assert got == ["2025-03-28"]


@pytest.mark.parametrize("line, field, office", [
    ("信息技术方向项目管理专业机构：江苏省863计划成果转化中心", "信息技术方向", "江苏省863计划成果转化中心"),
    ("现代农业领域归口管理处室：省科技厅农村科技处", "现代农业领域", "省科技厅农村科技处"),
    ("智能制造方向项目受理单位：宁夏回族自治区5G产业创新中心", "智能制造方向", "宁夏回族自治区5G产业创新中心"),
    ("先进制造领域：省科技厅高新技术处", "先进制造领域", "省科技厅高新技术处"),
])
def test_a_field_desk_may_name_its_role_before_the_colon(line, field, office):
    got = _field_desk(line)
    assert got is not None and got[:2] == (field, office)


def test_a_role_desk_gets_its_contact_from_the_next_line():
    text = ("一、支持方向\n1. 示例方向\n研究内容：开展研究。\n考核指标：完成不少于100例。\n四、联系方式\n"
            "信息技术方向项目管理专业机构：江苏省863计划成果转化中心\n联系人：陆晓东  联系电话：025-85485931\n")
    office = next(o for o in outline_text(text).offices if o.name == "江苏省863计划成果转化中心")
    assert office.contacts[0].person == "陆晓东" and office.contacts[0].phones == ["025-85485931"]


@pytest.mark.parametrize("line, role", [
    ("智能制造领域项目受理单位：宁夏工业5G融合应用促进中心", "accepting"),
    ("现代农业领域归口管理处室：自治区科技厅农村科技处", "responsible"),
    ("信息技术方向项目管理专业机构：江苏省863计划成果转化中心", "contact"),
])
def test_the_desk_role_named_on_a_field_desk_line_is_the_offices_role(line, role):
    text = ("一、支持方向\n1. 示例方向\n研究内容：开展研究。\n考核指标：完成不少于100例。\n四、联系方式\n"
            f"{line}\n联系人：陆晓东  联系电话：025-85485931\n")
    office = next(o for o in outline_text(text).offices if o.name == line.split("：")[1])
    assert office.role == role


def test_a_title_that_stops_on_a_conjunction_goes_on_in_an_unwrapped_document():
    # a typeset PDF has no one line width; a title ending in 与 cannot end there
    text = ("一、支持方向\n1. 精密测量仪器关键技术研究与\n示范\n研究内容：研究仪器。\n考核指标：形成样机不少于3台。\n"
            "2. 在线计量技术\n研究内容：研究技术。\n考核指标：形成装置不少于3套。\n")
    assert [n.title for n in _directions(text)] == ["精密测量仪器关键技术研究与示范", "在线计量技术"]


@pytest.mark.parametrize("title, issuer", [
    ("2026年度自治区重点研发计划项目申报指南", "宁夏回族自治区科学技术厅"),
    ("2025年自治区科技计划项目申报指南", "广西壮族自治区科学技术厅"),
])
def test_a_title_naming_the_region_by_its_level_alone_is_the_issuers_province(title, issuer):
    text = f"{title}\n{issuer}\n一、支持方向\n1. 示例方向\n研究内容：开展研究。\n考核指标：完成不少于100例。\n"
    j = outline_text(text).jurisdiction
    assert j["level"] == "provincial" and issuer.startswith(j["name"])
