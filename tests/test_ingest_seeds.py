"""Ingest on the five real seed guides: specific values read off the text, and whole-document counts.

Each expected value below was checked against the seed text (line numbers in
the comments point at it).
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from guidegraph.corpus import seed_paths
from guidegraph.ingest.pipeline import outline_file

SEEDS = {p.name[:3]: p for p in seed_paths()}


@lru_cache(maxsize=None)
def outline(key: str):
    return outline_file(SEEDS[key])


def by_title(o, fragment: str):
    found = [n for n in o.nodes if fragment in n.title]
    assert found, f"no node titled …{fragment}…"
    return found[0]


def descendants(o, node_id: str):
    kids = [n for n in o.nodes if n.parent == node_id]
    out = list(kids)
    for k in kids:
        out.extend(descendants(o, k.id))
    return out


def quantities(node):
    return [(q.comparator, q.value, q.value_max, q.unit) for i in node.indicators for q in i.quantities]


def directions(o):
    return [n for n in o.nodes if n.kind in ("direction", "subdirection")]


# --------------------------------------------------------------------- all seeds
@pytest.mark.parametrize("key", sorted(SEEDS))
def test_every_seed_ingests_with_coverage_above_99_5_percent(key):
    o = outline(key)
    assert o.nodes and directions(o)
    assert o.coverage.chars_total > 5000
    assert o.coverage.ratio >= 0.995
    # whatever is not assigned is explained, line by line
    for u in o.coverage.unassigned:
        assert u.reason and u.start_line >= 1 and u.text.strip()


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_node_ids_unique_and_parents_exist(key):
    o = outline(key)
    ids = [n.id for n in o.nodes]
    assert len(ids) == len(set(ids))
    for n in o.nodes:
        assert n.parent is None or n.parent in ids
        assert n.kind in ("category", "programme", "field", "direction", "subdirection")
        assert n.source and n.source.start_line <= n.source.end_line


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_every_indicator_points_back_to_its_source_lines(key):
    path = SEEDS[key]
    lines = path.read_text(encoding="utf-8").split("\n")
    o = outline(key)
    checked = 0
    for n in directions(o):
        for ind in n.indicators:
            span = ind.source
            assert n.source.start_line <= span.start_line <= span.end_line <= n.source.end_line
            # the statement's first characters are on its first line
            head = ind.text.replace(" ", "")[:4]
            window = "".join(lines[span.start_line - 1 : span.end_line]).replace(" ", "")
            if head.isascii() is False:
                assert head[:2] in window or head[:2].translate({0xFF0C: 0x2C}) in window
            checked += 1
    assert checked > 0 or key == "003"


# --------------------------------------------------------------------- 000 山西 2017
def test_shanxi_2017_document_and_sectors():
    o = outline("000")
    assert o.title == "2017年度山西省重点研发计划（一般项目）申报指南"
    assert o.year == 2017
    assert o.jurisdiction == {"name": "山西省", "level": "provincial"} or o.jurisdiction["name"] == "山西省"
    categories = [n.title for n in o.nodes if n.kind == "category"]
    # the four sectors once each: their second mention (L339-L361) scopes the 受理单位, it is no heading
    assert categories == ["支持范围", "农业方面", "工业方面", "社会发展方面", "国际科技合作方面"]
    # 工业方面 （一）先进制造领域 … （六）生物医药领域 are fields (L44-L64)
    industry = by_title(o, "工业方面")
    fields = [n.title for n in o.nodes if n.parent == industry.id]
    assert fields == ["先进制造领域", "新材料领域", "信息领域", "能源领域", "现代服务业领域", "生物医药领域"]
    # L232, L247: （四）中药产业 and （六）重大医疗器械 stand among 社会发展方面's groupings and say
    # 该专项共支持研发项目N项: programmes publishing no directions (they were typed as directions
    # before issue 11, and reported as lacking 研究内容/考核指标)
    assert by_title(o, "中药产业").kind == "programme" and by_title(o, "重大医疗器械").kind == "programme"
    # the catch-all 其他 items (L115, L244, L289) fund "other directions" and stay directions
    assert [n.kind for n in o.nodes if n.title == "其他"] == ["direction", "direction", "direction"]
    assert len(directions(o)) == 47  # 49 before issue 11, less the two 专项


def test_shanxi_2017_direction_with_subdirections_and_indicators():
    o = outline("000")
    # L143-147: 2、生物治疗… says 本方向… and holds （1）恶性肿瘤靶向CAR-T细胞治疗技术
    parent = by_title(o, "生物治疗、免疫治疗与细胞治疗")
    assert parent.kind == "direction" and parent.number == "2、"
    cart = by_title(o, "恶性肿瘤靶向CAR-T细胞治疗技术")
    assert cart.kind == "subdirection" and cart.parent == parent.id and cart.number == "（1）"
    assert cart.research_content and cart.indicators
    # L141: 考核指标：临床应用不低于100例，推广医院不低于3家
    obesity = by_title(o, "腹腔镜手术治疗肥胖症合并2型糖尿病")
    q = quantities(obesity)
    assert (">=", 100.0, None, "例") in q
    assert (">=", 3.0, None, "家") in q
    # L103-107: 硫磺的提取率≥90%；萃取装置的处理能力50-100kg/h
    sulphur = by_title(o, "处理焦化硫膏关键技术开发及核心设备研制")
    q = quantities(sulphur)
    assert (">=", 90.0, None, "%") in q
    assert ("range", 50.0, 100.0, "kg/h") in q


def test_shanxi_2017_offices_requirements_materials():
    o = outline("000")
    names = {f.name: f for f in o.offices}
    # L346-358: one accepting office serves both 工业方面 and 社会发展方面: one office, two scopes
    centre = names["山西省科技成果转化服务中心"]
    assert centre.role == "accepting"
    assert {"工业方面", "社会发展方面"} <= set(centre.scope)
    assert "0351-4043343" in [p for c in centre.contacts for p in c.phones]
    assert "迎泽大街" in (centre.address or "")
    assert names["山西省科技厅社会发展处"].contacts[0].phones == ["0351-4046686"]
    assert [r.number for r in o.requirements] == ["1、", "2、", "3、", "4、"]
    assert len(o.materials) == 4 and "山西省重点研发计划项目申报书" in o.materials[0].text


# --------------------------------------------------------------------- 001 山西 2024
def test_shanxi_2024_fifteen_directions_in_order():
    o = outline("001")
    assert o.year == 2024
    assert "2024年度山西省重点研发计划" in o.title
    dirs = directions(o)
    assert [d.number for d in dirs] == [f"{i}." for i in range(1, 16)]
    # L227: "2.1型糖尿病…" is direction 2, not a dotted number 2.1
    assert dirs[1].title.startswith("1型糖尿病患者个性化血糖预测")
    assert all(d.research_content and d.indicators for d in dirs)
    assert all(i.label == "技术指标" for d in dirs for i in d.indicators)


def test_shanxi_2024_indicator_quantities_and_requirements():
    o = outline("001")
    dirs = directions(o)
    # L247-L255: 1型糖尿病回顾性队列研究不少于200人
    assert (">=", 200.0, None, "人") in quantities(dirs[1])
    # L457: 测量系统空间灵敏度＜0.7mm
    assert ("<", 0.7, None, "mm") in quantities(dirs[7])
    assert [r.number for r in o.requirements] == ["1.", "2.", "3.", "4.", "5.", "6."]
    # item 3 continues over an unnumbered paragraph (其限项要求如下…, L43)
    assert "限项要求" in o.requirements[2].text
    assert [n.number for n in o.notes] == ["1.", "2.", "3.", "4.", "5.", "6."]


# --------------------------------------------------------------------- 002 国家 2021
NATIONAL_PROGRAMMES = [
    "病原学与防疫技术体系研究",
    "长江黄河等重点流域水资源与水环境综合治理",
    "生物安全关键技术研究",
    "生育健康及妇女儿童健康保障",
    "战略性矿产资源开发利用",
    "诊疗装备与生物医用材料",
    "生物与信息融合（BT与IT融合）",
    "常见多发病防治研究",
    "社会治理与智慧社会科技支撑",
    "重大自然灾害防控与公共安全",
    "国家质量基础设施体系",
    "基础科研条件与重大科学仪器设备研发",
]


def test_national_guide_has_twelve_special_programmes():
    o = outline("002")
    assert o.jurisdiction["level"] == "national"
    assert o.year == 2021
    programmes = [n for n in o.nodes if n.kind == "programme"]
    assert [p.title for p in programmes] == NATIONAL_PROGRAMMES
    for p in programmes:
        tasks = [n for n in o.nodes if n.parent == p.id]
        assert tasks and all(t.kind == "field" for t in tasks)
        assert all(d.kind == "direction" for t in tasks for d in o.nodes if d.parent == t.id)


def test_national_declared_direction_counts_match_or_are_explained():
    o = outline("002")
    programmes = {n.title: n for n in o.nodes if n.kind == "programme"}
    found = {t: [d for d in descendants(o, p.id) if d.kind == "direction"] for t, p in programmes.items()}
    differ = {t for t, p in programmes.items() if p.declared_direction_count != len(found[t])}
    # 常见多发病防治研究 declares "拟启动 22 个方向" (L4563) but publishes 1.1-1.3, 2.1-2.5,
    # 3.1-3.6, 4.1-4.3 = 17 headings: the source itself is short by five.
    # 基础科研条件… declares "拟支持 39个项目" plus 16 young-scientist projects (L7968-7970);
    # of its 42 published directions, 3 are young-scientist directions, 42 - 3 = 39.
    assert differ == {"常见多发病防治研究", "基础科研条件与重大科学仪器设备研发"}
    assert programmes["常见多发病防治研究"].declared_direction_count == 22
    assert len(found["常见多发病防治研究"]) == 17
    basic = found["基础科研条件与重大科学仪器设备研发"]
    young = [d for d in basic if "青年科学家项目" in d.tags]
    assert programmes["基础科研条件与重大科学仪器设备研发"].declared_direction_count == 39
    assert len(basic) - len(young) == 39
    assert programmes["病原学与防疫技术体系研究"].declared_direction_count == 20 == len(found["病原学与防疫技术体系研究"])


def test_national_direction_tags_indicators_funding():
    o = outline("002")
    first = next(n for n in o.nodes if n.number == "1.1")
    # L97-99: 1.1 新冠病毒等呼吸道病毒感染和传播特性研究（青年科学 / 家项目、基础研究类）
    assert first.title == "新冠病毒等呼吸道病毒感染和传播特性研究"
    assert first.tags == ["青年科学家项目", "基础研究类"]
    # L112: 考核指标：了解 2种以上呼吸道病毒…
    assert (">=", 2.0, None, "种") in quantities(first)
    # L146: 发现 10~15 种调控重要虫媒病毒…
    second = next(n for n in o.nodes if n.number == "1.2")
    assert ("range", 10.0, 15.0, "种") in quantities(second)
    # L2615, L4537, L4539 are mis-decoded bytes: reported as garbled, never read as directions
    assert not any("\ufffd" in n.title for n in o.nodes)
    assert [u.start_line for u in o.coverage.unassigned if u.reason.startswith("garbled")] == [2615, 4537, 4539]
    programme = next(n for n in o.nodes if n.kind == "programme")
    totals = [f for f in programme.funding if f.scope == "total"]
    assert totals[0].yuan == 525_000_000  # 拟安排国拨经费概算 5.25 亿元 (L34)
    per_project = [f for f in programme.funding if f.scope == "per_project"]
    assert per_project and per_project[0].yuan == 5_000_000  # 每个项目 500万元 (L40)
    assert programme.young_scientist_rules
    assert "1~2" in programme.declared_project_count["text"]


# --------------------------------------------------------------------- 003 济南 2019
def test_jinan_fields_directions_and_programmes():
    o = outline("003")
    assert o.title == "2019年济南市科技发展计划编制指南"
    assert o.jurisdiction["level"] == "municipal" and o.jurisdiction["name"] == "济南市"
    assert o.issue_date == "2019-04-30"
    electronics = by_title(o, "电子信息")
    assert electronics.kind == "field"
    kids = [n for n in o.nodes if n.parent == electronics.id]
    assert len(kids) == 7 and kids[0].title == "计算机硬件关键技术"
    # L72: "1.高端装备制造。加快…" — title before the full stop, the rest is prose
    manufacturing = by_title(o, "高端装备制造")
    assert manufacturing.kind == "direction" and manufacturing.intro[0].text.startswith("加快")
    assert by_title(o, "基础研究科学专项").kind == "programme"
    attachments = [n.number for n in o.nodes if (n.number or "").startswith("附件")]
    assert attachments == [f"附件{i}" for i in range(1, 8)]


def test_jinan_57_directions_and_its_programmes():
    o = outline("003")
    # 45 support areas under 三、支持领域 (L54-L114) and 12 topics listed under the programmes'
    # 支持重点: 社会民生专项 （1）–（5）…领域 (L173-L177), 临床医疗科技专项 （1）支持临床医学研究中心建设
    # (L191) and the four --bullets under （2） (L201-L207), 乡村振兴专项 （1）（2） (L236-L237).
    # Before issue 11 the 12 topics were missed and 19 programmes counted instead (57 - 12 + 19 = 64).
    dirs = directions(o)
    assert len(dirs) == 57
    support = by_title(o, "支持领域")
    in_support = [d for d in dirs if o.node(d.parent).parent == support.id]
    assert len(in_support) == 45
    topics = [d.title for d in dirs if d not in in_support]
    assert topics == ["健康养老领域", "生态环境领域", "公共安全领域", "公共服务领域", "文化科技领域",
                      "支持临床医学研究中心建设", "重点病种的规范化诊疗技术", "公共卫生及应急关键技术防治研究",
                      "基层适宜卫生技术转化应用", "优生优育关键技术", "济南市农业特色产业",
                      "区县、街镇优势农业特色产业结合当地实际情况由区县科技部门确定"]
    # （2）支持临床医疗科技专项项目 groups its four bullet topics
    assert by_title(o, "支持临床医疗科技专项项目").kind == "field"
    # programmes described by 支持重点/申报要求/责任部门, and the framework (L24-L53) that lists them
    for title in ("乡村振兴专项（科技特派员示范基地）", "众创空间与孵化器建设", "重大技术创新服务平台建设",
                  "中小微企业创新券", "高校院所科研人员服务济南企业活动", "企业研发投入引导",
                  "科技成果国际对接交流活动补助资金"):
        assert {n.kind for n in o.nodes if n.title == title} == {"programme"}, title
    # 1.申报对象和条件 (L323) is a section of its programme, not a node
    assert not [n for n in o.nodes if n.title == "申报对象和条件"]


def test_jinan_responsible_offices_with_split_phone_numbers():
    o = outline("003")
    office = next(f for f in o.offices if f.name == "高新技术处")
    assert office.role == "responsible"
    # L168: 高新技术处，联系电话：66608805/07 — two numbers
    phones = [p for c in office.contacts for p in c.phones]
    assert phones == ["66608805", "66608807"]
    assert "高成长性高新技术企业培育专项" in office.scope
    # the same office under many programmes is one office
    assert sum(1 for f in o.offices if f.name == "高新技术处") == 1


# --------------------------------------------------------------------- 004 江苏 2025
def test_jiangsu_notice_metadata_and_deadlines():
    o = outline("004")
    assert o.doc_number == "苏科资发〔2025〕51号"
    assert o.issuers == ["江苏省科学技术厅", "江苏省财政厅", "江苏省卫生健康委员会"]
    assert o.issue_date == "2025-02-27"
    assert o.year == 2025 and o.jurisdiction["name"] == "江苏省"
    deadlines = {d.label: d.datetime for d in o.deadlines}
    assert deadlines["项目申报材料网上填报截止时间"] == "2025-03-27T17:30:00+08:00"
    assert [r.number for r in o.requirements] == ["1.", "2.", "3.", "4."]


def test_jiangsu_guide_codes_fields_and_indicators():
    o = outline("004")
    coded = [n for n in o.nodes if n.code]
    assert [n.code for n in coded] == ["1001"] + [str(c) for c in range(2001, 2023)]
    assert all(n.kind == "direction" for n in coded)
    sepsis = next(n for n in coded if n.code == "2001")
    parent = o.node(sepsis.parent)
    assert parent.title == "危重症综合救治" and parent.kind == "field"
    assert (">=", 5000.0, None, "例") in quantities(sepsis)
    assert sepsis.research_content[0].label == "研发内容"
    pathology = next(n for n in coded if n.code == "2013")
    assert (">=", 2.0, None, "厘米") in quantities(pathology)
    cart = next(n for n in coded if n.code == "2011")
    assert {i.label for i in cart.indicators} == {"考核方式"}
    centre = next(f for f in o.offices if "受理服务中心" in f.name)
    assert "025-85485831" in [p for c in centre.contacts for p in c.phones]
