"""Which outline node of the old guide is which node of the new one.

The rule, in order (docs/diff.md):

1. Nodes match only within their group: directions (direction, subdirection)
   with directions, sections (category, programme, field) with sections.
2. Guide code: a code printed once on each side pairs those two nodes.
   Codes are identities: two nodes with different codes never pair.
3. Same place and title: the same ancestors' titles and the same title,
   once on each side.
4. Similarity: score = 0.5·J(title) + 0.35·J(content) + 0.15·J(path), J the
   character-bigram Jaccard (content: research content, intro and
   indicators; a component empty on both sides is left out and the weights
   renormalised). Pairs scoring at least MATCH_THRESHOLD pair greedily,
   best first.

Everything left over is added (new side) or removed (old side).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Hashable

from guidegraph.diff.changes import DIRECTION_KINDS
from guidegraph.diff.facts import NodeFact, normalise
from guidegraph.diff.similarity import greedy_pairs, jaccard

MATCH_THRESHOLD = 0.5
WEIGHTS = (("title", 0.5), ("content", 0.35), ("path", 0.15))


def group(node: NodeFact) -> str:
    return "direction" if node.kind in DIRECTION_KINDS else "section"


def _content(node: NodeFact) -> str:
    return node.content + " ".join(i.text for i in node.indicators)


def node_similarity(a: NodeFact, b: NodeFact) -> float | None:
    """The score of rule 4, or None when the rule forbids the pair."""
    if group(a) != group(b) or (a.code and b.code and a.code != b.code):
        return None
    parts = {"title": (a.title, b.title), "content": (_content(a), _content(b)), "path": (a.path, b.path)}
    total = weight_sum = 0.0
    for name, weight in WEIGHTS:
        x, y = parts[name]
        if not normalise(x) and not normalise(y):
            continue
        total += weight * jaccard(x, y)
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def _pair_by_key(olds: list[NodeFact], news: list[NodeFact], key: Callable[[NodeFact], Hashable | None]):
    """Pairs whose key is present once on each side; returns (pairs, old rest, new rest)."""
    old_keys = Counter(k for k in map(key, olds) if k is not None)
    new_keys = Counter(k for k in map(key, news) if k is not None)
    by_key = {key(n): n for n in news if key(n) is not None and new_keys[key(n)] == 1}
    pairs, old_rest = [], []
    for node in olds:
        k = key(node)
        if k is not None and old_keys[k] == 1 and k in by_key:
            pairs.append((node, by_key.pop(k)))
        else:
            old_rest.append(node)
    paired_new = {id(b) for _, b in pairs}
    return pairs, old_rest, [n for n in news if id(n) not in paired_new]


def match_nodes(olds: list[NodeFact], news: list[NodeFact]):
    """(matched pairs as (old, new, rule, score), removed olds, added news)."""
    by_code, olds, news = _pair_by_key(olds, news, lambda n: (group(n), n.code) if n.code else None)
    by_place, olds, news = _pair_by_key(
        olds, news, lambda n: (group(n), normalise(n.path), normalise(n.title), n.code))
    matched = [(a, b, "code", 1.0) for a, b in by_code] + [(a, b, "title", 1.0) for a, b in by_place]
    pairs = greedy_pairs(olds, news, node_similarity, MATCH_THRESHOLD)
    matched += [(olds[i], news[j], "similarity", round(s, 3)) for i, j, s in pairs]
    used_old = {i for i, _, _ in pairs}
    used_new = {j for _, j, _ in pairs}
    removed = [n for i, n in enumerate(olds) if i not in used_old]
    added = [n for j, n in enumerate(news) if j not in used_new]
    return matched, removed, added
