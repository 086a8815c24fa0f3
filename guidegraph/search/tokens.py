"""Tokens for Chinese full-text search: overlapping character bigrams, Latin words and numbers.

Chinese has no spaces between words, and a word segmenter's dictionary would
miss the jargon of funding guides (CAR-T, 类器官, 揭榜挂帅). So every run of
Han characters (or kana) becomes its overlapping bigrams followed by its last
character on its own: 细胞治疗 → 细胞 胞治 治疗 疗. Letters and digits form
words, lower-cased (CAR-T → car t). The index stores these tokens
space-separated, so SQLite's unicode61 tokenizer only has to split on spaces.

A query term is matched as a phrase of its own tokens, which makes a match
mean "the normalised term occurs in the text" for any length, one character
included: the trailing single character of each run is what lets a
one-character query (or a term ending a run) find its position.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Han ideographs (basic, extension A, compatibility, extensions B–F in plane 2) and kana.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_PIECE = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")
_IS_CJK = re.compile(f"[{_CJK}]")

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 16


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _run_tokens(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_tokens(text: str) -> list[str]:
    """The tokens of ``text`` as the index stores them, in order."""
    out: list[str] = []
    for cjk, word in _PIECE.findall(normalise(text)):
        out.extend(_run_tokens(cjk) if cjk else [word])
    return out


def index_text(text: str) -> str:
    return " ".join(index_tokens(text))


@dataclass(frozen=True)
class Term:
    """One whitespace-separated query term: the consecutive tokens that find it."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool  # the last token is a one-character prefix (the term ends in a lone character)

    @property
    def phrase(self) -> str:
        """The FTS5 phrase, each token double-quoted (tokens hold no quotes): "car" + "t" + "细胞"."""
        quoted = [f'"{t}"' for t in self.tokens]
        if self.prefix:
            quoted[-1] += " *"
        return " + ".join(quoted)

    def count_in(self, tokens: list[str]) -> int:
        """How often the term occurs in a token list (what the index counts, for the SPARQL functions)."""
        n, width, found = len(tokens), len(self.tokens), 0
        for i in range(n - width + 1):
            head = all(tokens[i + k] == self.tokens[k] for k in range(width - 1))
            last = tokens[i + width - 1]
            if head and (last.startswith(self.tokens[-1]) if self.prefix else last == self.tokens[-1]):
                found += 1
        return found


def make_term(term: str) -> Term | None:
    pieces = _PIECE.findall(normalise(term))
    if not pieces:
        return None
    tokens: list[str] = []
    prefix = False
    for i, (cjk, word) in enumerate(pieces):
        last = i == len(pieces) - 1
        if word:
            tokens.append(word)
        elif len(cjk) == 1 and last:
            tokens.append(cjk)  # a character ending the term may start a bigram or close a run
            prefix = True
        elif last:
            # The text may go on after the term: its last character is then the first half of a bigram,
            # not the run's closing single character, so the term's trailing unigram is left out.
            tokens.extend(_run_tokens(cjk)[:-1])
        else:
            tokens.extend(_run_tokens(cjk))
    return Term(term, tuple(tokens), prefix)


class QueryError(ValueError):
    """A search request that cannot be answered (empty, too long, nothing searchable; a bad page)."""

    def __init__(self, message: str, parameter: str = "q") -> None:
        super().__init__(message)
        self.parameter = parameter


def parse_query(query: str) -> list[Term]:
    """The terms of a query; all of them must match. Only letters, digits and CJK characters
    count, so no FTS5 operator or quote a user types can reach the index."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    terms = []
    for raw in query.split():
        term = make_term(raw)
        if term is not None and all(t.tokens != term.tokens for t in terms):
            terms.append(term)
    if not terms:
        raise QueryError("the query has no letters, digits or Chinese characters to search for")
    if len(terms) > MAX_QUERY_TERMS:
        raise QueryError(f"the query has more than {MAX_QUERY_TERMS} terms")
    return terms


def match_expression(terms: list[Term]) -> str:
    """The FTS5 MATCH expression: every term's phrase (implicit AND)."""
    return " AND ".join(f"({t.phrase})" for t in terms)


def text_key(text: str) -> str:
    """Text reduced to its letters, digits and CJK characters, normalised: what two texts are compared by."""
    return "".join(c or w for c, w in _PIECE.findall(normalise(text)))


def term_keys(terms: list[Term]) -> list[str]:
    """Each term's key, as ``find_hits`` looks for it in a text."""
    return [text_key(t.text) for t in terms]


def _char_pattern(c: str) -> str:
    if c.isascii() and c.isalnum():
        return f"[{c}{chr(ord(c) + 0xFEE0)}]"  # the ASCII and the full-width form (case by IGNORECASE)
    return re.escape(c)


@lru_cache(maxsize=512)
def _hit_pattern(keys: tuple[str, ...]) -> re.Pattern | None:
    alternatives = [r"[\W_]*".join(_char_pattern(c) for c in key) for key in keys if key]
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)), re.IGNORECASE) if alternatives else None


def find_hits(text: str, keys: list[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` where a key occurs, ignoring case, full width and the punctuation or
    spaces between characters (CAR-T matches CAR T and ＣＡＲ－Ｔ); sorted, not overlapping."""
    pattern = _hit_pattern(tuple(keys))
    if pattern is None:
        return []
    merged: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        s, e = m.span()
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged
