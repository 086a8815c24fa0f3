"""Numeric constraints inside indicator statements (考核指标 / 技术指标).

``parse_quantities("临床应用不低于100例，COD去除率大于90%")`` gives one
Quantity per constraint: comparator, value (Chinese numerals resolved),
value_max for ranges, unit, and the exact substring it was read from.

Conventions:
- A 万/亿 written next to the number is folded into the value ("10万例" ->
  100000 例) except for money, which keeps the printed unit ("500万元" ->
  500 万元), matching ``Funding.scale``.
- "±2m" is the range -2..2. "5~10种以上" is read as the range 5..10.
- A bare number counts only with a unit or a comparator, so section numbers
  ("1.1"), guide codes ("2001"), phone numbers and enumerators are skipped;
  so are dates and years, numbers inside 《》 titles and 〔〕 document numbers,
  standard numbers (GB2449-2014, ISO 13485) and numbers glued to letters
  (COVID-19, H7N9, 5G, 3D) or naming a type (2型糖尿病).
"""

from __future__ import annotations

import re

from guidegraph.ingest.model import Quantity
from guidegraph.ingest.parse.numerals import (
    CHINESE_DIGITS,
    NUMBER_PATTERN,
    compact_view,
    parse_number,
)

# Comparator words; longest first so "大于等于" wins over "大于".
PREFIX_COMPARATORS = {
    "不得少于": ">=", "不得低于": ">=", "不应少于": ">=", "不应低于": ">=",
    "不得超过": "<=", "不能超过": "<=", "不应超过": "<=", "不宜超过": "<=", "不得高于": "<=",
    "大于或等于": ">=", "大于等于": ">=", "不少于": ">=", "不低于": ">=", "不小于": ">=",
    "至少": ">=", "≥": ">=", ">=": ">=", "≧": ">=", "⩾": ">=",
    "小于或等于": "<=", "小于等于": "<=", "不超过": "<=", "不高于": "<=", "不大于": "<=",
    "不多于": "<=", "最多": "<=", "≤": "<=", "<=": "<=", "≦": "<=", "⩽": "<=",
    "大于": ">", "超过": ">", "高于": ">", "多于": ">", ">": ">",
    "小于": "<", "低于": "<", "少于": "<", "不足": "<", "<": "<",
}
SUFFIX_COMPARATORS = {
    "及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<=",
}

# CJK measure words and units, longest first.
CJK_UNITS = (
    "万元", "亿元", "元", "人次", "家次", "台套", "台次", "批次", "个月", "小时", "分钟", "毫秒",
    "平方公里", "平方米", "立方米", "公里", "千米", "厘米", "毫米", "米", "公斤", "千克", "公顷",
    "周岁", "岁", "英寸", "微米", "纳米", "毫升", "微升", "毫克", "微克", "纳克", "万亩", "例", "家", "项", "个", "种", "株", "篇", "件", "人", "台", "套", "次", "份", "批",
    "条", "所", "处", "座", "款", "部", "名", "位", "类", "组", "支", "只", "张", "本", "册",
    "幅", "辆", "艘", "架", "颗", "剂", "床", "帧", "路", "倍", "秒", "天", "日", "周", "年",
    "月", "吨", "克", "亩", "米", "层", "户", "村", "县", "省", "区", "期",
)
# Units that need a comparator: "6月" and "15日" are usually dates.
WEAK_UNITS = {"月", "日", "期", "区", "省", "县", "村"}
# A measure word followed by one of these characters is part of another word
# ("一部分", "所有", "项目", "周期"), so the number has no unit.
UNIT_BREAKERS = {
    "部": "分门署委位件", "所": "有以述属在", "项": "目", "名": "称单义额", "位": "点置于移",
    "处": "理置于", "份": "额子", "台": "湾阶", "支": "持撑付", "人": "员类工才民口体",
    "次": "级序生要性数", "组": "织成建合学", "周": "期边围", "天": "然津", "年": "龄度级轻代",
    "条": "件例款", "类": "别型似", "个": "性体", "种": "类群植", "期": "间刊望", "区": "域别块",
    "省": "级内外", "县": "级域", "元": "素件化组胞次论体空函方数酸",
}
# "5年生存率": a time unit naming a term, not a period.
TIME_TERM_FOLLOWERS = ("生存", "无病", "无瘤", "死亡", "复发", "累积", "总生存")
TIME_UNITS = {"年", "个月", "月", "天", "日", "周", "小时", "分钟", "秒", "毫秒", "h", "min", "d", "s"}

# ASCII-ish unit token (validated afterwards by _valid_ascii_unit).
_UNIT_ATOM = r"[A-Za-zµΩÅ\u0370-\u03ff][A-Za-z0-9µΩÅ\u0370-\u03ff·²³]*"
_PER = r"(?:/(?:" + _UNIT_ATOM + r"|\d+[A-Za-z]+|年|月|天|日|次|小时|分钟|秒|人|例|台))"
ASCII_UNIT_PATTERN = r"(?:%|‰|℃|°C|°|º|" + _UNIT_ATOM + _PER + r"*)"
_ALLCAPS_UNITS = {
    "V", "A", "W", "N", "T", "J", "L", "M", "U", "IU", "GB", "TB", "PB", "MB", "KB", "EB",
    "BPM", "LMH", "MW", "GW", "KW", "KV", "MV", "HU", "PFLOPS", "TFLOPS", "FLOPS", "MHZ", "GHZ", "KHZ",
}
_NON_UNIT_TOKENS = ("RNA", "DNA", "RSD")

