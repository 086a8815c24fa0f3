"""Phones, e-mails and contact people: normal forms, things that are not phones, seed lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.contacts import parse_contact_people, parse_emails, parse_phones


def seed_text(prefix: str) -> str:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text, phones",
    [
        ("0351-4041234", ["0351-4041234"]),
        ("025-83611856", ["025-83611856"]),
        ("(0351)4041234", ["0351-4041234"]),
        ("（0351）4041234", ["0351-4041234"]),
        ("０３５１－４０４１２３４", ["0351-4041234"]),
        ("66608805/07", ["66608805", "66608807"]),
        ("联系电话：66608819/53。", ["66608819", "66608853"]),
        ("66608805、66608806", ["66608805", "66608806"]),
        ("联系电话：025-85485831，025-85485920", ["025-85485831", "025-85485920"]),
        ("手机：13912345678", ["13912345678"]),
        ("手机 139-1234-5678", ["13912345678"]),
        ("0351-4041234转123", ["0351-4041234转123"]),
        ("电话：010-58881234 分机 8012", ["010-58881234转8012"]),
        ("服务热线：400-800-1234", ["400-800-1234"]),
        ("8008101234", ["800-810-1234"]),
        ("025-02583620705", ["025-83620705"]),  # area code typed twice in seed 004
        ("电话：0351-4041234，传真：0351-4041235", ["0351-4041234"]),
    ],
)
def test_phone_normal_forms(text, phones):
    assert parse_phones(text) == phones


@pytest.mark.parametrize(
    "text",
    [
        "邮编：030001",
        "苏科资发〔2025〕51号",
        "单个项目支持强度不超过10000000元",
        "年薪300000元（以人民币计）",
        "2025-03-27",
        "2025.3.27",
        "20190430",
        "项目编号 12345678 已受理",
        "CO2捕集、利用和封存技术",
        "",
    ],
)
def test_not_phones(text):
    assert parse_phones(text) == []


def test_emails():
    text = "邮箱：Zhang.San@Jiangsu.GOV.cn；备用 kjc_2024@163.com。"
    assert parse_emails(text) == ["Zhang.San@jiangsu.gov.cn", "kjc_2024@163.com"]
    assert parse_emails("CMUT 换能器灵敏度≥-55dB@70mm") == []  # seed 001: an @ that is not e-mail
    assert parse_emails("４K@60fps视频") == []


def test_no_seed_prose_yields_phones_001_002():
    # 001 and 002 print no contacts at all
    for prefix in ("001", "002"):
        assert parse_phones(seed_text(prefix)) == []
        assert parse_emails(seed_text(prefix)) == []


def test_seed_003_all_phones():
    phones = parse_phones(seed_text("003"))
    assert phones == [
        "66608810", "66608805", "66608807", "66608811", "66608819", "66608853", "66605924",
        "66608812", "66608843", "66608802", "66608803", "66608801", "66608806", "66608842",
        "88875379", "66608846", "66608809",
    ]


def people(text):
    return [(c.person, c.phones, c.emails) for c in parse_contact_people(text)]


def test_people_with_label_and_number():
    assert people("联系人：王某某 0351-1234567") == [("王某某", ["0351-1234567"], [])]


def test_several_people_share_the_numbers_of_their_stretch():
    assert people("联系人：张三、李四，电话：0351-1234567，0351-7654321") == [
        ("张三", ["0351-1234567", "0351-7654321"], []),
        ("李四", ["0351-1234567", "0351-7654321"], []),
    ]


def test_office_before_the_person_is_not_a_person():
    assert people("联系人：省科技厅农业科技和社会发展处 孙彦") == [("孙彦", [], [])]
    assert people("联系人：省卫生健康委科教处 叶 荣") == [("叶荣", [], [])]


def test_seed_000_table_rows():
    assert people("山西省农村技术开发中心  卢晓霞   0351-5255511") == [("卢晓霞", ["0351-5255511"], [])]
    assert people("    山西省科技厅高新处   李兴阔  吕  刚   0351-4048940") == [
        ("李兴阔", ["0351-4048940"], []),
        ("吕刚", ["0351-4048940"], []),
    ]


def test_numbers_without_a_person():
    assert people("咨询电话：0351-1234567") == [(None, ["0351-1234567"], [])]


def test_title_and_email():
    assert people("联系人：王老师，邮箱：wang@abc.edu.cn") == [("王老师", [], ["wang@abc.edu.cn"])]


def test_two_labelled_people_in_one_text():
    assert people("联系人：赵一 010-12345678；联系人：钱二 13800001111") == [
        ("赵一", ["010-12345678"], []),
        ("钱二", ["13800001111"], []),
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789-/()（）、，转分机电话联系人：:@.abc 王张处中心\n"))) | st.text())
def test_never_raises(text):
    for phone in parse_phones(text):
        assert any(ch.isdigit() for ch in phone)
    parse_emails(text)
    parse_contact_people(text)


def test_glued_office_and_person_and_non_names():
    assert people("联系人：省科技厅高新处张三，电话：025-12345678") == [("张三", ["025-12345678"], [])]
    assert people("联系人及电话：见附件") == []
    assert people("联系人：欧阳明月 13800001111") == [("欧阳明月", ["13800001111"], [])]


def test_listed_local_number_inherits_the_area_code():
    assert parse_phones("阳光政务平台：020-83163338、83163339") == ["020-83163338", "020-83163339"]
