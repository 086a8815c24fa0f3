"""Snippets: a short window of a hit's text around the matched terms, with the spans to mark.

A snippet is plain text and a list of (start, end) spans; it never holds
markup. The page template wraps the spans in <mark> with Jinja escaping the
text, and the JSON API hands the spans to the client as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

WINDOW = 120  # characters of context shown
LEAD = 30  # characters kept before the first hit
ELLIPSIS = "…"
# The field a snippet is taken from, in order of preference, when several have hits.
SNIPPET_FIELDS = ("content", "indicators", "other")


@dataclass(frozen=True)
class Snippet:
    field: str  # the field it was cut from ("" when the text has none)
    text: str
    marks: tuple[tuple[int, int], ...]

    def segments(self) -> list[tuple[str, bool]]:
        """The text cut at the marks: (piece, is_hit) in order, for a template to render."""
        return segments(self.text, self.marks)


def segments(text: str, marks) -> list[tuple[str, bool]]:
    out, at = [], 0
    for start, end in marks:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    first = spans[0][0] if spans else 0
    start = max(0, first - LEAD)
    end = min(len(text), start + WINDOW)
    if end - start < WINDOW:
        start = max(0, end - WINDOW)
    head = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    shift = len(head) - start
    marks = tuple((max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start)
    return head + text[start:end] + tail, marks


def make_snippet(parts: dict[str, str], marks: dict[str, list[tuple[int, int]]]) -> Snippet:
    """The window of the first field (content, then indicators, then other) with a hit; a hit
    found only in the title shows the start of the content, unmarked."""
    for name in SNIPPET_FIELDS:
        if marks.get(name):
            text, spans = _window(parts[name], marks[name])
            return Snippet(name, text, spans)
    for name in SNIPPET_FIELDS:
        if parts.get(name):
            text, _ = _window(parts[name], [])
            return Snippet(name, text, ())
    return Snippet("", "", ())
