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
    "indicators": ("考核指标", "技术指标", "考核目标", "考核方式", "主要指标", "预期指标", "预期目标", "绩效目标", "主要考核指标"),
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
_LABEL_COLON_RE = re.compile(rf"^({_ALTERNATION})\s*(?:[（(][^）)]{{0,20}}[）)])?\s*[:：]\s*(.*)$", re.S)
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


def heading_label(title: str) -> Label | None:
    """A numbered heading whose title is only a label (二、申报要求 / 5.责任部门)."""
    whole = title.strip().rstrip("：:。. ")
    if whole in _WORD_TO_FIELD:
        return Label(whole, _WORD_TO_FIELD[whole], "")
    text = re.sub(r"^(?:项目的?|专项的?)", "", whole)
    if text in _WORD_TO_FIELD:
        return Label(text, _WORD_TO_FIELD[text], "")
    if re.search(r"专项|计划|领域|方向", text):
        return None
    for word, fld in _WORD_TO_FIELD.items():
        # "申报要求及材料" / "业务受理单位和联系方式": a label plus a short qualifier.
        if fld in ("requirements", "materials", "notes", "schedule", "offices", "general") and word in text and len(text) <= len(word) + 8:
            return Label(word, fld, "")
    return None
