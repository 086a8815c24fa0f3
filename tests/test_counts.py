"""Declared direction / project counts and implementation periods."""

import pytest

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.counts import parse_direction_count, parse_period, parse_project_count


def _seed(prefix: str) -> str:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8")


def _between(seed: str, first: str, last: str) -> str:
    start = seed.index(first)
    return seed[start:seed.index(last, start) + len(last)]


# --- directions ----------------------------------------------------------------

def test_seed_002_directions_and_young_scientist_projects():
    text = _between(_seed("002"), "拟启动 20 个方向", "费概算 0.25亿元。")
    got = parse_direction_count(text)
    assert (got["value"], got["comparator"], got["unit"], got["text"]) == (20, "=", "方向", "拟启动 20 个方向")
    young = got["young_scientist"]
    assert (young["value"], young["comparator"], young["text"]) == (5, "=", "拟部署 5个青年科学家项目")
    assert got["other"] == []


def test_seed_002_projects_counted_as_directions():
    text = _between(_seed("002"), "拟启动 15 个项目", "经费概算 6亿元。")
    got = parse_direction_count(text)
    assert (got["value"], got["unit"], got["young_scientist"]) == (15, "项目", None)


def test_seed_002_other_project_kinds_kept_apart():
    text = _between(_seed("002"), "拟启动 9个项目", "拟部署 4个部省联动项目。")
    got = parse_direction_count(text)
    assert got["value"] == 9
    assert got["young_scientist"]["value"] == 2
    (other,) = got["other"]
    assert (other["value"], other["label"], other["text"]) == (4, "部省联动项目", "拟部署 4个部省联动项目")


def test_seed_002_key_tasks_and_capped_young_projects():
    text = _between(_seed("002"), "拟支持 21个重点任务", "拟部署不超过 6个青年科学家项目")
    got = parse_direction_count(text)
    assert (got["value"], got["unit"]) == (21, "重点任务")
    assert (got["young_scientist"]["value"], got["young_scientist"]["comparator"]) == (6, "<=")


def test_per_direction_project_limit_is_not_a_direction_count():
    text = "有关说明：本方向拟支持不超过 6个项目。"
    assert text in _seed("002")
    assert parse_direction_count(text) is None


@pytest.mark.parametrize(
    "text, value, unit",
    [("部署8个方向", 8, "方向"), ("拟启动二十个方向", 20, "方向"), ("拟设置 12 个研究方向", 12, "研究方向")],
)
def test_direction_variants(text, value, unit):
    got = parse_direction_count(text)
    assert (got["value"], got["unit"], got["text"]) == (value, unit, text)


def test_only_young_scientists_declared():
    got = parse_direction_count("拟部署 3个青年科学家项目")
    assert got["value"] is None and got["young_scientist"]["value"] == 3


@pytest.mark.parametrize("text", ["", "围绕5个任务开展研究", "达到国际先进水平", "可同时支持这 2个项目"])
def test_no_direction_count(text):
    assert parse_direction_count(text) is None


# --- projects --------------------------------------------------------------------

def test_seed_002_one_to_two_projects_across_wrap():
    text = _between(_seed("002"), "每个项\n\n目拟支持数为 1~2项", "实施周期不超过 3年。")
    got = parse_project_count(text)
    assert got == {"value": 1, "value_max": 2, "comparator": "range", "approximate": False, "text": "拟支持数为 1~2项"}


def test_seed_000_about_six_projects():
    text = "支持研发项目6项左右。"
    assert text in _seed("000")
    got = parse_project_count(text)
    assert (got["value"], got["value_max"], got["approximate"], got["comparator"]) == (6, None, True, "=")
    assert got["text"] == "支持研发项目6项左右"


def test_seed_002_ceiling_on_projects():
    text = "关总署 5个部门各推荐不超过 4项，拟支持项目不超过 10项。"
    assert text in _seed("002")
    got = parse_project_count(text)
    assert (got["value"], got["comparator"], got["text"]) == (10, "<=", "拟支持项目不超过 10项")


@pytest.mark.parametrize(
    "text, value, value_max, comparator, approximate",
    [
        ("拟支持项目数为1项", 1, None, "=", False),
        ("拟支持数为 1~2项", 1, 2, "range", False),
        ("本方向拟支持不超过 6个项目。", 6, None, "<=", False),
        ("该专项共支持研发项目14项左右", 14, None, "=", True),
        ("拟支持约3项", 3, None, "=", True),
        ("拟支持两项", 2, None, "=", False),
    ],
)
def test_project_variants(text, value, value_max, comparator, approximate):
    got = parse_project_count(text)
    assert (got["value"], got["value_max"], got["comparator"], got["approximate"]) == (value, value_max, comparator, approximate)
    assert got["text"] in text


@pytest.mark.parametrize("text", ["", "单个项目支持强度不超过400万元", "可同时支持这 2个项目", "重点支持100名（个）左右高层次专家"])
def test_no_project_count(text):
    assert parse_project_count(text) is None


def test_keywords_split_by_pdf_wraps():
    got = parse_project_count("每个项目拟支\n\n持数为 1~2\n项")
    assert (got["value"], got["value_max"], got["text"]) == (1, 2, "拟支\n\n持数为 1~2\n项")
    period = parse_period("实施周\n 期不超过 3年")
    assert (period["value"], period["comparator"]) == (3, "<=")


# --- periods ---------------------------------------------------------------------

def test_seed_002_period_ceiling():
    text = "有关说明：项目实施周期不超过 4年；该项目要求产、学、"
    assert text in _seed("002")
    assert parse_period(text) == {"value": 4, "value_max": None, "comparator": "<=", "unit": "年",
                                  "approximate": False, "text": "实施周期不超过 4年"}


def test_seed_002_period_range_and_principle():
    text = "项目执行期原则上为 3~5年。"
    assert text in _seed("002")
    got = parse_period(text)
    assert (got["value"], got["value_max"], got["comparator"], got["text"]) == (3, 5, "range", "执行期原则上为 3~5年")


def test_seed_004_period_in_notice():
    text = "实施周期原则上不超过4年。"
    assert text in _seed("004")
    assert parse_period(text)["comparator"] == "<="


@pytest.mark.parametrize(
    "text, value, value_max, comparator, unit",
    [
        ("实施周期不超过 3年", 3, None, "<=", "年"),
        ("实施周期 3~5年", 3, 5, "range", "年"),
        ("执行期为2年", 2, None, "=", "年"),
        ("执行期18个月", 18, None, "=", "个月"),
        ("研究期限为三年", 3, None, "=", "年"),
        ("实施周期2年以内", 2, None, "<=", "年"),
    ],
)
def test_period_variants(text, value, value_max, comparator, unit):
    got = parse_period(text)
    assert (got["value"], got["value_max"], got["comparator"], got["unit"], got["text"]) == (value, value_max, comparator, unit, text)


@pytest.mark.parametrize("text", ["", "无在惩戒执行期内的科研严重失信行为记录", "2025年3月27日", "在原项目执行期\n\n内"])
def test_no_period(text):
    assert parse_period(text) is None


def test_directions_counted_under_tasks():
    # "N个任务下支持M个方向" declares M directions, with either verb
    from guidegraph.ingest.parse.counts import parse_direction_count

    for text, directions in (("拟在3个任务下支持5个研究方向。", 5), ("拟在4个任务下部署7个研究方向。", 7), ("在2个任务中支持3个方向。", 3)):
        assert parse_direction_count(text)["value"] == directions, text
    assert parse_direction_count("每个项目支持5个单位参与。") is None  # no direction noun, no count