_CJK_UNIT_PATTERN = "|".join(sorted(set(CJK_UNITS), key=len, reverse=True))
_PREFIX_PATTERN = "|".join(re.escape(w) for w in sorted(PREFIX_COMPARATORS, key=len, reverse=True))
_SUFFIX_PATTERN = "|".join(sorted(SUFFIX_COMPARATORS, key=len, reverse=True))
_SCI = r"(?:[×xX\*]10\^?(?P<{name}>[-−]?\d{{1,3}}))"
_UNIT = r"(?:(?P<{c}>" + _CJK_UNIT_PATTERN + r")|\s?(?P<{a}>" + ASCII_UNIT_PATTERN + r"))"
_RANGE_DASH = r"[-~～—–〜至到]"

QUANTITY_RE = re.compile(
    r"(?:(?P<pre>" + _PREFIX_PATTERN + r")(?P<neg>[-−])?)?"
    r"(?P<sign>±)?"
    r"(?P<n1>" + NUMBER_PATTERN + r")" + _SCI.format(name="e1") + "?"
    + _UNIT.format(c="cu1", a="au1") + "?"
    + r"(?:(?P<dash>" + _RANGE_DASH + r")(?P<n2>" + NUMBER_PATTERN + r")" + _SCI.format(name="e2") + "?"
    + _UNIT.format(c="cu2", a="au2") + "?)?"
    + r"(?P<post>" + _SUFFIX_PATTERN + r")?"
)

# Spans that never hold a constraint: titles, document numbers, dates, times,
# standard numbers, phone numbers.
_MASK_RES = [
    re.compile(r"《[^《》]{0,120}》"),
    re.compile(r"“[^“”]{1,10}”"),  # short quoted names: “十四五”, “六项承诺”
    re.compile(r"〔[^〔〕]{0,20}〕|\[[^\[\]]{0,40}\d{4}[^\[\]]{0,40}\]"),
    re.compile(r"(?:1[89]|20|21)\d{2}(?:[-~～—–至到](?:1[89]|20|21)\d{2})?年(?:度|\d{1,2}月(?:\d{1,2}[日号])?)?"),
    re.compile(r"\d{1,2}月\d{1,2}[日号]"),
    re.compile(r"(?:1[89]|20)\d{2}([./-])\d{1,2}\1\d{1,2}(?!\d)"),
    re.compile(r"\d{1,2}:\d{2}(?::\d{2})?"),
    re.compile(r"\(?0\d{2,3}\)?-\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)"),
]

_ANY_NUMBER = re.compile(r"[\d零〇一二两三四五六七八九十]")
_CN_DIGIT_START = set(CHINESE_DIGITS) | {"十"}
# A Chinese numeral after one of these is part of a word (统一, 第一, 唯一, 几十万).
_CN_LEFT_BLOCKERS = set("第统唯同单逐之某任专合归划星其不万千百几数多初周礼若无均带")


def _valid_ascii_unit(token: str) -> bool:
    if token in ("%", "‰", "℃", "°C", "°", "º"):
        return True
    if len(token) > 16:
        return False
    head = token.split("/", 1)[0]
    if any(bad in head.upper() for bad in _NON_UNIT_TOKENS):
        return False
    letters = [ch for ch in head if ch.isalpha()]
    if letters and all(ch.isascii() and ch.isupper() for ch in letters):
        return head.upper() in _ALLCAPS_UNITS
    return True


def _masked(compact: str) -> bytearray:
    mask = bytearray(len(compact))
    for rx in _MASK_RES:
        for m in rx.finditer(compact):
            mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return mask


def _value(number: str, exponent: str | None) -> float | None:
    value = parse_number(number)
    if value is None:
        return None
    if exponent:
        value *= 10.0 ** int(exponent.replace("−", "-"))
    return value


def _is_year(number: str) -> bool:
    return bool(re.fullmatch(r"(?:1[89]|20|21)\d{2}", number))


def _unit_of(m: re.Match, which: str, compact: str) -> tuple[str | None, int]:
    """The unit read after number ``which`` ("1"/"2") and where it ends (-1: none)."""
    cjk = m.group("cu" + which)
    if cjk:
        end = m.end("cu" + which)
        follower = compact[end:end + 1]
        if follower and follower in UNIT_BREAKERS.get(cjk, ""):
            return None, -1
        return cjk, end
    asc = m.group("au" + which)
    if asc and _valid_ascii_unit(asc):
        return asc, m.end("au" + which)
    return None, -1


