"""Node kinds and tags.

Kinds are read from the tree's shape and the titles' own words, the way a
reader tells a programme (…专项/…计划) from a field (…领域) from the
fundable direction (the unit that carries 研究内容 and 考核指标):

- programme: titled …专项 / …计划 (or introduced as “…”重点专项);
- category: a top grouping (…方面, or a top heading that only groups);
- field: …领域, or a grouping whose children are directions;
- direction: carries research content / indicators, or is a leaf;
- subdirection: a direction under a direction.
"""

from __future__ import annotations

import re

from guidegraph.ingest.model import Node
from guidegraph.ingest.parse.counts import parse_project_count
from guidegraph.ingest.parse.labels import CONTAINER_RE, label_field

PROGRAMME_RE = re.compile(r"(专项|计划|专项资金|基金)(申报指南|编制指南|项目指南|指南)?$|^《.*(专项|计划).*》$")
FIELD_RE = re.compile(r"领域$")
CATEGORY_RE = re.compile(r"方面$")
_TAG_PART_RE = re.compile(r"(类|项目|联动|委托|择优|试点|示范类|揭榜挂帅|赛马|部省联动)$")
_TRAILING_PAREN_RE = re.compile(r"\s*[（(]([^（）()]{2,60})[）)]\s*$")
_TAG_SPLIT_RE = re.compile(r"[、，,；;/／]\s*")


_CODE_IN_TITLE_RE = re.compile(
    r"\s*[（(]\s*(?:指南代码|指南编号|方向代码|代码|编号)\s*[:：]?\s*(?P<code>[A-Za-z0-9][A-Za-z0-9-]{2,20})"
    r"\s*(?:[，,、；;]\s*(?P<rest>[^（）()]+))?[）)]\s*$")


def split_code(title: str) -> tuple[str, str | None, str]:
    """A guide code printed in brackets after the title: 'X（指南代码：TJ2503，基础研究类）' -> ('X', 'TJ2503', '（基础研究类）')."""
    m = _CODE_IN_TITLE_RE.search(title)
    if m is None:
        return title, None, ""
    rest = m.group("rest")
    return title[: m.start()].rstrip(), m.group("code"), f"（{rest.strip()}）" if rest else ""


def split_tags(title: str) -> tuple[str, list[str]]:
    """Strip trailing parenthesised tags: 'X（青年科学家项目、基础研究类）' -> ('X', [...])."""
    tags: list[str] = []
    while True:
        m = _TRAILING_PAREN_RE.search(title)
        if not m:
            break
        parts = [p.strip() for p in _TAG_SPLIT_RE.split(m.group(1)) if p.strip()]
        if not parts or not all(_TAG_PART_RE.search(p) and len(p) <= 12 for p in parts):
            break
        tags = parts + tags
        title = title[: m.start()].rstrip()
    return title, tags


# "可参考重要支持方向（标*的方向）组织申报", "带＊号的方向为…项目": a legend that gives a
# trailing mark on titles the meaning of a project type named in the same sentence.
_MARK_RE = re.compile(r"\s*[*＊]+\s*$")
_LEGEND_RE = re.compile(r"(?:标|带|标注|标有|加)\s*[“\"]?[*＊]+[”\"]?\s*号?\s*(?:的|者)")
_LEGEND_TAG_RE = re.compile(r"[\u4e00-\u9fff]{2,8}?项目")
_LEGEND_STOP_RE = re.compile(r"[，,。；;、：:（）()“”\"的为是和与及]|拟|部署|支持|设置|属于|按照|作为|组织")


def mark_legend(paragraphs: list[str]) -> str | None:
    """The project type a trailing * stands for, from the sentence that explains the mark."""
    for text in paragraphs:
        m = _LEGEND_RE.search(text)
        if m is None:
            continue
        sentence = re.split(r"(?<=[。；;])", text[: m.start()])[-1] + text[m.start():].split("。")[0]
        for token in _LEGEND_STOP_RE.split(sentence):
            tag = _LEGEND_TAG_RE.search(token)
            if tag:
                return tag.group(0)
    return None


def split_mark(title: str, legend: str | None) -> tuple[str, list[str]]:
    """Strip a trailing * from a title; it tags the title with the legend's project type, if any."""
    m = _MARK_RE.search(title)
    if m is None or m.start() == 0:
        return title, []
    return title[: m.start()], [legend] if legend else []


def has_content(node: Node) -> bool:
    return bool(node.research_content or node.indicators)


# Labelled parts that make an item a programme when it has no research content:
# what to support, who may apply, what to hand in, when, and which desk is responsible.
_PROGRAMME_FIELDS = ("requirements", "materials", "schedule", "offices")
_PROGRAMME_SUPPORT = ("支持重点", "重点支持", "支持内容", "支持对象")
CATCH_ALL_RE = re.compile(r"^其[他它余](?:方向|领域|技术|项目|研究)?$")


