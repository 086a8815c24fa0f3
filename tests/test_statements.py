"""split_statements on real research-content / indicator text and variants."""

import re

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.statements import split_statements


def pieces(text):
    return [text[a:b] for a, b in split_statements(text)]


def _seed(prefix: str) -> str:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return path.read_text(encoding="utf-8")


def test_sentence_ends_split():
    assert pieces("完成100例；准确率90%。推广医院不少于3家;") == ["完成100例", "准确率90%", "推广医院不少于3家"]


def test_seed_000_numbered_research_content():
    seed = _seed("000")
    start = seed.index("其研究内容包括：（1）纳米复合抗菌材料研制。")
    end = seed.index("为临床推广应用抗菌导管的研发提供一种切实可行的方案。", start) + len("为临床推广应用抗菌导管的研发提供一种切实可行的方案。")
    text = seed[start:end]
    got = pieces(text)
    assert got[0] == "其研究内容包括："
    assert got[1] == "纳米复合抗菌材料研制"
    assert got[2] == "筛选有效抗菌材料，优化配方设计，制备可与医用导管材料复合的纳米复合抗菌材料，达到无毒、抗菌性广谱、持久，适用于人体使用要求"
    assert got[3] == "新型纳米抗菌导管材料的研制"
    assert "新型医用纳米抗菌导管制备" in got
    assert got[-1] == "通过项目研究，为临床推广应用抗菌导管的研发提供一种切实可行的方案"


def test_seed_002_yi_shi_er_shi_across_line_wraps():
    seed = _seed("002")
    start = seed.index("一是开展野生动物")
    text = seed[start:seed.index("三是开展未", start) + 5]
    got = pieces(text)
    assert got[0].startswith("开展野生动物") and got[0].endswith("发现新病原体、确认致病性")
    assert got[1].startswith("系统开展新病原体生态分布")
    assert got[1].endswith("并建立其生态环境的地理信息系统")
    assert got[2] == "开展未"


def test_seed_002_half_bracket_markers_and_nested_brackets():
    seed = _seed("002")
    start = seed.index("推广到潜在威胁人类的其它病原的分析体系构建。1）")
    text = seed[start:seed.index("2）建立病原细胞", start) + len("2）建立病原细胞")]
    got = pieces(text)
    assert got[0] == "推广到潜在威胁人类的其它病原的分析体系构建"
    # "（人、水貂、猫科动物和家犬\n\n等）" stays inside the first item
    assert got[1].startswith("利用生物") and got[1].endswith("速率和热点")
    assert "（人、水貂、猫科动物和家犬" in got[1]
    assert got[2] == "建立病原细胞"


def test_seed_002_example_heading_in_brackets_is_not_split():
    text = "项目统一按指南二级标题（如 1.1）的研究方向申报。每个项目拟支持数为 1~2项，实施周期不超过 3年。"
    assert pieces(text) == ["项目统一按指南二级标题（如 1.1）的研究方向申报", "每个项目拟支持数为 1~2项，实施周期不超过 3年"]


def test_enumeration_markers():
    assert pieces("（1）建立平台；（2）完成100例") == ["建立平台", "完成100例"]
    assert pieces("(1)甲;(2)乙") == ["甲", "乙"]
    assert pieces("1）甲，2）乙") == ["甲", "乙"]
    assert pieces("1)甲 2)乙") == ["甲", "乙"]
    assert pieces("①甲②乙③丙") == ["甲", "乙", "丙"]
    assert pieces("一是加强甲，二是推进乙。") == ["加强甲", "推进乙"]
    assert pieces("1.建立平台\n2.开发系统") == ["建立平台", "开发系统"]
    assert pieces("考核指标：1、建立平台；2、开发系统") == ["考核指标：", "建立平台", "开发系统"]


def test_no_split_inside_decimals_brackets_quotes_titles():
    assert pieces("提高3.5倍；达到1.5万例") == ["提高3.5倍", "达到1.5万例"]
    assert pieces("按《关于（试行）；规定》执行；其他") == ["按《关于（试行）；规定》执行", "其他"]
    assert pieces("指南中“拟支持数为 1~2项；”是指") == ["指南中“拟支持数为 1~2项；”是指"]
    assert pieces("包括（甲；乙）两部分。丙") == ["包括（甲；乙）两部分", "丙"]
    assert pieces("范围(1~200)m；b") == ["范围(1~200)m", "b"]


def test_words_that_look_like_markers_are_kept():
    assert pieces("统一是关键，同一是原则") == ["统一是关键，同一是原则"]
    assert pieces("和 2、3 项") == ["和 2、3 项"]
    assert pieces("完成 2.5 倍") == ["完成 2.5 倍"]
    assert pieces("如 1.1 方向") == ["如 1.1 方向"]


def test_unbalanced_bracket_protects_nothing():
    assert pieces("未闭合（的括号；后面还要分") == ["未闭合（的括号", "后面还要分"]


def test_comparator_signs_are_not_brackets():
    assert pieces("响应时间：＜20s。连续工作时间：≥24h；信噪比＞20dB") == ["响应时间：＜20s", "连续工作时间：≥24h", "信噪比＞20dB"]


def test_far_apart_brackets_do_not_swallow_text():
    text = "甲（" + "很长的说明。" * 60 + "）乙"
    assert len(pieces(text)) == 61


def test_spans_are_stripped_and_empty_input():
    text = "  甲 。\n\n 乙；  "
    assert split_statements(text) == [(2, 3), (8, 9)]
    assert split_statements("") == []
    assert split_statements(" \n ") == []
    assert split_statements("。；;") == []


def test_every_seed_loses_nothing_but_separators():
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        spans = split_statements(text)
        covered = bytearray(len(text))
        last = 0
        for a, b in spans:
            assert last <= a < b
            last = b
            covered[a:b] = b"\x01" * (b - a)
        lost = {text[i] for i in range(len(text)) if not covered[i] and not text[i].isspace()}
        assert lost <= set("。；;！？!?，,、.()（）①②③④⑤⑥⑦⑧⑨⑩0123456789一二三四五六七八九十是abcdefghijklmnopqrstuvwxyz"), lost
        assert re.sub(r"\s", "", text[spans[0][0]:spans[0][1]])
