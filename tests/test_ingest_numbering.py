"""Numbering styles beyond the seeds': I./A./1., 专题一/方向1, and directions numbered on across groups."""

from __future__ import annotations

from guidegraph.ingest.parse.markers import candidate_markers
from guidegraph.ingest.pipeline import outline_text

BILINGUAL = """2025年度某某市国际合作项目申报指南 2025 Guide to International Cooperation Projects
I. 总体要求 General Requirements
1. 申报单位须为本市注册的法人单位。Applicants must be registered in the city.
II. 支持方向 Funding Directions
A. 人工智能 Artificial Intelligence
1. 多模态模型评测技术 Evaluation of Multimodal Models
研究内容 Research content：研究评测方法。
考核指标（Key Indicators）：构建基准数据集不少于3个。
B. 生物医药 Biomedicine
1. 肿瘤早筛研究 Early Cancer Screening
研究内容（Research Content）：开展多中心研究。
考核指标 Indicators：入组受试者不少于3000例。
III. 联系方式 Contact
国际合作处 International Cooperation Division：林晓，联系电话 Tel：0755-88102346
"""

WORDED = """一、指南方向
专题一：海洋装备
方向1：深远海养殖工船关键技术
研究内容
研究舱养水体交换技术。
考核指标
单舱养殖水体不小于8000立方米。
方向2：水下生产系统国产化
研究内容：研究水下采油树。
考核指标：完成样机1套。
专题二：现代医药
方向3：海洋创新药物成药性研究
研究内容：开展成药性评价。
考核指标：获得候选药物不少于2个。
"""

CONTINUOUS = """一、关键核心部件
1. 大功率电液提升系统（共性关键技术类）
研究内容：研究负载自适应控制方法。
考核指标：最大提升力不低于60kN。
2. 作业质量在线监测传感器（共性关键技术类）
研究内容：研究在线感知原理。
考核指标：研制传感器不少于8种。
二、智能作业装备
3. 精量播种智能作业装备（示范应用类）
研究内容：研究高速精量排种技术。
考核指标：作业速度不低于12km/h。
联系方式
项目申报过程中如有疑问，可咨询某某信息中心。
咨询电话：010-58882998
"""


def _directions(text):
    return [(n.number, n.title) for n in outline_text(text).nodes if n.kind == "direction"]


def test_roman_and_letter_markers():
    assert [(m.style, m.value) for m in candidate_markers("IV. 联系方式 Contact")][:1] == [("roman", 4)]
    assert candidate_markers("B. 生物医药 Biomedicine")[0].style == "letter"
    assert not [m for m in candidate_markers("CAR-T细胞") if m.style == "letter"]


def test_a_bilingual_guide_numbered_i_a_1():
    o = outline_text(BILINGUAL)
    assert o.title == "2025年度某某市国际合作项目申报指南"
    dirs = [n for n in o.nodes if n.kind == "direction"]
    assert [d.title.split("Evaluation")[0].split("Early")[0] for d in dirs] == ["多模态模型评测技术", "肿瘤早筛研究"]
    assert all(d.research_content and d.indicators for d in dirs)
    assert [n.title.startswith("人工智能") for n in o.nodes if n.kind == "field"] == [True, False]
    office = next(f for f in o.offices if f.name == "国际合作处")
    assert office.contacts[0].phones == ["0755-88102346"]


def test_worded_numbers_and_numbering_that_goes_on_across_groups():
    assert _directions(WORDED) == [("方向1", "深远海养殖工船关键技术"), ("方向2", "水下生产系统国产化"),
                                   ("方向3", "海洋创新药物成药性研究")]
    assert [n for n, _ in _directions(CONTINUOUS)] == ["1.", "2.", "3."]


def test_the_desk_a_sentence_names_takes_the_phone_below_it():
    office = next(f for f in outline_text(CONTINUOUS).offices if f.name == "某某信息中心")
    assert office.contacts[0].phones == ["010-58882998"]


PARTS = """第一部分　总体要求
一、项目应面向重点产业链关键核心技术需求。
二、项目执行期一般为2至3年。
第二部分　支持方向
一、信创产业
（一）国产操作系统生态适配关键技术（指南代码：XA2601）
研究内容：研究兼容适配技术。
考核指标：完成适配产品不少于500款。
（二）合成生物学底盘细胞构建（指南代码：XA2602，基础研究类）
研究内容：构建底盘细胞。
考核指标：获得工程菌株不少于5株。
"""

SUPPORT_PART = """一、支持重点
（一）绿色食品
1. 高原特色茶叶精深加工关键技术
主要任务：研究精准发酵与风味调控技术。
预期成果：形成新产品不少于5个。
二、申报要求
1. 申报单位应为省内注册的法人。
"""


def test_parts_numbered_in_words_and_codes_in_brackets_after_titles():
    o = outline_text(PARTS)
    dirs = [n for n in o.nodes if n.kind == "direction"]
    assert [(d.code, d.title, d.tags) for d in dirs] == [
        ("XA2601", "国产操作系统生态适配关键技术", []), ("XA2602", "合成生物学底盘细胞构建", ["基础研究类"])]
    assert not [n for n in o.nodes if n.title.startswith("项目应面向")]


def test_the_guides_own_support_part_holds_directions_and_label_synonyms():
    o = outline_text(SUPPORT_PART)
    d = next(n for n in o.nodes if n.kind == "direction")
    assert d.title == "高原特色茶叶精深加工关键技术"
    assert d.research_content and [q.value for i in d.indicators for q in i.quantities] == [5.0]
