"""parse_quantities on real indicator sentences from the seeds and on variants."""

import re

import pytest

from guidegraph.corpus import seed_paths
from guidegraph.ingest.parse.quantities import parse_quantities


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _seed(prefix: str) -> str:
    path = next(p for p in seed_paths() if p.name.startswith(prefix))
    return _squash(path.read_text(encoding="utf-8"))


def _seed_raw(prefix: str) -> str:
    return next(p for p in seed_paths() if p.name.startswith(prefix)).read_text(encoding="utf-8")


def assert_quoted(sentence: str, seed_prefix: str) -> None:
    """The test sentence really is in the seed (modulo PDF whitespace)."""
    assert _squash(sentence) in _seed(seed_prefix)


def rows(text):
    return [(q.comparator, q.value, q.value_max, q.unit) for q in parse_quantities(text)]


def texts(text):
    return [q.text for q in parse_quantities(text)]


# --- real sentences -------------------------------------------------------------

SEED_000_VOC = (
    "采样、分析周期小于25分钟；氢火焰离子化检测器（FID）最高操作温度≥ 450℃；汽化室温度≥400℃；"
    "最低检出限≤4×10-12g/s(n-c16)；基线噪音≤5×10-14A；基线漂移≤1×10-13A/30min；甲烷最低检测浓度：0.05mg/m3。"
)


def test_seed_000_monitoring_instrument():
    assert_quoted(SEED_000_VOC, "000")
    assert rows(SEED_000_VOC) == [
        ("<", 25.0, None, "分钟"),
        (">=", 450.0, None, "℃"),
        (">=", 400.0, None, "℃"),
        ("<=", 4e-12, None, "g/s"),
        ("<=", 5e-14, None, "A"),
        ("<=", 1e-13, None, "A/30min"),
        ("=", 0.05, None, "mg/m3"),
    ]
    assert texts(SEED_000_VOC)[1] == "≥ 450℃"


def test_seed_000_sludge_with_suffix_comparators():
    s = ("建设5m3/d以上的污泥（3%含固率）生物沥滤同步臭气净化示范项目，处理时间控制在48h以内；"
         "与原污泥相比，经过处理后的污泥，重金属含量下降50%以上，脱水后的含固率提高30%以上")
    assert_quoted(s, "000")
    assert rows(s) == [
        (">=", 5.0, None, "m3/d"),
        ("=", 3.0, None, "%"),
        ("<=", 48.0, None, "h"),
        (">=", 50.0, None, "%"),
        (">=", 30.0, None, "%"),
    ]
    assert texts(s) == ["5m3/d以上", "3%", "48h以内", "50%以上", "30%以上"]


def test_seed_000_range_with_compound_unit_and_standard_number_skipped():
    s = "硫磺的提取率≥90%；萃取装置的处理能力50-100kg/h；硫磺产品符合GB2449-2014工业硫磺合格品标准。"
    assert_quoted(s, "000")
    assert rows(s) == [(">=", 90.0, None, "%"), ("range", 50.0, 100.0, "kg/h")]


def test_seed_000_clinical_indicators():
    s = ("临床应用不低于100例，住院费用降低5%，术后感染率降低5%，推广医院不低于3家;"
         "临床检测与生命质量等安全性和有效性相关指标有显著改善")
    assert_quoted(s, "000")
    assert rows(s) == [
        (">=", 100.0, None, "例"),
        ("=", 5.0, None, "%"),
        ("=", 5.0, None, "%"),
        (">=", 3.0, None, "家"),
    ]
    assert texts(s)[0] == "不低于100例"


def test_seed_000_five_year_survival_is_a_term_not_a_period():
    s = "淋巴结清扫个数、切缘阳性率、手术时间、术后各种并发症数量、5年生存率及患者报告的临床结局等均明显优于开腹手术"
    assert_quoted(s, "000")
    assert rows(s) == []


def test_seed_000_chinese_numeral_after_comparator():
    s = "项目完成时，在不少于一处古建筑修缮工作中进行实际应用示范。"
    assert_quoted(s, "000")
    assert rows(s) == [(">=", 1.0, None, "处")]


def test_seed_000_ten_thousand_folded_into_value():
    s = "在全基因组范围内开发>10万的SNP分子标记以及SNP共享数据库。"
    assert_quoted(s, "000")
    assert rows(s) == [(">", 100000.0, None, None)]
    assert texts(s) == [">10万"]


def test_seed_000_plus_minus_is_a_symmetric_range():
    s = "定位精度达到±2m，应变检测范围±1.5%，应变精度±2με，空间分辨率3m。"
    assert_quoted(s, "000")
    assert rows(s) == [
        ("range", -2.0, 2.0, "m"),
        ("range", -1.5, 1.5, "%"),
        ("range", -2.0, 2.0, "με"),
        ("=", 3.0, None, "m"),
    ]


