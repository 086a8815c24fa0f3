"""Declared counts in programme and direction notes.

Three readers, each returning a plain dict (or None when nothing is declared).
Every dict carries ``text``: the exact substring of the input it was read from.

``parse_direction_count(text)`` — how many directions / tasks a programme opens
("拟启动 20 个方向", "拟启动 15 个项目", "拟支持 21个重点任务")::

    {"value": 20, "value_max": None, "comparator": "=", "unit": "方向", "text": "拟启动 20 个方向",
     "young_scientist": {"value": 5, "value_max": None, "comparator": "=",
                         "text": "拟部署 5个青年科学家项目"} | None,
     "other": [{"value": 4, ..., "label": "部省联动项目", "text": ...}, ...]}

  ``value`` is None when only young-scientist / other projects are declared.
  Counts introduced by 本方向 / 该方向 / 每个方向 are project counts of one
  direction and are left to ``parse_project_count``.

``parse_project_count(text)`` — how many projects one direction will fund
("拟支持数为 1~2项", "支持项目6项左右", "拟支持项目不超过 7项")::

    {"value": 1, "value_max": 2 | None, "comparator": "range" | "=" | "<=" | ">=",
     "approximate": False, "text": "拟支持数为 1~2项"}

``parse_period(text)`` — the implementation period ("实施周期不超过 3年",
"实施周期 3~5年", "执行期为2年")::

    {"value": 3, "value_max": None, "comparator": "<=", "unit": "年",
     "approximate": False, "text": "实施周期不超过 3年"}

Values are ints when whole, else floats. The first declaration in the text wins.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from guidegraph.ingest.parse.numerals import compact_view, parse_number

_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)"
_RANGE = r"(?P<n1>" + _NUM + r")(?:[-~～—–〜至到](?P<n2>" + _NUM + r"))?"
_COMPARATOR = r"(?P<cmp>原则上不超过|不超过|不多于|最多|不少于|不低于|至少|约|共)?"
COMPARATOR_WORDS = {"原则上不超过": "<=", "不超过": "<=", "不多于": "<=", "最多": "<=",
                    "不少于": ">=", "不低于": ">=", "至少": ">="}
APPROXIMATE_WORDS = ("约", "左右")

DIRECTION_RE = re.compile(
    # 下支持/中支持: "拟在3个任务下支持5个研究方向" counts the directions under the tasks
    r"(?:拟启动|启动|拟部署|部署|拟支持|下支持|中支持|拟设置|拟设立|设置|拟立项|共设|中的)" + _COMPARATOR + _RANGE
    + r"个(?P<label>[\u4e00-\u9fff]{0,10}?)(?P<noun>方向|项目|任务|课题)"
)
# Modifiers that still name the programme's own directions ("重点任务", "研究方向").
GENERIC_LABELS = {"", "重点", "研究", "指南", "技术", "研发", "重点研发", "重大", "重点研究", "重点支持"}
_PER_DIRECTION = re.compile(r"(?:本|该|每个|每一|同一|各)(?:研究)?方向")

PROJECT_RE = re.compile(
    r"(?:拟|只|共|可)?支持(?:研发)?(?:项目)?(?:数|数量)?(?:为|：|:|是)?(?:原则上)?" + _COMPARATOR + _RANGE
    + r"(?P<unit>项(?!目)|个项目|个(?![\u4e00-\u9fff]))(?P<approx>左右)?"
)

PERIOD_RE = re.compile(
    r"(?:实施周期|执行期|执行周期|研究周期|实施期限|研究期限|执行期限|项目周期|实施年限|建设周期|资助期限|实施期)"
    r"(?:一般|原则上|为|是|：|:|均|应)*" + _COMPARATOR + _RANGE
    + r"(?P<unit>年|个月|月)(?P<post>以内|之内|内|左右)?"
)


def _whole(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _read_range(m: re.Match) -> tuple[float, float | None] | None:
    low = parse_number(m.group("n1"))
    if low is None:
        return None
    high = parse_number(m.group("n2")) if m.group("n2") else None
    if high is not None and high < low:
        return None
    return low, high


def _counts(pattern: re.Pattern, text: str) -> Iterator[tuple[re.Match, dict[str, Any], str]]:
    """Each match of ``pattern`` whose numbers read, with the entry every count shares
    (value, value_max, comparator, source text) and the compact text it was found in."""
    compact, offsets = compact_view(text)
    for m in pattern.finditer(compact):
        read = _read_range(m)
        if read is None:
            continue
        low, high = read
        entry = {"value": _whole(low), "value_max": _whole(high) if high is not None else None,
                 "comparator": _comparator(m, high), "text": _text(text, offsets, m.start(), m.end())}
        yield m, entry, compact


def _comparator(m: re.Match, high: float | None) -> str:
    if high is not None:
        return "range"
    return COMPARATOR_WORDS.get(m.group("cmp") or "", "=")


def _text(text: str, offsets: list[int], start: int, end: int) -> str:
    return text[offsets[start]:offsets[end - 1] + 1]


def parse_direction_count(text: str) -> dict[str, Any] | None:
    """Declared number of directions / tasks (see module docstring)."""
    if not text or "个" not in text:
        return None
    main: dict[str, Any] | None = None
    young: dict[str, Any] | None = None
    other: list[dict[str, Any]] = []
    for m, entry, compact in _counts(DIRECTION_RE, text):
        sentence_start = max(compact.rfind(ch, 0, m.start()) for ch in "。；;") + 1
        if _PER_DIRECTION.search(compact, sentence_start, m.start()):
            continue
        label = m.group("label")
        if compact.startswith("中的", m.end()) or compact.startswith("中", m.end()):
            continue  # "3个任务中的6个研究方向": the directions are counted next
        if "青年" in label:
            young = young or entry
        elif label in GENERIC_LABELS:
            if main is None:
                main = dict(entry, unit=label + m.group("noun"))
        else:
            other.append(dict(entry, label=label + m.group("noun")))
    if main is None and young is None and not other:
        return None
    result: dict[str, Any] = main or {"value": None, "value_max": None, "comparator": None, "unit": None, "text": ""}
    result["young_scientist"] = young
    result["other"] = other
    return result


def parse_project_count(text: str) -> dict[str, Any] | None:
    """Declared number of projects to fund (see module docstring)."""
    if not text or "持" not in text:  # one character: PDF wraps can split words
        return None
    for m, entry, _ in _counts(PROJECT_RE, text):
        return dict(entry, approximate=bool(m.group("approx")) or m.group("cmp") == "约")
    return None


def parse_period(text: str) -> dict[str, Any] | None:
    """Declared implementation period (see module docstring)."""
    if not text or ("期" not in text and "限" not in text):
        return None
    for m, entry, _ in _counts(PERIOD_RE, text):
        post = m.group("post")
        if entry["comparator"] == "=" and post in ("以内", "之内", "内"):
            entry["comparator"] = "<="
        return dict(entry, unit=m.group("unit"), approximate=post == "左右" or m.group("cmp") == "约")
    return None


FIELD_COUNT_RE = re.compile(r"(?:共设|共有|共|涉及|包括|覆盖|分为|围绕|设置|设立|设)" + _COMPARATOR + _RANGE
                            + r"个(?:重点|技术|研究)?(?P<noun>领域|方面|板块|专题)")
# Only directions are checked against the outline: a guide funding "30个项目" may fund several per direction.
_GUIDE_VERB = r"(?:拟启动|启动|拟部署|部署|拟支持|支持|拟设置|设置|拟设立|设立|拟立项|立项|共设|发布|涉及|包括|共|设|中的|[、，,])(?:立项)?(?:支持)?"
GUIDE_DIRECTION_RE = re.compile(_GUIDE_VERB + _COMPARATOR + _RANGE + r"个(?P<label>重点|研究|指南|技术|重点研究|重点支持)?方向")
GUIDE_PROJECT_RE = re.compile(_GUIDE_VERB + _COMPARATOR + _RANGE + r"(?:个|项)(?:重点|研发|科技)?项目")
# Wording that speaks of the guide as a whole ("本指南共涉及…", "本批拟支持…").
GUIDE_WIDE_RE = re.compile(r"本指南|本次指南|本批|本次|本年度|今年|年度指南|指南共|共涉及|全年")


def parse_guide_counts(text: str, guide_wide: bool = False) -> dict[str, dict[str, Any]]:
    """What a guide as a whole declares: {"directions": {...}, "fields": {...}}.

    ``guide_wide`` says the text is the guide's own overview (its preamble);
    elsewhere a sentence must speak of the whole guide (本指南/本批…) to count.
    """
    out: dict[str, dict[str, Any]] = {}
    if not text or "个" not in text:
        return out
    for sentence in re.split(r"(?<=[。；;！!])", text):
        if not (guide_wide or GUIDE_WIDE_RE.search(sentence)):
            continue
        if "directions" not in out:
            for m, entry, compact in _counts(GUIDE_DIRECTION_RE, sentence):
                if _PER_DIRECTION.search(compact, 0, m.start()):
                    continue
                out["directions"] = dict(entry, unit=(m.group("label") or "") + "方向")
                break
        if "projects" not in out:
            for m, entry, _ in _counts(GUIDE_PROJECT_RE, sentence):
                out["projects"] = dict(entry, unit="项目")
                break
        if "fields" not in out:
            for m, entry, _ in _counts(FIELD_COUNT_RE, sentence):
                out["fields"] = dict(entry, unit=m.group("noun"))
                break
    return out
