"""Split indicator / research-content text into atomic statements.

``split_statements(text)`` returns ``(start, end)`` character spans into
``text``. Separators are the sentence ends 。；; (also ！？!?) and enumeration
markers — （1） (1) 1） 1) 1、 ①…⑳ ⑴…⒇ 一是/二是 and "1." / "１．" before a
non-digit — wherever they stand outside brackets, quotes and 《》. A comma
just before a marker belongs to the separator. Separators lie in no span;
every other non-whitespace character lies in exactly one.

Unbalanced brackets (common after PDF extraction) protect nothing, and
neither does a pair more than MAX_PROTECTED characters apart, so one stray
bracket cannot swallow the rest of a guide.
"""

from __future__ import annotations

import re
from itertools import accumulate

SENTENCE_ENDS = set("。；;！？!?")
_PAIRS = {"（": "）", "(": ")", "【": "】", "[": "]", "《": "》", "“": "”", "‘": "’",
          "「": "」", "『": "』", "〔": "〕", "{": "}", "〈": "〉"}
MAX_PROTECTED = 300
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇❶❷❸❹❺❻❼❽❾❿"
_CN_ORDINALS = "一二三四五六七八九十"
_DIGITS = set("0123456789０１２３４５６７８９")


# Markers, tried at positions outside brackets. Each kind has the characters
# allowed right before it (after skipping spaces); "^" means start of text.
_BRACKET_MARKER = re.compile(r"[（(]\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|[a-zA-Z])\s*[）)]")
_PAREN_MARKER = re.compile(r"(?:[0-9０-９]{1,2}|[a-z])\s*[）)]")
_DOT_MARKER = re.compile(r"[0-9０-９]{1,2}(?:[.．](?![0-9０-９.．])|、(?!\s*[0-9０-９]))|[一二三四五六七八九十]{1,3}、")
# after a plain space only when a Chinese word follows: "建立平台 2.开发系统"
_SPACED_DOT_MARKER = re.compile(r"[0-9０-９]{1,2}[.．、](?=[\u4e00-\u9fff])")
_SHI_MARKER = re.compile(r"[一二三四五六七八九十]{1,3}是")
_BRACKET_CHARS = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + '"]')
_CANDIDATES = re.compile("[" + re.escape("".join(SENTENCE_ENDS) + _CIRCLED + "（(" + _CN_ORDINALS) + "0-9０-９a-z]")
_KEPT_RUN = re.compile(rb"[^\x01]+")
_STRONG_OPENERS = set("：:") | SENTENCE_ENDS | set(_CIRCLED)
_WEAK_OPENERS = _STRONG_OPENERS | set("，,、")


def _depths(text: str) -> list[int]:
    """For each character, how many balanced bracket/quote pairs enclose it
    (a bracket character is not inside its own pair)."""
    diff = [0] * (len(text) + 1)
    stack: list[tuple[str, int]] = []
    straight_quote = -1
    for m in _BRACKET_CHARS.finditer(text):
        i = m.start()
        ch = text[i]
        if ch in _CLOSERS:
            # close the nearest matching opener; unmatched openers above it are dropped
            for level in range(len(stack) - 1, -1, -1):
                if stack[level][0] == _CLOSERS[ch]:
                    if i - stack[level][1] <= MAX_PROTECTED:
                        diff[stack[level][1] + 1] += 1
                        diff[i] -= 1
                    del stack[level:]
                    break
        elif ch in _PAIRS:
            stack.append((ch, i))
        elif straight_quote >= 0:
            if i - straight_quote <= MAX_PROTECTED:
                diff[straight_quote + 1] += 1
                diff[i] -= 1
            straight_quote = -1
        else:
            straight_quote = i
    return list(accumulate(diff[:-1]))


def _before(text: str, i: int, sep: bytearray) -> str:
    """What precedes position ``i``: "^" at the start, "\n" across a line break,
    " " across other whitespace, else the character itself."""
    j = i - 1
    newline = False
    while j >= 0 and text[j].isspace():
        newline = newline or text[j] == "\n"
        j -= 1
    if j < 0:
        return "^"
    if sep[j] and text[j] not in _WEAK_OPENERS:
        return "。"  # right after another marker
    if j < i - 1:
        return "\n" if newline else " "
    return text[j]


def _absorb_trailing_comma(text: str, i: int, sep: bytearray, depth: list[int]) -> None:
    """A comma right before a marker ends the previous item: "甲，2）乙"."""
    j = i - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j >= 0 and text[j] in "，,、" and not depth[j]:
        sep[j] = 1


def _separators(text: str) -> bytearray:
    sep = bytearray(len(text))
    depth = _depths(text)
    consumed = 0
    for candidate in _CANDIDATES.finditer(text):
        i = candidate.start()
        if i < consumed or depth[i]:
            continue
        ch = text[i]
        if ch in SENTENCE_ENDS or ch in _CIRCLED:
            sep[i] = 1
            continue
        before = _before(text, i, sep)
        strong = before in ("^", "\n") or before in _STRONG_OPENERS
        weak = strong or before == " " or before in _WEAK_OPENERS
        if ch in "（(":
            m = _BRACKET_MARKER.match(text, i) if weak else None
        elif strong:
            m = _DOT_MARKER.match(text, i) or _PAREN_MARKER.match(text, i) or _SHI_MARKER.match(text, i)
        elif before == " ":
            m = _PAREN_MARKER.match(text, i) or _SPACED_DOT_MARKER.match(text, i)
        elif weak:
            m = _PAREN_MARKER.match(text, i) or _SHI_MARKER.match(text, i)
        else:
            m = None
        if m:
            sep[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            _absorb_trailing_comma(text, m.start(), sep, depth)
            consumed = m.end()
    return sep


def split_statements(text: str) -> list[tuple[int, int]]:
    """Spans of the atomic statements in ``text``, in order, whitespace-stripped."""
    if not text:
        return []
    sep = bytes(_separators(text))
    spans = []
    for run in _KEPT_RUN.finditer(sep):
        a, b = _strip(text, run.start(), run.end())
        if a < b:
            spans.append((a, b))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
