"""Character-bigram Jaccard similarity and greedy one-to-one matching.

Bigrams suit Chinese without word segmentation: two titles that share most
two-character sequences share most words. Matching is greedy on the best
score first, so each item pairs with at most one other and a strong pair is
never broken up to make two weak ones.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Sequence, TypeVar

from guidegraph.diff.facts import normalise

A = TypeVar("A")
B = TypeVar("B")


@lru_cache(maxsize=16384)
def bigrams(text: str) -> frozenset[str]:
    compact = normalise(text)
    if len(compact) < 2:
        return frozenset({compact}) if compact else frozenset()
    return frozenset(compact[i:i + 2] for i in range(len(compact) - 1))


def jaccard(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


def greedy_pairs(olds: Sequence[A], news: Sequence[B], score: Callable[[A, B], float | None],
                 threshold: float) -> list[tuple[int, int, float]]:
    """(old index, new index, score) pairs, best first, each index used once, scores >= threshold.
    ``score`` returns None for pairs that may never match."""
    candidates = []
    for i, a in enumerate(olds):
        for j, b in enumerate(news):
            s = score(a, b)
            if s is not None and s >= threshold:
                candidates.append((-s, i, j))
    candidates.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for neg, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j, -neg))
    return pairs