def test_seed_000_times_and_full_width_less_than():
    s = "目标响应时间：＜20s。连续工作时间：≥24h。"
    assert_quoted(s, "000")
    assert rows(s) == [("<", 20.0, None, "s"), (">=", 24.0, None, "h")]
    assert texts(s) == ["＜20s", "≥24h"]


def test_seed_000_fold_increase_and_days():
    s = "管理效率提高3倍以上；应急响应速度提高2倍以上。能够识别20天以上的陈旧指纹"
    assert rows(s) == [(">=", 3.0, None, "倍"), (">=", 2.0, None, "倍"), (">=", 20.0, None, "天")]


def test_seed_002_ranges_across_pdf_line_wraps():
    s = ("考核指标：发现 10~15 种调控重要虫媒病毒入侵感染和致病\n 的关键病毒和宿主因子，并阐明 3~5种调控虫媒病毒感染及传播的\n\n"
         "新机制。确定 10~15种基于病毒感染传播机制的新型干预靶点")
    assert_quoted(s, "002")
    assert rows(s) == [
        ("range", 10.0, 15.0, "种"),
        ("range", 3.0, 5.0, "种"),
        ("range", 10.0, 15.0, "种"),
    ]
    assert texts(s)[0] == "10~15 种"


def test_seed_002_strains_with_spaces_and_suffix():
    s = "考核指标：收集和分析 2000 株以上的代表性临床菌株（须\n\n包括高致病性真菌 1~2 种）"
    assert_quoted(s, "002")
    assert rows(s) == [(">=", 2000.0, None, "株"), ("range", 1.0, 2.0, "种")]
    assert texts(s) == ["2000 株以上", "1~2 种"]


def test_seed_002_spaced_ascii_units():
    s = "原位分析空间分辨率≤30μm；单样检测时间≤5 min，实现实际净信息密度≥3.8 bits/nt"
    assert rows(s) == [("<=", 30.0, None, "μm"), ("<=", 5.0, None, "min"), (">=", 3.8, None, "bits/nt")]


def test_seed_002_ratio_bound():
    s = "其他经费（包括地方财政经费、单位出资及社会渠道资金等）与中央财政经费比例不低于 2:1"
    assert rows(s) == [(">=", 2.0, None, None)]


def test_seed_004_hyphen_ranges_and_not_less_than():
    s = ("考核指标：构建不少于5000例的脓毒症队列，建立不少于200例脓毒症患者的动态多组学数据库；"
         "明确2-3个脓毒症器官衰竭的生物标记物，研发2-3套全身及器官局部炎症免疫和血流灌注的方法及设备；"
         "构建1-2套全身和器官局部监测导向的脓毒症精准分型及精准治疗路径。")
    assert_quoted(s, "004")
    assert rows(s) == [
        (">=", 5000.0, None, "例"),
        (">=", 200.0, None, "例"),
        ("range", 2.0, 3.0, "个"),
        ("range", 2.0, 3.0, "套"),
        ("range", 1.0, 2.0, "套"),
    ]


def test_seed_004_spaced_quantities():
    s = "诊断工具各 1 套；临床样本不低于 1000 例。"
    assert rows(s) == [("=", 1.0, None, "套"), (">=", 1000.0, None, "例")]
    assert texts(s) == ["1 套", "不低于 1000 例"]


def test_seed_001_micrometre_and_picomole():
    s = "检测灵敏度达到 5pmol，荧光信噪比＞20dB"
    assert rows(s) == [("=", 5.0, None, "pmol"), (">", 20.0, None, "dB")]


# --- comparator vocabulary ------------------------------------------------------

@pytest.mark.parametrize(
    "text, comparator, value, unit",
    [
        ("不少于100例", ">=", 100.0, "例"),
        ("不低于3家", ">=", 3.0, "家"),
        ("至少1项", ">=", 1.0, "项"),
        ("大于等于5个", ">=", 5.0, "个"),
        (">=5个", ">=", 5.0, "个"),
        ("90%以上", ">=", 90.0, "%"),
        ("100例及以上", ">=", 100.0, "例"),
        ("大于90%", ">", 90.0, "%"),
        ("超过10家", ">", 10.0, "家"),
        ("高于20dB", ">", 20.0, "dB"),
        ("多于3种", ">", 3.0, "种"),
        ("不超过3年", "<=", 3.0, "年"),
        ("不高于5%", "<=", 5.0, "%"),
        ("不大于10mmol/L", "<=", 10.0, "mmol/L"),
        ("48h以内", "<=", 48.0, "h"),
        ("50g/kJ以下", "<=", 50.0, "g/kJ"),
        ("≤0.2 mm", "<=", 0.2, "mm"),
        ("小于25分钟", "<", 25.0, "分钟"),
        ("低于5‰", "<", 5.0, "‰"),
        ("少于3次", "<", 3.0, "次"),
        ("<1ng/mL", "<", 1.0, "ng/mL"),
        ("完成100例", "=", 100.0, "例"),
        ("准确率90%", "=", 90.0, "%"),
        ("3天内完成", "<=", 3.0, "天"),
    ],
)
def test_comparators(text, comparator, value, unit):
    (q,) = parse_quantities(text)
    assert (q.comparator, q.value, q.unit) == (comparator, value, unit)


