"""Money figures in guides: 元 / 万元 / 亿元, with scope and comparator.

``parse_funding(text)`` returns one Funding per printed figure, in order:
``amount`` as printed, ``scale`` (元 | 万元 | 亿元), ``yuan`` resolved
(5.25亿元 -> 525000000.0), ``scope`` and ``comparator``;
``text`` is the exact substring, from a comparator word before the figure
("不超过1000万元") to a 以上/以下 after it.

- scope comes from the nearest cue before the figure in the same sentence:
  "per_project" (每个项目, 单个项目, 每项, 单项, 资助/支持强度, 资助额度...) or
  "total" (国拨经费概算, 总经费, 拟安排, 共安排, 总额, 合计...), else
  "unspecified".
- comparator: "<=" (不超过, 最高, 原则上不超过, 以内...), ">=" (不低于, 以上...),
  else "=". A printed range ("20-30万元") has no Funding comparator of its
  own, so it yields two figures with the same text: ">=" the low bound and
  "<=" the high bound.

PDF spacing ("5.25 亿元", "500\\n\\n万元") and full-width digits are handled.
"""

from __future__ import annotations

import re

from guidegraph.ingest.model import Funding
from guidegraph.ingest.parse.numerals import compact_view, parse_number

SCALES = {"元": 1.0, "万元": 10_000.0, "亿元": 100_000_000.0}

PER_PROJECT_CUES = (
    "每个项目", "单个项目", "每项", "单项", "每个课题", "每个", "资助强度", "支持强度", "资助额度",
    "项目资助额度", "平均支持强度", "平均资助强度", "资助金额", "经费强度", "补助标准", "每家",
)
TOTAL_CUES = (
    "国拨经费概算", "经费概算", "总经费", "拟安排", "共安排", "安排经费", "总额", "合计", "总计",
    "总预算", "总投入", "共计", "累计",
)
AT_MOST = ("原则上不超过", "不得超过", "不能超过", "不应超过", "最高不超过", "不超过", "最高", "不高于", "不大于", "最多", "上限为", "上限", "≤", "<=")
AT_LEAST = ("不得低于", "不低于", "不少于", "至少", "不小于", "≥", ">=")
SUFFIX_AT_LEAST = ("及以上", "以上")
SUFFIX_AT_MOST = ("及以下", "以下", "以内")

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?[十百千]?|[零〇一二两三四五六七八九十百千]+"
MONEY_RE = re.compile(
    r"(?P<n1>" + _NUM + r")(?:(?P<s1>亿元|万元|元))?"
    r"(?:[-~～—–至到](?P<n2>" + _NUM + r"))?(?P<scale>亿元|万元|元)"
)
_CUE_RE = re.compile("|".join(sorted(PER_PROJECT_CUES + TOTAL_CUES, key=len, reverse=True)))
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_PREFIX_GAP = re.compile(r"(?:为|是|:|：|约|达|在|控制在)*$")
_YUAN_WORD_TAILS = set("素件化组胞次论体空函方数酸")
# how far back (compact characters) a scope cue may stand
CUE_WINDOW = 40


def _scope(compact: str, start: int) -> str:
    window_start = max(0, start - CUE_WINDOW)
    ends = list(_SENTENCE_END.finditer(compact, window_start, start))
    if ends:
        window_start = ends[-1].end()
    best = None
    for m in _CUE_RE.finditer(compact, window_start, start):
        best = m.group(0)
    if best is None:
        return "unspecified"
    if best in PER_PROJECT_CUES:
        return "per_project"
    # "其中…拟安排国拨经费概算 0.25亿元" is a share of the total just announced, not a second total
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(compact, 0, start)), default=0)
    return "part" if "其中" in compact[sentence_start:start] else "total"


def _prefix_comparator(compact: str, start: int) -> tuple[str | None, int]:
    """Comparator word before the figure and where it starts (``start`` if none)."""
    head_start = max(0, start - 12)
    head = compact[head_start:start]
    gap = _PREFIX_GAP.search(head)
    core = head[:gap.start()] if gap else head
    for words, comp in ((AT_MOST, "<="), (AT_LEAST, ">=")):
        for word in words:
            if core.endswith(word):
                return comp, head_start + len(core) - len(word)
    return None, start


def _suffix(compact: str, end: int) -> tuple[str | None, int]:
    """A trailing 以上/以下, allowing one short parenthetical between."""
    rest = compact[end:end + 30]
    paren = re.match(r"[（(][^（()）]{0,24}[）)]", rest)
    skip = paren.end() if paren else 0
    for words, comp in ((SUFFIX_AT_LEAST, ">="), (SUFFIX_AT_MOST, "<=")):
        for word in words:
            if rest.startswith(word, skip):
                return comp, end + skip + len(word)
    return None, end


def _plain_yuan(compact: str, m: re.Match) -> bool:
    """A bare 元 is money unless it is a word: 三元轮作, 二元化, 3元素."""
    if compact[m.end():m.end() + 1] in _YUAN_WORD_TAILS:
        return False
    number = m.group("n2") or m.group("n1")
    return number[0].isdigit() or any(ch in "十百千" for ch in number)


def parse_funding(text: str) -> list[Funding]:
    """Every money figure in ``text`` (see module docstring)."""
    if not text or "元" not in text:
        return []
    compact, offsets = compact_view(text)
    found: list[Funding] = []
    for m in MONEY_RE.finditer(compact):
        start = m.start()
        if start and (compact[start - 1].isascii() and compact[start - 1].isalnum() or compact[start - 1] in ".-"):
            continue  # tail of a code or a longer number
        low = parse_number(m.group("n1"))
        if low is None:
            continue
        scale = m.group("scale")
        if scale == "元" and not _plain_yuan(compact, m):
            continue
        comparator, text_start = _prefix_comparator(compact, start)
        suffix, end = _suffix(compact, m.end())
        comparator = comparator or suffix or "="
        a, b = offsets[text_start], offsets[end - 1] + 1
        piece = text[a:b]
        scope = _scope(compact, start)
        high = parse_number(m.group("n2")) if m.group("n2") else None
        if high is None:
            found.append(_funding(piece, low, scale, scope, comparator))
            continue
        low_scale = m.group("s1") or scale
        if low * SCALES[low_scale] <= high * SCALES[scale]:
            found.append(_funding(piece, low, low_scale, scope, ">="))
            found.append(_funding(piece, high, scale, scope, "<="))
        else:  # not a range after all ("2021-2020元"): keep the figure next to the unit
            found.append(_funding(piece, high, scale, scope, comparator))
    return found


def _funding(text: str, amount: float, scale: str, scope: str, comparator: str) -> Funding:
    return Funding(text=text, amount=amount, scale=scale, yuan=round(amount * SCALES[scale], 4),
                   scope=scope, comparator=comparator)
