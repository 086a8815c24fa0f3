"""SPARQL syntax errors in words.

Oxigraph's parser reports the furthest point it reached and the set of
tokens it would have accepted there, in its grammar's notation: ``[_]`` (any
character), character classes such as ``['A' ..= 'Z' | 'a' ..= 'z' | ...]``
spread over several lines, and internal notes such as "Prefix not found".
``describe`` turns that into "line L, column C: expected A, B or C", naming
character classes by what they are (a letter, a digit, ...) and, when the
query text is given, quoting what stands at that point.
"""

from __future__ import annotations

import re

_POSITION = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.S)
_SINGLE_CHAR = re.compile(r"^\[\s*'((?:\\.|[^'\\])+)'\s*\]$")
_UNDECLARED_PREFIX = "Prefix not found"
_NOTES = {"IRI parsing failed": "a valid IRI"}


def describe(message: str) -> str:
    """``message`` (a parser error, possibly with text around it) on one line, in words."""
    found = _POSITION.search(message)
    if not found:
        return " ".join(message.split())
    line, column, listing = found.group(1), found.group(2), found.group(3)
    items = _alternatives(listing)
    wanted = [w for w in _dedupe(_word(item) for item in items) if w is not None]
    if _UNDECLARED_PREFIX in items:
        # The parser read a prefixed name fine; what is wrong is the missing declaration.
        what = "this prefix is not declared (add a PREFIX line for it)"
    elif wanted:
        what = f"expected {_or(wanted)}"
    else:
        what = "the text cannot continue like this"
    lead = message[: found.start()].strip()
    return " ".join(f"{lead} line {line}, column {column}: {what}".split())


def _alternatives(listing: str) -> list[str]:
    """Split the expected-token list at its top-level commas (quotes and brackets may hold commas)."""
    items, current, depth, quote = [], [], 0, None
    chars = iter(listing)
    for ch in chars:
        if quote:
            current.append(ch)
            if ch == "\\":
                current.append(next(chars, ""))
            elif ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    items.append("".join(current).strip())
    return [i for i in items if i]


def _word(token: str) -> str | None:
    """One expected token in words; None for "[_]" (any character), which says nothing."""
    token = " ".join(token.split())
    if token == "[_]":
        return None
    if token in _NOTES:
        return _NOTES[token]
    if not token.startswith("["):
        return token
    single = _SINGLE_CHAR.match(token)
    if single:
        char = single.group(1).encode().decode("unicode_escape") if "\\" in single.group(1) else single.group(1)
        return f'"{char}"'
    if "'A'" in token and "'Z'" in token:
        return "a letter"
    if "'0'" in token and "'9'" in token:
        return "a name character" if "'-'" in token else "a digit"
    return "a character of another kind"


def _dedupe(words) -> list:
    seen, out = set(), []
    for w in words:
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