@pytest.mark.parametrize(
    "text, low, high, unit",
    [
        ("2-3个", 2.0, 3.0, "个"),
        ("10~15种", 10.0, 15.0, "种"),
        ("2～4 项", 2.0, 4.0, "项"),
        ("5%-10%", 5.0, 10.0, "%"),
        ("1000-2000例", 1000.0, 2000.0, "例"),
        ("3~5年", 3.0, 5.0, "年"),
        ("50-100kg/h", 50.0, 100.0, "kg/h"),
        ("3至5家", 3.0, 5.0, "家"),
    ],
)
def test_ranges(text, low, high, unit):
    (q,) = parse_quantities(text)
    assert (q.comparator, q.value, q.value_max, q.unit, q.text) == ("range", low, high, unit, text)


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("两项", 2.0, "项"),
        ("三种", 3.0, "种"),
        ("十万例", 100000.0, "例"),
        ("1.5万例", 15000.0, "例"),
        ("一百二十家", 120.0, "家"),
        ("500万元", 500.0, "万元"),
        ("5.25亿元", 5.25, "亿元"),
        ("20人次", 20.0, "人次"),
        ("10Mbps", 10.0, "Mbps"),
        ("2TB", 2.0, "TB"),
        ("37℃", 37.0, "℃"),
    ],
)
def test_numerals_and_units(text, value, unit):
    (q,) = parse_quantities(text)
    assert (q.value, q.unit, q.text) == (value, unit, text)


def test_seed_001_negative_bound_and_plus_minus_under_comparator():
    s = "换能器灵敏度≥-55dB@70mm，带宽≥100%，剂量线性≤±1%"
    assert rows(s) == [(">=", -55.0, None, "dB"), ("=", 70.0, None, "mm"), (">=", 100.0, None, "%"), ("<=", 1.0, None, "%")]


def test_seed_001_must_not_exceed():
    s = "不得超过 2项。在研项目负责人不得因申报新项目而退出在"
    assert s in _seed_raw("001")
    assert rows(s) == [("<=", 2.0, None, "项")]


def test_seed_003_age_limit():
    s = "年龄原则上不超过65岁"
    assert s in _seed_raw("003")
    assert rows(s) == [("<=", 65.0, None, "岁")]


def test_seed_001_device_class_and_video_resolution_are_not_counts():
    assert rows("获得国家二类医疗器械注册证") == []
    assert rows("图像采集硬件实现4K@60fps视频") == [("=", 60.0, None, "fps")]
    assert rows("技术攻关项目两类组织申报") == [("=", 2.0, None, "类")]


def test_scientific_notation_flattened_by_extraction():
    assert rows("灵敏度高于 10-6mol/L") == [(">", 1e-6, None, "mol/L")]
    assert rows("增益≥1×107") == [(">=", 1e7, None, None)]


# --- things that are not constraints ---------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "2025年",
        "2017年度山西省重点研发计划",
        "《国家中长期科学和技术发展规划纲要（2006-2020年）》",
        "2006-2020年",
        "2025年3月27日17:30前",
        "男性应为 1983 年 1 月 1 日以后出生",
        "GB2449-2014",
        "GB/T 19001-2016",
        "ISO 13485",
        "1.1 虫媒病毒感染和传播机制",
        "2001 重大疾病防治",
        "CAR-T细胞",
        "COVID-19",
        "5G工业互联网",
        "3D打印",
        "多巴胺D2受体",
        "2型糖尿病",
        "H7N9禽流感",
        "联系电话：0351-4046135",
        "电话：66608805/07",
        "手机：13912345678",
        "苏科资发〔2025〕51号",
        "达到国际先进水平",
        "统一项目管理",
        "形成一批具有自主知识产权的专利",
        "粮经饲三元轮作技术体系",
        "研究“三元空间”实体",
        "3元素掺杂",
        "严格遵守“六项承诺”",
        "附件 2",
        "第3批",
        "",
    ],
)
def test_not_quantities(text):
    assert parse_quantities(text) == []


def test_date_next_to_a_real_quantity():
    s = "2025年底前完成不少于300例"
    assert rows(s) == [(">=", 300.0, None, "例")]


def test_quantity_text_is_a_substring():
    s = "收集 2000 株以上，检出限≤ 5 ng/mL，应用１００例"
    for q in parse_quantities(s):
        assert q.text in s
    assert rows(s)[-1] == ("=", 100.0, None, "例")


def test_every_seed_parses_and_texts_are_substrings():
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        found = parse_quantities(text)
        assert found, path.name
        for q in found:
            assert q.text and q.text in text
            assert q.comparator in (">=", ">", "<=", "<", "=", "range")
            if q.comparator == "range":
                assert q.value_max is not None and q.value <= q.value_max