def has_programme_sections(node: Node) -> bool:
    for block in node.sections + node.notes:
        word = block.label.strip()
        if word in _PROGRAMME_SUPPORT or label_field(word) in _PROGRAMME_FIELDS:
            return True
    return False


def recognisable_direction(node: Node) -> bool:
    """A direction by its own content: research content or indicators, a guide code, a 拟支持 count."""
    if has_content(node) or node.code:
        return True
    for sentence in re.split(r"(?<=[。；;])", " ".join(b.text for b in node.intro)):
        # "该专项共支持研发项目5项" counts a programme's projects, not a direction's
        if parse_project_count(sentence) and not _PROGRAMME_SELF_RE.search(sentence):
            return True
    return False


def classify(nodes: list[Node]) -> None:
    """Set ``kind`` on every node (in place); nodes come parents first."""
    children: dict[str | None, list[Node]] = {}
    for n in nodes:
        children.setdefault(n.parent, []).append(n)
    by_id = {n.id: n for n in nodes}

    any_container = any(CONTAINER_RE.match(n.title.strip()) for n in nodes)

    def kind_of(n: Node) -> str:
        title = n.title.strip()
        if n.kind == "programme" or PROGRAMME_RE.search(title):
            return "programme"
        if n.kind == "direction" or has_content(n) or n.code:
            return "direction"  # (a topic the builder read from a programme's 支持重点 list is preset)
        if FIELD_RE.search(title):
            return "field"
        if CATEGORY_RE.search(title):
            return "category"
        kids = children.get(n.id, [])
        if kids:
            if has_programme_sections(n):
                return "programme"  # a programme whose 支持重点 lists its topics
            if n.parent is None and not _under_programme(n, by_id):
                return "category"
            return "field"
        return leaf_kind(n)

    def leaf_kind(n: Node) -> str:
        """A leaf without content of its own: a direction only where the guide lists directions."""
        if recognisable_direction(n):
            return "direction"  # its own 拟支持 count says so
        if has_programme_sections(n):
            return "programme"  # 支持重点 / 申报要求 / 责任部门 ...: a programme described, not a topic
        siblings = [k for k in children.get(n.parent, []) if k is not n]
        groupings = [k for k in siblings if children.get(k.id)]
        if groupings and len(groupings) * 2 >= len(siblings) and not CATCH_ALL_RE.match(n.title.strip()):
            # a grouping like its siblings that publishes nothing below it (中药产业 next to 西医临床 …)
            said = any(_says_programme(k) for k in [n, *siblings])
            return "programme" if said else next((k.kind for k in groupings if k.kind), "field")
        if _under_container(n, by_id) or not any_container:
            return "direction"
        parent = by_id.get(n.parent) if n.parent else None
        if (parent is not None and parent.kind == "programme") or any(k.kind == "programme" for k in siblings):
            return "programme"  # an item in a list of programmes (a plan's framework)
        return "category"

    for n in nodes:  # parents first, so a parent's kind is known
        n.kind = kind_of(n)
    # A grouping whose children all carry content, sitting under a field, is itself
    # a direction split into sub-directions (山西: 1、大气污染 → （1）…).
    # A grouping whose children all carry content is itself a direction split into
    # sub-directions when the guide says so (本方向…) for it or a sibling
    # (山西 2017: 2、生物治疗… 本方向支持… → （1）…). Coded children are directions in
    # their own right (guide codes name fundable units), so they never count.
    for parent_id, group in children.items():
        splittable = [
            n for n in group
            if n.kind == "field" and children.get(n.id)
            and all(has_content(k) and not k.code for k in children[n.id])
        ]
        if splittable and any(_says_direction(n) for n in group):
            for n in splittable:
                n.kind = "direction"
    for n in nodes:
        parent = by_id.get(n.parent) if n.parent else None
        if n.kind == "direction" and parent is not None and parent.kind in ("direction", "subdirection"):
            n.kind = "subdirection"


_PROGRAMME_SELF_RE = re.compile(r"(?:本|该|此)(?:重点)?专项")


def _says_programme(n: Node) -> bool:
    return any(_PROGRAMME_SELF_RE.search(b.text) for b in n.intro)


def _under_container(n: Node, by_id: dict[str, Node]) -> bool:
    p = by_id.get(n.parent) if n.parent else None
    while p is not None:
        if CONTAINER_RE.match(p.title.strip()):
            return True
        p = by_id.get(p.parent) if p.parent else None
    return False


def _says_direction(n: Node) -> bool:
    return any(b.text.startswith(("本方向", "该方向")) for b in n.intro)


def _under_programme(n: Node, by_id: dict[str, Node]) -> bool:
    p = by_id.get(n.parent) if n.parent else None
    while p is not None:
        if p.kind == "programme":
            return True
        p = by_id.get(p.parent) if p.parent else None
    return False
