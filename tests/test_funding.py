"""parse_funding on the seeds' money sentences and variants."""

import re

import pytest

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.funding import parse_funding


def _seed(prefix: str) -> str:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8")


def rows(text):
    return [(f.amount, f.scale, f.yuan, f.scope, f.comparator) for f in parse_funding(text)]


def test_seed_002_programme_budget_with_young_scientists():
    seed = _seed("002")
    start = seed.index("拟启动 20 个方向，拟安排国拨经费概算 5.25 亿元。")
    text = seed[start:seed.index("费概算 0.25亿元。", start) + len("费概算 0.25亿元。")]
    assert "\n" in text  # the real, hard-wrapped text
    assert rows(text) == [
        (5.25, "亿元", 525000000.0, "total", "="),
        (500.0, "万元", 5000000.0, "per_project", "="),
        (0.25, "亿元", 25000000.0, "part", "="),  # 其中…: a share of the 5.25亿, not a second total
    ]
    assert [f.text for f in parse_funding(text)] == ["5.25 亿元", "500万元", "0.25亿元"]


def test_seed_002_amount_wrapped_across_blank_line():
    seed = _seed("002")
    start = seed.index("拟部署不超过 6个青年科学家项目，拟安排国拨经费概算 1200")
    text = seed[start:seed.index("每个项目 200万元。", start) + len("每个项目 200万元。")]
    found = parse_funding(text)
    assert rows(text) == [
        (1200.0, "万元", 12000000.0, "total", "="),
        (200.0, "万元", 2000000.0, "per_project", "="),
    ]
    assert re.sub(r"\s", "", found[0].text) == "1200万元"
    assert found[0].text in text


def test_seed_004_per_project_ceiling():
    s = "采取竞争择优的组织方式，单个项目支持强度不超过400万元。"
    assert s in _seed("004")
    assert rows(s) == [(400.0, "万元", 4000000.0, "per_project", "<=")]
    assert parse_funding(s)[0].text == "不超过400万元"


def test_seed_000_average_intensity_range_gives_both_bounds():
    s = "该专项共支持研发项目11项左右，项目经费平均支持强度为20-30万元。"
    assert s in _seed("000")
    assert rows(s) == [
        (20.0, "万元", 200000.0, "per_project", ">="),
        (30.0, "万元", 300000.0, "per_project", "<="),
    ]
    assert {f.text for f in parse_funding(s)} == {"20-30万元"}


def test_seed_001_equipment_threshold():
    seed = _seed("001")
    assert "费用中除 20万元以上的设备费外" in seed
    assert rows("费用中除 20万元以上的设备费外") == [(20.0, "万元", 200000.0, "unspecified", ">=")]


def test_seed_003_salary_with_parenthetical_before_suffix():
    s = "年薪30万元（以人民币计，下同）及以上"
    assert s in _seed("003")
    (f,) = parse_funding(s)
    assert (f.amount, f.comparator, f.scope) == (30.0, ">=", "unspecified")
    assert f.text == "30万元（以人民币计，下同）及以上"


@pytest.mark.parametrize(
    "text, amount, scale, yuan, scope, comparator",
    [
        ("国拨经费概算 ５.２５ 亿元", 5.25, "亿元", 525000000.0, "total", "="),
        ("总经费 3 亿元", 3.0, "亿元", 300000000.0, "total", "="),
        ("共安排经费三千万元", 3000.0, "万元", 30000000.0, "total", "="),
        ("合计 1,500 万元", 1500.0, "万元", 15000000.0, "total", "="),
        ("每项资助 80万元", 80.0, "万元", 800000.0, "per_project", "="),
        ("资助强度最高为50万元", 50.0, "万元", 500000.0, "per_project", "<="),
        ("项目资助额度原则上不超过 100 万元", 100.0, "万元", 1000000.0, "per_project", "<="),
        ("单项支持不低于 200万元", 200.0, "万元", 2000000.0, "per_project", ">="),
        ("补助3000元", 3000.0, "元", 3000.0, "unspecified", "="),
        ("五百元", 500.0, "元", 500.0, "unspecified", "="),
    ],
)
def test_variants(text, amount, scale, yuan, scope, comparator):
    assert rows(text) == [(amount, scale, yuan, scope, comparator)]


def test_scope_cue_does_not_cross_sentences():
    assert rows("拟安排国拨经费概算2亿元。另有配套500万元。")[1][3] == "unspecified"


@pytest.mark.parametrize("text", ["三元轮作技术体系", "研究“三元空间”实体", "带动社会资本投入 (万元)", "二元化", "", "不超过3年"])
def test_not_money(text):
    assert parse_funding(text) == []


def test_every_seed_figure_is_a_substring_with_consistent_yuan():
    scales = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
    total = 0
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        for f in parse_funding(text):
            total += 1
            assert f.text in text
            assert f.yuan == pytest.approx(f.amount * scales[f.scale])
            assert f.scope in ("per_project", "total", "part", "unspecified")
    assert total >= 30


def test_a_share_introduced_by_qizhong_is_a_part_not_a_second_total():
    # 国家重点研发计划 2021 (seed 002, L34-42): the young-scientist budget is part of the 5.25亿
    text = "拟启动 20 个方向，拟安排国拨经费概算 5.25 亿元。其中，围绕……等 8个方向，拟部署 5个青年科学家项目，每个项目 500万元，拟安排国拨经费概算 0.25亿元。"
    found = [(f.yuan, f.scope) for f in parse_funding(text)]
    assert found == [(525_000_000.0, "total"), (5_000_000.0, "per_project"), (25_000_000.0, "part")]
    # 此外 ("in addition") is a separate budget, still a total
    extra = "拟支持 39个项目，拟安排国拨经费概算 5.39亿元。此外，拟支持 16个青年科学家项目，拟安排国拨经费概算 4800万元。"
    assert [f.scope for f in parse_funding(extra)] == ["total", "total"]
