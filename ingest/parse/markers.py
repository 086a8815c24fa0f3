"""Outline numbering: recognise the marker at the head of a paragraph.

Guides number their outline in many styles: 一、 （一） 1、 1. （1） 1） ①
1.1 1.1.1, four-digit guide codes (2001), and 附件N. A marker is only a
candidate; whether it really opens a heading is decided by the outline
builder from the numbering sequence (a human reader does the same).
All patterns run on folded text (full-width punctuation made half-width).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guidegraph.ingest.parse.numerals import parse_number

CN_DIGITS = "〇零一二三四五六七八九十百两"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def cn_small_number(text: str) -> int | None:
    """一..九十九 as used in outline numbers; None if not such a numeral."""
    if not text or any(c not in CN_DIGITS for c in text):
        return None
    value = parse_number(text)
    return int(value) if value is not None and value == int(value) and value < 100 else None


@dataclass(frozen=True)
class Marker:
    style: str  # "cn-dun" 一、 | "cn-paren" （一） | "ar-dun" 1、 | "ar-dot" 1. | "ar-paren" （1） | "ar-half" 1） | "circled" ① | "dotted2"/"dotted3" 1.1 | "code" 2001
    value: int  # the ordinal (last component for dotted numbers)
    number: str  # as printed, e.g. "（一）", "1.1", "2001"
    rest: str  # the text after the marker, stripped
    path: tuple[int, ...] = ()  # all components of a dotted number
    head: int = 0  # length of the marker (with its spacing) in the left-stripped text


_PATTERNS = (
    ("cn-dun", re.compile(rf"^([{CN_DIGITS}]{{1,3}})\s*[、.．]\s*(.*)$")),
    ("cn-paren", re.compile(rf"^[(]\s*([{CN_DIGITS}]{{1,3}})\s*[)]\s*[、.]?\s*(.*)$")),
    ("dotted", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})(?![\d.])\s*[、.]?\s*(?=\D)(.*)$")),
    ("code", re.compile(r"^(\d{4,6})(?=\s|[\u3400-\u9fff])\s*(.+)$")),
    ("ar-dun", re.compile(r"^(\d{1,2})\s*、\s*(.*)$")),
    ("ar-dot", re.compile(r"^(\d{1,2})\s*\.\s*(.*)$")),
    ("ar-paren", re.compile(r"^[(]\s*(\d{1,2})\s*[)]\s*[、.]?\s*(.*)$")),
    ("ar-half", re.compile(r"^(\d{1,2})\s*[)]\s*(.*)$")),
    ("circled", re.compile(rf"^([{CIRCLED}])\s*(.*)$")),
    # bilingual guides: I. / II. and A. / B.
    ("roman", re.compile(r"^((?=[IVX])X{0,3}(?:IX|IV|V?I{0,3}))\s*[.．、]\s*(.*)$")),
    ("letter", re.compile(r"^([A-Z])\s*[.．、]\s*(?=[^\x00-\x7f]|[A-Z][a-z])(.*)$")),
    # worded numbers: 专题一：海洋装备, 方向1：…, 任务2、…
    ("word", re.compile(rf"^((?:专题|方向|任务|课题|板块)\s*(?:[{CN_DIGITS}]{{1,3}}|\d{{1,2}}))\s*[：:、.．]\s*(.*)$")),
    # 第一部分 总体要求 / 第二章 …
    ("part", re.compile(rf"^(第\s*[{CN_DIGITS}]{{1,3}}\s*(?:部分|章|篇))\s*[：:、.．]?\s*(.*)$")),
)
_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman_value(text: str) -> int:
    total = 0
    for a, b in zip(text, text[1:] + " "):
        v = _ROMAN[a]
        total += -v if b in _ROMAN and _ROMAN[b] > v else v
    return total


def match_marker(folded: str) -> Marker | None:
    """The most likely outline marker at the start of ``folded`` text, if any."""
    found = candidate_markers(folded)
    return found[0] if found else None


def candidate_markers(folded: str) -> list[Marker]:
    """Every reading of the marker at the start of ``folded``, likeliest first.

    "2.1型糖尿病" reads as the dotted number 2.1 or as item 2. followed by
    "1型…"; only the numbering sequence can tell, so both are offered.
    """
    text = folded.lstrip()
    found: list[Marker] = []
    for style, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        raw, rest = m.group(1), m.group(2).strip()
        head = m.start(2) if m.group(2) else len(text)
        printed = text[:head].strip()
        if style in ("cn-dun", "cn-paren"):
            value = cn_small_number(raw)
            if value is None or value == 0:
                continue
            found.append(Marker(style, value, printed, rest, (), head))
            continue
        if style == "dotted":
            parts = tuple(int(p) for p in raw.split("."))
            if any(p == 0 for p in parts):
                continue
            found.append(Marker(f"dotted{len(parts)}", parts[-1], raw, rest, parts, head))
            continue
        if style == "code":
            # A guide code is followed by a title, not by a unit or a year mark.
            if re.match(r"^(年|万|亿|元|个|项|家|例|种|株|人|名|次|米|吨|台|套)", rest):
                continue
            found.append(Marker("code", int(raw), raw, rest, (), head))
            continue
        if style == "circled":
            found.append(Marker("circled", CIRCLED.index(raw) + 1, raw, rest, (), head))
            continue
        if style == "roman":
            if raw:
                found.append(Marker("roman", _roman_value(raw), printed, rest, (), head))
            continue
        if style == "letter":
            found.append(Marker("letter", ord(raw) - 64, printed, rest, (), head))
            continue
        if style == "part":
            value = cn_small_number(re.sub(r"[第部分章篇\s]", "", raw))
            if value:
                found.append(Marker("word:第部分", value, re.sub(r"\s+", "", raw), rest, (), head))
            continue
        if style == "word":
            word, digits = raw[:2], raw[2:].strip()
            value = int(digits) if digits.isdigit() else cn_small_number(digits)
            if value:
                found.append(Marker(f"word:{word}", value, raw, rest, (), head))
            continue
        value = int(raw)
        if value != 0:
            found.append(Marker(style, value, printed, rest, (), head))
    return found
