"""Labels that open a labelled part of a guide: 研究内容：, 考核指标：, 申报要求 ...

Each label maps to the field of the model it fills. Labels are matched at
the head of a paragraph, followed by a colon (研究内容：…) or standing alone
as the title of a numbered heading (5.责任部门).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# field -> label words (longest first within the regex). The field names are
# those of ingest.model: Node.research_content / indicators / notes /
# sections, Outline.requirements / materials / notes / sections.
LABELS: dict[str, tuple[str, ...]] = {
    "research_content": ("主要研究内容", "研究内容", "研发内容", "建设内容", "研究任务", "主要任务", "研究重点", "研究目标"),
    "indicators": ("考核指标", "技术指标", "考核目标", "考核方式", "主要指标", "预期指标", "预期目标", "绩效目标", "主要考核指标", "预期成果", "考核内容"),
    "notes": ("有关说明", "相关说明", "有关要求", "备注", "注意事项", "其他事项", "其他要求", "特别说明"),
    "requirements": ("申报要求", "申报条件", "基本要求", "申报资格", "资格条件", "申报单位要求", "项目申报要求", "项目申报", "申报与管理", "申报受理", "申报受理及管理"),
    "materials": ("申报材料", "材料要求", "申报材料要求"),
    "period": ("实施周期", "实施期限", "执行期限", "执行期", "项目周期", "研究期限"),
    "schedule": ("申报时间", "受理时间", "截止时间", "申报受理时间", "时间安排"),
    "offices": ("责任部门", "责任处室", "主管处室", "受理单位", "受理部门", "联系方式", "联系人", "咨询电话", "联系电话", "技术支持"),
    "general": ("总体思路", "指导思想", "总体目标", "基本原则", "工作目标", "项目立项", "组织实施", "保障措施", "工作要求", "管理要求", "项目管理", "立项程序", "评审程序", "申报流程", "政策依据"),
    # Containers: headings over the directions themselves; they open outline nodes.
    "container": ("支持范围", "支持领域", "支持方向", "方向信息", "重点支持领域", "重点支持方向", "指南方向", "申报方向", "支持方向信息"),
    "support": ("支持重点", "重点支持", "支持内容", "支持方式", "支持对象", "资助强度", "资助方式", "资助额度", "经费安排", "拟支持项目数", "支持数量", "组织方式", "申报方式", "申报程序"),
}

_WORD_TO_FIELD = {w: f for f, words in LABELS.items() for w in words}
_ALTERNATION = "|".join(sorted(map(re.escape, _WORD_TO_FIELD), key=len, reverse=True))
# (a bilingual guide writes the English after the label: 研究内容 Research content：…)
_LABEL_COLON_RE = re.compile(
    rf"^({_ALTERNATION})\s*(?:[（(][^）)]{{0,30}}[）)])?\s*(?:[A-Za-z][A-Za-z ]{{0,30}})?\s*[:：]\s*(.*)$", re.S)
_LABEL_ALONE_RE = re.compile(rf"^(?:项目|本项目|专项)?({_ALTERNATION})\s*[:：。.]?\s*$")


@dataclass(frozen=True)
class Label:
    word: str  # as printed, e.g. 考核指标
    field: str  # the model field it fills (see LABELS)
    rest: str  # text after the colon, may be empty (from the text given: fold it, and it is folded)
    rest_start: int = 0  # where ``rest`` starts in the stripped text, to slice the original


def match_label(folded: str) -> Label | None:
    """A label at the head of a paragraph (``研究内容：…``) or a bare label."""
    text = folded.strip()
    m = _LABEL_COLON_RE.match(text)
    if m:
        rest = m.group(2)
        lead = len(rest) - len(rest.lstrip())
        return Label(m.group(1), _WORD_TO_FIELD[m.group(1)], rest.strip(), m.start(2) + lead)
    m = _LABEL_ALONE_RE.match(text)
    if m:
        return Label(m.group(1), _WORD_TO_FIELD[m.group(1)], "")
    return None


_ENGLISH_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])\s*[A-Za-z][A-Za-z ,&'’–-]*$")


def heading_label(title: str) -> Label | None:
    """A numbered heading whose title is only a label (二、申报要求 / 5.责任部门)."""
    whole = _ENGLISH_TAIL.sub("", title.strip()).rstrip("：:。. ")
    if whole in _WORD_TO_FIELD:
        return Label(whole, _WORD_TO_FIELD[whole], "")
    text = re.sub(r"^(?:项目的?|专项的?)", "", whole)
    if text in _WORD_TO_FIELD:
        return Label(text, _WORD_TO_FIELD[text], "")
    if re.search(r"专项|计划|领域|方向", text):
        return None
    section = section_field(whole)
    if section is not None:
        return Label(whole, section, "")
    for word, fld in _WORD_TO_FIELD.items():
        # "申报要求及材料" / "业务受理单位和联系方式": a label plus a short qualifier.
        if fld in ("requirements", "materials", "notes", "schedule", "offices", "general", "support") and word in text and len(text) <= len(word) + 8:
            return Label(word, fld, "")
    return None


# Words a document's own sections are titled with (总体安排, 申报方式及时间, 组织实施,
# 其他事项, 附则 ...): a heading made only of these is a part of the document,
# never a direction, whatever words join them.
_SECTION_WORDS = sorted(
    (
        "总体", "整体", "安排", "部署", "要求", "指导思想", "思路", "目标", "原则", "基本", "申报", "方式", "时间",
        "组织", "实施", "材料", "注意", "事项", "其他", "其它", "附则", "联系", "受理", "评审", "管理", "程序",
        "流程", "说明", "条件", "资格", "对象", "工作", "保障", "措施", "纪律", "监督", "咨询", "有关", "相关",
        "立项", "验收", "诚信", "承诺", "推荐", "遴选", "审查", "形式审查", "报送", "提交", "填报", "网上", "截止",
        "日期", "期限", "程序", "办法", "经费", "使用", "政策", "依据", "背景", "概况", "总则", "范围说明",
        "项目", "单位", "负责人", "限项", "规定", "渠道", "须知", "责任", "部门", "处室", "方法",
        "步骤", "进度", "计划安排", "工作安排", "联络", "电话", "地址", "其余", "补充", "附件", "格式",
    ),
    key=len,
    reverse=True,
)
_JOINERS = "及和与、的暨以并"
_SECTION_OPENERS = re.compile(r"^(?:本|20\d\d年度?|年度)")


def section_field(title: str) -> str | None:
    """The field a document-section heading fills (申报方式及时间 -> schedule), or None if it is no such heading.

    A heading is a document section when it is built only of section words;
    any other word (a topic, a field, 支持方向) makes it something else.
    """
    text = re.sub(r"\s+", "", title).strip("：:。.")
    text = _SECTION_OPENERS.sub("", text)
    if not text or len(text) > 16:
        return None
    pos, words = 0, []
    while pos < len(text):
        if text[pos] in _JOINERS:
            pos += 1
            continue
        word = next((w for w in _SECTION_WORDS if text.startswith(w, pos)), None)
        if word is None:
            return None
        words.append(word)
        pos += len(word)
    # alone, these name no section: 其他 is a catch-all direction, 项目/单位 a topic's word
    if not words or set(words) <= {"项目", "单位", "部门", "政策", "经费", "其他", "其它", "其余", "补充", "相关", "有关"}:
        return None
    joined = "".join(words)
    if re.search(r"联系|咨询|电话|地址|联络|受理|处室|部门", joined):
        return "offices"
    if "材料" in joined or "格式" in joined:
        return "materials"
    if re.search(r"注意|其他|其它|附则|说明|须知|补充|其余", joined):
        return "notes"
    if re.search(r"要求|条件|资格|对象|限项|承诺|诚信", joined):
        return "requirements"
    if re.search(r"时间|日期|期限|截止", joined):
        return "schedule"
    return "general"


def label_field(word: str) -> str | None:
    """The field a label word fills, for label words and document-section titles alike."""
    return _WORD_TO_FIELD.get(word) or section_field(word)


CONTAINER_RE = re.compile(
    r"^(?:[一二三四五六七八九十\d]+[、.]?)?(?:" + "|".join(LABELS["container"]) + r"|重点任务|主要任务|支持重点|重点支持|研究方向|指南内容|项目指南)$"
)
