"""Numbers as printed in funding guides: Arabic, full-width and Chinese numerals.

Also the text view the other number parsers share: ``compact_view`` folds
full-width forms to ASCII and drops the whitespace PDF extraction leaves
inside phrases ("5.25 亿元", "500\\n\\n万元"), keeping a map back to the
original offsets so every match can be reported as an exact substring.
"""

from __future__ import annotations

import re

from guidegraph.ingest.parse.width import fold

CHINESE_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}

_CN_DIGIT_CHARS = "".join(CHINESE_DIGITS)
_CN_ALL_CHARS = _CN_DIGIT_CHARS + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)

# Regex fragments shared by quantities, funding and counts (run on compact_view text).
# A trailing 万/亿 belongs to the number unless it starts the money unit 万元/亿元.
ARABIC_PATTERN = r"(?:\d{1,3}(?:,\d{3})+(?![\d.])|\d+(?:\.\d+)?)(?:[十百千]|[万亿](?!元))*"
CHINESE_PATTERN = r"[零〇一二两三四五六七八九十](?:[零〇一二两三四五六七八九十百千]|[万亿](?!元))*"
NUMBER_PATTERN = f"(?:{ARABIC_PATTERN}|{CHINESE_PATTERN})"

_ARABIC_RE = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


_NON_SPACE_RE = re.compile(r"\S+")


def fold_char(ch: str) -> str:
    """Full-width ASCII forms to ASCII, one character for one (offsets stay valid)."""
    return fold(ch)


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def compact_view(text: str) -> tuple[str, list[int]]:
    """Fold full-width forms and drop whitespace; return (compact, offsets).

    ``offsets[i]`` is the index in ``text`` of compact character ``i``.
    A single space is kept between two ASCII letters/digits ("ISO 13485",
    "3.8 bits") so that separate tokens do not fuse.
    """
    folded = fold(text)
    parts: list[str] = []
    offsets: list[int] = []
    previous_end = -1
    for m in _NON_SPACE_RE.finditer(folded):
        start, end = m.span()
        token = m.group(0)
        if parts and previous_end < start and _is_ascii_alnum(parts[-1][-1]) and _is_ascii_alnum(token[0]):
            parts.append(" ")
            offsets.append(previous_end)
        parts.append(token)
        offsets.extend(range(start, end))
        previous_end = end
    return "".join(parts), offsets


def _parse_chinese(s: str) -> float | None:
    if not s or any(ch not in _CN_ALL_CHARS for ch in s):
        return None
    if s[0] not in CHINESE_DIGITS and s[0] not in "十拾":
        return None
    if not any(ch in SMALL_UNITS or ch in LARGE_UNITS for ch in s):
        # digit by digit, as in "二〇二五"; "三四" is "three or four", not 34
        if len(s) == 2 and not ({"〇", "零"} & set(s)):
            return None
        return float(int("".join(str(CHINESE_DIGITS[ch]) for ch in s)))
    total = 0
    section = 0
    digit: int | None = None
    for ch in s:
        if ch in CHINESE_DIGITS:
            if digit is not None and CHINESE_DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row, e.g. "三四十"
            digit = CHINESE_DIGITS[ch]
        elif ch in SMALL_UNITS:
            # a bare 十 at the start means 一十
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            unit = LARGE_UNITS[ch]
            block = section + (digit or 0)
            if unit == 100_000_000:
                total = (total + block) * unit
            else:
                total += (block or 1) * unit
            section = 0
            digit = None
    return float(total + section + (digit or 0))


def parse_number(s: str) -> float | None:
    """The value of a printed number, or None when ``s`` is not one number.

    Accepts "3.5", "1,000", full-width "１００", Chinese "两", "十五",
    "一百二十", "三千五百", "十万", "〇", and mixed "1.5万" / "3千".
    """
    if not isinstance(s, str):
        return None
    t = "".join(fold_char(ch) for ch in s).strip()
    if not t:
        return None
    head = _ARABIC_RE.match(t) or _THOUSANDS_RE.match(t)
    if head:
        thousands = _THOUSANDS_RE.match(t)
        if thousands and thousands.end() > head.end():
            head = thousands
        value = float(head.group(0).replace(",", ""))
        rest = t[head.end():]
        if not rest:
            return value
        # a multiplier tail such as 万, 千万, 亿
        if all(ch in SMALL_UNITS or ch in LARGE_UNITS for ch in rest):
            factor = _parse_chinese("一" + rest) if rest[0] not in "十拾" else _parse_chinese(rest)
            return value * factor if factor is not None else None
        return None
    return _parse_chinese(t)
