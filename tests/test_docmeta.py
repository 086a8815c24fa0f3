"""Document metadata of the five seeds and of notices and guides written for the test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.docmeta import extract_doc_meta, tidy


def seed_lines(prefix: str) -> list[str]:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8").split("\n")


def test_seed_000_title_rejoined_over_a_blank_line():
    meta = extract_doc_meta(seed_lines("000"))
    assert meta.title == "2017年度山西省重点研发计划（一般项目）申报指南"
    assert meta.subtitle is None
    assert meta.year == 2017
    assert meta.jurisdiction == {"name": "山西省", "level": "provincial"}
    assert meta.issuers == [] and meta.doc_number is None and meta.issue_date is None
    assert meta.consumed_lines == {2, 4}
    assert (meta.spans["title"].start_line, meta.spans["title"].end_line) == (2, 4)


def test_seed_001_wrapped_title_with_bracketed_subtitle_under_attachment_marker():
    meta = extract_doc_meta(seed_lines("001"))
    assert meta.title == "2024年度山西省重点研发计划申报要求及支持方向信息"
    assert meta.subtitle == "大健康与生物医药及有关社会发展领域"
    assert meta.year == 2024
    assert meta.jurisdiction == {"name": "山西省", "level": "provincial"}
    assert meta.consumed_lines == {3, 4, 6}
    assert 1 not in meta.consumed_lines  # " 附件 4" is a page marker


def test_seed_002_national_guide_without_a_printed_title():
    meta = extract_doc_meta(seed_lines("002"))
    assert meta.title == "国家重点研发计划2021年度项目申报指南"
    assert meta.title_inferred is True
    assert meta.year == 2021
    assert meta.jurisdiction == {"name": "国家", "level": "national"}
    assert meta.consumed_lines == set()


def test_seed_003_city_notice_with_signature():
    meta = extract_doc_meta(seed_lines("003"))
    assert meta.notice_title == "关于发布《2019年济南市科技发展计划编制指南》的通知"
    assert meta.title == "2019年济南市科技发展计划编制指南"
    assert meta.year == 2019
    assert meta.jurisdiction == {"name": "济南市", "level": "municipal"}
    assert meta.issuers == ["济南市科学技术局"]
    assert meta.issue_date == "2019-04-30"
    assert {7, 14, 15} <= meta.consumed_lines


def test_seed_004_notice_header_doc_number_and_issuers():
    meta = extract_doc_meta(seed_lines("004"))
    assert meta.issuers == ["江苏省科学技术厅", "江苏省财政厅", "江苏省卫生健康委员会"]
    assert meta.doc_number == "苏科资发〔2025〕51号"
    assert meta.doc_number_text == "苏科资发〔2025〕51号"
    assert meta.title == "2025年度省前沿技术研发计划（卫生健康领域）项目指南"
    assert meta.notice_title.startswith("关于印发《2025年度省前沿技术研发计划")
    assert meta.notice_title.endswith("》及组织申报项目的通知")
    assert meta.year == 2025
    # the title says only "省": the province comes from the issuers
    assert meta.jurisdiction == {"name": "江苏省", "level": "provincial"}
    assert meta.issue_date == "2025-02-27"
    assert {3, 5, 7, 9, 96, 98, 100, 102} <= meta.consumed_lines
    assert meta.spans["doc_number"].start_line == 7


def test_another_province_glued_issuers_and_bracket_variants():
    lines = [
        "浙江省科学技术厅浙江省财政厅文件",
        "浙科发[2024]12号",
        "关于发布2024年度浙江省“尖兵”“领雁”研发攻关计划项目申报指南的通知",
        "各市科技局：",
        "现将指南印发给你们。",
        "浙江省科学技术厅",
        "2024年1月5日",
    ]
    meta = extract_doc_meta(lines)
    assert meta.issuers == ["浙江省科学技术厅", "浙江省财政厅"]
    assert meta.doc_number == "浙科发〔2024〕12号"
    assert meta.doc_number_text == "浙科发[2024]12号"
    assert meta.title == "2024年度浙江省“尖兵”“领雁”研发攻关计划项目申报指南"
    assert meta.year == 2024
    assert meta.jurisdiction == {"name": "浙江省", "level": "provincial"}
    assert meta.issue_date == "2024-01-05"


@pytest.mark.parametrize("number, normal", [
    ("川科规（2023）7号", "川科规〔2023〕7号"),
    ("粤科函〔2022〕 100号", "粤科函〔2022〕100号"),
    ("鲁科字［2021］3号", "鲁科字〔2021〕3号"),
])
def test_doc_number_variants(number, normal):
    meta = extract_doc_meta(["某某厅文件", number, "关于印发《省重点研发计划指南》的通知"])
    assert meta.doc_number == normal
    assert meta.doc_number_text == number


def test_doc_number_prefix_resolves_a_province_only_title():
    meta = extract_doc_meta(["川科规〔2023〕7号", "关于印发《2023年度省重点研发计划项目申报指南》的通知"])
    assert meta.jurisdiction == {"name": "四川省", "level": "provincial"}


def test_city_guide_half_width_and_wrapped_title():
    lines = [
        "",
        "2023年度苏州市科技发展计划(民生科技)",
        "项目指南",
        "",
        "一、支持方向",
        "1.医疗卫生",
    ]
    meta = extract_doc_meta(lines)
    assert meta.title == "2023年度苏州市科技发展计划（民生科技）项目指南"
    assert meta.year == 2023
    assert meta.jurisdiction == {"name": "苏州市", "level": "municipal"}
    assert meta.consumed_lines == {2, 3}


def test_county_guide():
    meta = extract_doc_meta(["2022年度长兴县科技计划项目申报指南", "一、总体要求"])
    assert meta.jurisdiction == {"name": "长兴县", "level": "county"}
    assert meta.year == 2022


def test_municipality_is_provincial_level():
    meta = extract_doc_meta(["北京市科技计划2024年度项目申报指南", "一、总体要求"])
    assert meta.jurisdiction == {"name": "北京市", "level": "provincial"}


def test_national_guide_by_ministry_issuer():
    lines = [
        "科学技术部文件",
        "国科发资〔2023〕1号",
        "关于发布国家重点研发计划“先进结构与复合材料”重点专项2023年度项目申报指南的通知",
        "",
        "科学技术部",
        "2023年3月8日",
    ]
    meta = extract_doc_meta(lines)
    assert meta.issuers == ["科学技术部"]
    assert meta.jurisdiction == {"name": "国家", "level": "national"}
    assert meta.title == "国家重点研发计划“先进结构与复合材料”重点专项2023年度项目申报指南"
    assert meta.year == 2023
    assert meta.issue_date == "2023-03-08"


def test_tidy_collapses_pdf_spacing():
    assert tidy("2025年度省前沿技术研发计划 (卫生健康领域)项目指南") == "2025年度省前沿技术研发计划（卫生健康领域）项目指南"
    assert tidy("2024 年度山西省重点研发计划") == "2024年度山西省重点研发计划"


def test_empty_document():
    meta = extract_doc_meta([])
    assert meta.title is None and meta.jurisdiction is None and meta.consumed_lines == set()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("关于印发《》的通知文件厅局 〔〕[]2025年3月1日号省市县指南（）()附件4\t"))), max_size=12)
       | st.lists(st.text(), max_size=6))
def test_never_raises(lines):
    meta = extract_doc_meta(lines)
    assert all(1 <= n <= len(lines) for n in meta.consumed_lines)


def test_notice_title_wrapped_over_lines_and_city_before_year():
    lines = [
        "关于印发《济南市2020年度科技计划 (社会民生)",
        "项目申报指南》的通知",
        "各有关单位：",
    ]
    meta = extract_doc_meta(lines)
    assert meta.notice_title == "关于印发《济南市2020年度科技计划（社会民生）项目申报指南》的通知"
    assert meta.title == "济南市2020年度科技计划（社会民生）项目申报指南"
    assert meta.year == 2020
    assert meta.jurisdiction == {"name": "济南市", "level": "municipal"}
    assert meta.consumed_lines == {1, 2}


def test_district_of_a_municipality_is_county_level():
    meta = extract_doc_meta(["2024年度北京市海淀区科技计划项目申报指南", "一、支持方向"])
    assert meta.jurisdiction == {"name": "海淀区", "level": "county"}


def test_words_ending_in_qu_or_shi_are_not_places():
    meta = extract_doc_meta(["2025年度省前沿区块链技术研发计划项目指南", "一、支持方向"])
    assert meta.jurisdiction is None


def test_lone_date_inside_a_bare_guide_is_no_issue_date():
    lines = ["2024年度某某专项申报指南", "一、要求", "2024年3月1日", "正文。"] + ["正文。"] * 20
    assert extract_doc_meta(lines).issue_date is None