def _left_blocked(compact: str, start: int, chinese: bool) -> bool:
    """True when the number at ``start`` is glued to a code, name or ordinal."""
    if start == 0:
        return False
    prev = compact[start - 1]
    if prev.isascii() and prev.isalpha():
        return True
    if prev in "-/._" and start >= 2 and compact[start - 2].isascii() and compact[start - 2].isalnum():
        return True
    if prev == " " and start >= 2 and compact[start - 2].isascii() and compact[start - 2].isalpha():
        return True
    if prev in "第#№":
        return True
    if chinese and prev in _CN_LEFT_BLOCKERS:
        return True
    return False


def _read(m: re.Match, compact: str, mask: bytearray) -> tuple[Quantity, int, int] | None:
    n1 = m.group("n1")
    chinese = n1[0] in _CN_DIGIT_START
    pre = m.group("pre")
    if not pre and _left_blocked(compact, m.start("n1") if not m.group("sign") else m.start("sign"), chinese):
        return None
    unit1, end1 = _unit_of(m, "1", compact)
    end = end1 if end1 >= 0 else m.end("e1") if m.group("e1") else m.end("n1")
    unit = unit1
    value = _value(n1, m.group("e1"))
    if value is None:
        return None
    value_max = None
    comparator = PREFIX_COMPARATORS.get(pre) if pre else None

    if m.group("neg"):
        value = -value  # "≥-55dB"
    ranged = False
    if m.group("n2") and (end1 < 0 or end1 == m.start("dash")) and not m.group("sign"):
        hi = _value(m.group("n2"), m.group("e2"))
        unit2, end2 = _unit_of(m, "2", compact)
        hi_end = end2 if end2 >= 0 else m.end("e2") if m.group("e2") else m.end("n2")
        if hi is not None and hi >= value and not (unit2 is None and m.group("n2")[0] in _CN_DIGIT_START):
            ranged = True
            value_max = hi
            unit = unit2 or unit1
            end = hi_end
        elif n1 == "10" and unit1 is None and m.group("dash") == "-" and re.fullmatch(r"\d{1,2}", m.group("n2")):
            # "10-6mol/L": a power of ten whose superscript minus was flattened
            value = 10.0 ** -int(m.group("n2"))
            unit = unit2
            end = hi_end
    if ranged and _is_year(n1) and _is_year(m.group("n2")):
        return None
    post = m.group("post")
    if post == "内" and unit not in TIME_UNITS:
        post = None  # "2项内容" is not "within 2 items"
    if post and m.start("post") == end:
        end = m.end("post")
        if comparator is None and not ranged:
            comparator = SUFFIX_COMPARATORS[post]
    if m.group("sign") and not ranged and comparator is None:
        ranged = True
        value, value_max = -value, value

    after = compact[end:end + 1]
    if unit is None:
        if after and after.isascii() and after.isalpha():
            return None  # 5G, 3D, 2D: a name, not a number
        if after in (":", "："):
            ratio = re.match(r"[:：](\d+(?:\.\d+)?)(?![\d:])", compact[end:])
            if not pre or not ratio or float(ratio.group(1)) == 0:
                return None  # clock time, or a ratio nobody bounded
            value /= float(ratio.group(1))  # "不低于2:1" bounds the ratio 2/1
            end += ratio.end()
        if chinese and not pre:
            return None
        if comparator is None and not ranged:
            return None
    if unit is not None and not pre and not post:
        if unit in WEAK_UNITS:
            return None
        if unit in TIME_UNITS and compact.startswith(TIME_TERM_FOLLOWERS, end):
            return None
    if unit in ("年",) and _is_year(n1):
        return None
    if chinese and n1 == "一" and unit == "批":
        return None  # 一批 means "a number of"
    if chinese and unit == "元" and not any(ch in n1 for ch in "十百千"):
        return None  # 三元轮作, 二元: a word, not money
    if chinese and n1 in ("一", "二", "三") and unit == "类" and not pre:
        return None  # 二类医疗器械: a class, not a count
    if ranged and unit is None and comparator is None and not m.group("sign"):
        return None
    if ranged:
        comparator = "range"  # also for "不少于2~3项": the printed range is the information
    elif comparator is None:
        comparator = "="
    start = m.start()
    if any(mask[start:end]):
        return None
    return Quantity(comparator=comparator, value=value, unit=unit, value_max=value_max), start, end


def parse_quantities(text: str) -> list[Quantity]:
    """Every numeric constraint in ``text``, in reading order."""
    if not text or not _ANY_NUMBER.search(text):
        return []
    compact, offsets = compact_view(text)
    if not compact:
        return []
    mask = _masked(compact)
    found: list[Quantity] = []
    pos = 0
    while True:
        m = QUANTITY_RE.search(compact, pos)
        if m is None:
            break
        read = _read(m, compact, mask)
        if read is None:
            # skip the whole number so its tail is not read as a new number
            pos = max(m.end("n1"), m.start() + 1)
            continue
        quantity, start, end = read
        a, b = offsets[start], offsets[end - 1] + 1
        quantity.text = text[a:b]
        found.append(quantity)
        pos = end
    return found
