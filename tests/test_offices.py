"""Offices: seed 000's 受理单位 section, 003's 责任部门 lines, 004's 联系方式, variants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.offices import extract_offices, office_id


def seed_lines(prefix: str) -> list[str]:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8").split("\n")


def by_name(offices):
    return {o.name: o for o in offices}


def people(office):
    return [(c.person, c.phones) for c in office.contacts]


def test_seed_000_accepting_offices_with_addresses_and_people():
    offices, consumed = extract_offices(seed_lines("000"))
    got = by_name(offices)
    rural = got["山西省农村技术开发中心"]
    assert rural.role == "accepting"
    assert rural.address == "太原市师范街50号省农村技术开发中心科研办"
    assert rural.scope == ["农业方面"]
    assert people(rural) == [("卢晓霞", ["0351-5255511"])]
    assert [s.start_line for s in rural.sources] == [341, 344]
    assert rural.source.start_line == 341

    # "山西省科技成果转化中心" (line 352) shares its number with the 服务中心: one office
    transfer = got["山西省科技成果转化服务中心"]
    assert transfer.role == "accepting"
    assert transfer.address == "太原市迎泽大街366号1017房间"
    assert transfer.scope == ["工业方面", "社会发展方面"]
    assert sorted(people(transfer)) == [("卢晓东", ["0351-4043343"]), ("赵辉", ["0351-4043343"])]
    assert [s.start_line for s in transfer.sources] == [349, 352, 356, 359]
    assert "山西省科技成果转化中心" not in got

    exchange = got["山西省科学技术交流中心"]
    assert (exchange.address, exchange.scope) == ("太原市桃园北路50号510房间", ["国际科技合作方面"])

    high_tech = got["山西省科技厅高新处"]
    assert high_tech.role == "contact"
    assert people(high_tech) == [("李兴阔", ["0351-4048940"]), ("吕刚", ["0351-4048940"])]
    assert people(got["山西省科技厅农村处"]) == [("王潇冉", ["0351-4068012"])]
    assert people(got["山西省科技厅社会发展处"]) == [("梅栋梁", ["0351-4046686"])]
    assert people(got["山西省科技厅国际合作处"]) == [("王斐", ["0351-2024105"])]
    assert len(offices) == 7
    assert {341, 342, 344, 345, 349, 352, 353, 363, 366, 367} <= consumed
    assert 339 not in consumed  # the sector heading stays with the outline


def test_seed_003_responsible_offices_with_split_phones_and_programmes():
    offices, consumed = extract_offices(seed_lines("003"))
    got = by_name(offices)
    assert all(o.role == "responsible" for o in offices)
    high_tech = got["高新技术处"]
    assert people(high_tech) == [(None, ["66608805", "66608807"])]
    assert [s.start_line for s in high_tech.sources] == [166, 295, 311, 359, 390, 400]
    assert high_tech.scope[:2] == ["高成长性高新技术企业培育专项", "众创空间与孵化器建设"]
    assert "第三代半导体产业发展专项" in high_tech.scope
    assert people(got["农村科技处"]) == [(None, ["66608819", "66608853"])]
    assert got["农村科技处"].scope[0] == "乡村振兴专项（科技特派员示范基地）"
    assert people(got["基础研究处"]) == [(None, ["66608810", "66608846"])]
    assert got["基础研究处"].scope == ["基础研究科学专项", "中小微企业创新券牵头管理及科技资源共享服务券"]
    assert got["社会发展科技处"].scope == ["社会民生专项", "临床医疗科技专项"]
    assert people(got["济南科技创新促进中心"]) == [(None, ["88875379"])]
    # a 《…》 heading wrapped over two lines is joined back
    assert "济南市加快创建国家创新型城市若干政策" in got["战略规划处"].scope
    assert set(got) == {
        "基础研究处", "高新技术处", "社会发展科技处", "农村科技处", "外国专家服务处", "科技合作处",
        "资源配置与管理处", "大科学中心发展促进处", "成果转化及产业化处", "济南科技创新促进中心", "战略规划处",
    }
    assert {150, 151, 165, 166, 309, 310, 311, 312} <= consumed
    assert 156 not in consumed


def test_seed_004_contact_desks():
    offices, consumed = extract_offices(seed_lines("004"))
    got = by_name(offices)
    assert people(got["省科技厅农业科技和社会发展处"]) == [("孙彦", ["025-83611856"])]
    centre = got["省科技计划项目受理服务中心"]
    assert centre.role == "accepting"  # 纸质材料…报送至省科技计划项目受理服务中心 (line 69)
    assert centre.address == "南京市龙蟠路175号"
    assert people(centre) == [
        ("辛欣", ["025-85485831", "025-85485920"]),
        ("李旭红", ["025-85485831", "025-85485920"]),
    ]
    assert [s.start_line for s in centre.sources] == [69, 81]
    assert got["省科技厅农业科技和社会发展处"].role == "contact"
    assert people(got["省卫生健康委科教处"]) == [("叶荣", ["025-83620705"])]
    assert len(offices) == 3
    assert {75, 77, 79, 81, 83, 85, 87} <= consumed
    assert 305 not in consumed or not any(o.source.start_line >= 300 for o in offices)


def test_seeds_without_offices():
    for prefix in ("001", "002"):
        offices, consumed = extract_offices(seed_lines(prefix))
        assert offices == [] and consumed == set()


def test_ids_are_stable_and_distinct():
    offices, _ = extract_offices(seed_lines("003"))
    ids = [o.id for o in offices]
    assert len(set(ids)) == len(ids)
    again, _ = extract_offices(seed_lines("003"))
    assert [o.id for o in again] == ids
    assert office_id("高新技术处") == office_id("高新 技术处")


def test_variant_city_guide_half_width_and_email():
    lines = [
        "一、重点研发专项",
        "1.支持重点",
        "支持人工智能。",
        "2.责任部门: 高新技术处, 联系人: 刘洋, 电话: (0571)87054321, 邮箱: gxc@kj.hz.gov.cn",
        "二、成果转化专项",
        "1.责任部门",
        "成果转化处（地址：杭州市解放东路18号，邮编：310026），联系电话：0571-87050000",
    ]
    offices, consumed = extract_offices(lines)
    got = by_name(offices)
    hi = got["高新技术处"]
    assert (hi.role, hi.scope) == ("responsible", ["重点研发专项"])
    assert [(c.person, c.phones, c.emails) for c in hi.contacts] == [
        ("刘洋", ["0571-87054321"], ["gxc@kj.hz.gov.cn"])
    ]
    tr = got["成果转化处"]
    assert (tr.address, tr.postcode, tr.scope) == ("杭州市解放东路18号", "310026", ["成果转化专项"])
    assert people(tr) == [(None, ["0571-87050000"])]
    assert consumed == {4, 6, 7}


def test_variant_contact_block_with_label_lines():
    lines = [
        "六、联系方式",
        "受理单位：河南省科技厅",
        "地址：郑州市花园路27号",
        "邮编：450008",
        "联系人：张明、王丽",
        "联系电话：0371-65950000",
        "电子邮箱：kjt@henan.gov.cn",
        "",
        "技术支持：河南省科技信息中心  0371-65990001",
        "",
        "七、附件",
    ]
    offices, consumed = extract_offices(lines)
    got = by_name(offices)
    dept = got["河南省科技厅"]
    assert (dept.role, dept.address, dept.postcode) == ("accepting", "郑州市花园路27号", "450008")
    assert [(c.person, c.phones, c.emails) for c in dept.contacts] == [
        ("张明", ["0371-65950000"], ["kjt@henan.gov.cn"]),
        ("王丽", ["0371-65950000"], ["kjt@henan.gov.cn"]),
    ]
    assert dept.scope == []  # "联系方式" is no programme
    support = got["河南省科技信息中心"]
    assert support.role == "contact"
    assert people(support) == [(None, ["0371-65990001"])]
    assert consumed == {2, 3, 4, 5, 6, 7, 9}


def test_inline_accepting_office_with_scope():
    lines = ["农村科技处受理农业方面项目，高新技术处受理工业方面项目。"]
    offices, consumed = extract_offices(lines)
    assert [(o.name, o.role, o.scope) for o in offices] == [
        ("农村科技处", "accepting", ["农业方面"]),
        ("高新技术处", "accepting", ["工业方面"]),
    ]
    assert consumed == set()


def test_prose_mentioning_departments_is_not_an_office():
    lines = [
        "项目主管部门应切实强化审核推荐责任。",
        "（二）项目申报受理及管理",
        "项目需经专家评审。",
    ]
    assert extract_offices(lines) == ([], set())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("受理单位责任部门联系人电话：:（）()处中心厅王张 0351-1234567/、，地址路号邮编\t"))), max_size=12)
       | st.lists(st.text(), max_size=6))
def test_never_raises(lines):
    offices, consumed = extract_offices(lines)
    assert all(1 <= n <= len(lines) for n in consumed)
    for o in offices:
        assert o.sources and o.source == o.sources[0]


def test_block_ends_at_prose_that_starts_with_an_office():
    lines = [
        "五、责任部门",
        "高新技术处，联系电话：66608805",
        "省科技厅将会同驻厅纪检监察组进行抽查。",
        "省科技厅。",
    ]
    offices, consumed = extract_offices(lines)
    assert [o.name for o in offices] == ["高新技术处"]
    assert consumed == {2}


def test_variant_guangdong_style_contact_section():
    lines = [
        "六、联系方式",
        "（一）业务咨询：",
        "省科技厅高新处：李明，020-83163001",
        "（二）技术支持：",
        "省科技业务管理阳光政务平台：020-83163338、83163339",
        "（三）受理窗口：",
        "省科技厅政务服务中心，地址：广州市连新路171号，邮编：510033，电话：020-83163400",
    ]
    offices, consumed = extract_offices(lines)
    got = by_name(offices)
    assert (got["省科技厅高新处"].role, people(got["省科技厅高新处"])) == ("contact", [("李明", ["020-83163001"])])
    assert people(got["省科技业务管理阳光政务平台"]) == [(None, ["020-83163338", "020-83163339"])]
    window = got["省科技厅政务服务中心"]
    assert (window.role, window.address, window.postcode) == ("accepting", "广州市连新路171号", "510033")
    assert people(window) == [(None, ["020-83163400"])]
    assert consumed == {3, 5, 7}


def test_variant_inline_accepting_sentence_with_contact():
    lines = ["（五）本专项由省科技厅资源配置处受理生物医药领域项目申报，联系人：周某，电话：027-87123456。"]
    offices, _ = extract_offices(lines)
    assert [(o.name, o.role, o.scope, people(o)) for o in offices] == [
        ("省科技厅资源配置处", "accepting", ["生物医药领域"], [("周某", ["027-87123456"])])
    ]


def test_inline_office_name_with_he_is_kept_whole():
    lines = ["本批项目由省科技厅农业科技和社会发展处受理农业方面项目。"]
    offices, _ = extract_offices(lines)
    assert [(o.name, o.scope) for o in offices] == [("省科技厅农业科技和社会发展处", ["农业方面"])]


def test_programme_heading_with_a_common_word_is_a_scope():
    lines = ["（三）新材料领域", "1.支持方向", "高性能纤维。", "2.责任部门", "材料处，联系电话：0351-4040001"]
    offices, _ = extract_offices(lines)
    assert [(o.name, o.scope) for o in offices] == [("材料处", ["新材料领域"])]


def test_office_names_keep_digits_followed_by_latin_letters():
    # "5G" in an office name is part of it, as "21世纪" is; a phone after the name still ends it
    from guidegraph.ingest.parse.offices import _leading_org

    assert _leading_org("江苏省5G应用创新中心，电话：025-85485976")[0] == "江苏省5G应用创新中心"
    assert _leading_org("中国21世纪议程管理中心 联系人：王某")[0] == "中国21世纪议程管理中心"
    assert _leading_org("广东省AI产业促进中心（地址：广州市天河路1号）")[0] == "广东省AI产业促进中心"


def test_a_desk_line_scoped_by_a_topic_names_its_desk():
    from guidegraph.ingest.pipeline import outline_text

    text = ("上海市科学技术委员会、上海市经济和信息化委员会关于发布2025年度专项指南的通知\n"
            "一、联系方式\n咨询电话：\n"
            "人工智能专题：市科委、市经济信息化委高新技术产业化处，联系人：周某某，电话：021-23110000\n")
    offices = outline_text(text, "t.txt").offices
    desk = next(o for o in offices if o.name == "高新技术产业化处")
    assert desk.contacts[0].phones == ["021-23110000"] and "人工智能专题" in " ".join(desk.scope)
