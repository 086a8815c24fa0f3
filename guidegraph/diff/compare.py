"""Compare two guide snapshots: matched nodes part by part, then deadlines and offices.

Values are compared, never positions: the same text read from a .docx and
from a .txt sits on other lines and yields other node IRIs, and is the same
guide. Whitespace does not count (normalise).
"""

from __future__ import annotations

import re

from guidegraph.diff.changes import Change, GuideDiff, NodeDiff
from guidegraph.diff.facts import (
    DeadlineFact, FundingFact, GuideFacts, IndicatorFact, Lines, NodeFact, OfficeFact, QuantityFact, normalise,
)
from guidegraph.diff.match import match_nodes
from guidegraph.diff.similarity import bigrams, greedy_pairs, jaccard

INDICATOR_THRESHOLD = 0.5  # indicator_similarity for pairing reworded indicators
CONTAINMENT_MIN_BIGRAMS = 6  # below this a wording is too short to count as contained
CONTAINMENT_WEIGHT = 0.8
OFFICE_THRESHOLD = 0.5
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


# ---------------------------------------------------------------- indicators


def _residual(indicator: IndicatorFact) -> str:
    """The indicator's wording with its quantities taken out: what is left to change once numbers are accounted for."""
    text = normalise(indicator.text)
    for q in sorted(indicator.quantities, key=lambda q: -len(q.text)):
        if q.text:
            text = text.replace(normalise(q.text), "§")
    return _DIGITS.sub("#", text)


def indicator_similarity(a: IndicatorFact, b: IndicatorFact) -> float:
    """Bigram Jaccard of the wordings with numbers masked, or how much of the shorter one the
    longer holds (an indicator extended by a clause is still that indicator), whichever is higher."""
    x, y = bigrams(_DIGITS.sub("#", normalise(a.text))), bigrams(_DIGITS.sub("#", normalise(b.text)))
    if not x or not y:
        return 0.0
    shared = len(x & y)
    contained = shared / min(len(x), len(y)) if min(len(x), len(y)) >= CONTAINMENT_MIN_BIGRAMS else 0.0
    return max(shared / len(x | y), CONTAINMENT_WEIGHT * contained)


def _pair_indicators(olds: list[IndicatorFact], news: list[IndicatorFact]):
    """Same text first, then same wording apart from the numbers, then similar wording."""
    pairs: list[tuple[IndicatorFact, IndicatorFact]] = []
    olds, news = list(olds), list(news)
    for key in (lambda i: normalise(i.text), _residual):
        for a in list(olds):
            for b in news:
                if key(a) == key(b):
                    pairs.append((a, b))
                    olds.remove(a)
                    news.remove(b)
                    break
    for i, j, _ in greedy_pairs(olds, news, indicator_similarity, INDICATOR_THRESHOLD):
        pairs.append((olds[i], news[j]))
    paired_old = {id(a) for a, _ in pairs}
    paired_new = {id(b) for _, b in pairs}
    return pairs, [a for a in olds if id(a) not in paired_old], [b for b in news if id(b) not in paired_new]


def _pair_quantities(olds: list[QuantityFact], news: list[QuantityFact]) -> list[tuple[QuantityFact | None, QuantityFact | None]]:
    if len(olds) == len(news):
        return list(zip(olds, news))
    rest = list(news)
    pairs: list[tuple[QuantityFact | None, QuantityFact | None]] = []
    for a in olds:
        same_unit = next((b for b in rest if b.unit == a.unit), None)
        if same_unit is not None:
            rest.remove(same_unit)
        pairs.append((a, same_unit))
    return pairs + [(None, b) for b in rest]


def _threshold_kind(a: QuantityFact, b: QuantityFact) -> str | None:
    if a.comparator != b.comparator or normalise(a.unit) != normalise(b.unit):
        return "ThresholdChanged"
    low = (b.value > a.value) - (b.value < a.value)
    high = 0
    if a.value_max is not None or b.value_max is not None:
        if a.value_max is None or b.value_max is None:
            return "ThresholdChanged"
        high = (b.value_max > a.value_max) - (b.value_max < a.value_max)
    moves = {low, high} - {0}
    if not moves:
        return None
    if len(moves) > 1:
        return "ThresholdChanged"  # a range widened or narrowed: neither raised nor lowered
    return "ThresholdRaised" if moves == {1} else "ThresholdLowered"


def compare_indicators(old: NodeFact, new: NodeFact) -> list[Change]:
    changes: list[Change] = []
    pairs, removed, added = _pair_indicators(old.indicators, new.indicators)
    for a, b in sorted(pairs, key=lambda p: p[1].lines.start or 0):
        if normalise(a.text) == normalise(b.text):
            continue
        quantity_changes = []
        for qa, qb in _pair_quantities(a.quantities, b.quantities):
            kind = "ThresholdChanged" if qa is None or qb is None else _threshold_kind(qa, qb)
            if kind:
                quantity_changes.append(Change(
                    kind, qa.iri if qa else a.iri, qb.iri if qb else b.iri, qa.describe() if qa else None,
                    qb.describe() if qb else None, a.lines, b.lines, detail=b.text))
        changes += quantity_changes
        if not quantity_changes or _residual(a) != _residual(b):
            changes.append(Change("IndicatorChanged", a.iri, b.iri, a.text, b.text, a.lines, b.lines))
    changes += [Change("IndicatorRemoved", a.iri, None, a.text, None, a.lines) for a in removed]
    changes += [Change("IndicatorAdded", None, b.iri, None, b.text, new_lines=b.lines) for b in added]
    return changes


# ---------------------------------------------------------------- funding, counts, nodes


def _funding_key(f: FundingFact) -> tuple:
    return (f.scope, round(f.yuan, 2), f.comparator)


def compare_funding(old: NodeFact, new: NodeFact) -> list[Change]:
    if [_funding_key(f) for f in old.funding] == [_funding_key(f) for f in new.funding]:
        return []
    changes = []
    olds = [f for f in old.funding if _funding_key(f) not in {_funding_key(g) for g in new.funding}]
    news = [f for f in new.funding if _funding_key(f) not in {_funding_key(g) for g in old.funding}]
    for i in range(max(len(olds), len(news))):
        a = olds[i] if i < len(olds) else None
        b = news[i] if i < len(news) else None
        changes.append(Change("FundingChanged", a.iri if a else old.iri, b.iri if b else new.iri,
                              a.describe() if a else None, b.describe() if b else None,
                              a.lines if a else old.lines, b.lines if b else new.lines,
                              detail=(b or a).scope))  # type: ignore[union-attr]
    return changes


def compare_counts(old_counts: dict[str, str], new_counts: dict[str, str], old_iri: str, new_iri: str,
                   old_lines, new_lines) -> list[Change]:
    return [Change("DeclaredCountChanged", old_iri, new_iri, old_counts.get(k), new_counts.get(k), old_lines, new_lines, detail=k)
            for k in sorted(set(old_counts) | set(new_counts)) if old_counts.get(k) != new_counts.get(k)]


def compare_nodes(old: NodeFact, new: NodeFact) -> list[Change]:
    changes = []
    if normalise(old.title) != normalise(new.title):
        changes.append(Change("TitleChanged", old.iri, new.iri, old.title, new.title, old.lines, new.lines))
    if old.code != new.code:
        changes.append(Change("CodeChanged", old.iri, new.iri, old.code or None, new.code or None, old.lines, new.lines))
    numbers = compare_funding(old, new) + compare_counts(old.counts, new.counts, old.iri, new.iri, old.lines, new.lines)
    if normalise(old.content) != normalise(new.content):
        # prose that states a budget or a count changes with it: only other edits are a content change
        explained = numbers and _DIGITS.sub("#", normalise(old.content)) == _DIGITS.sub("#", normalise(new.content))
        if not explained:
            changes.append(Change("ContentChanged", old.iri, new.iri, old.content, new.content, old.lines, new.lines))
    changes += compare_indicators(old, new)
    return changes + numbers


# ---------------------------------------------------------------- deadlines and offices


def compare_deadlines(olds: list[DeadlineFact], news: list[DeadlineFact]) -> list[Change]:
    """Paired by kind and heading, then in order within a kind."""
    changes = []
    rest_new = list(news)
    unpaired = []
    for a in olds:
        b = next((b for b in rest_new if b.kind == a.kind and normalise(b.heading) == normalise(a.heading)), None)
        if b is None:
            unpaired.append(a)
            continue
        rest_new.remove(b)
        if a.when != b.when:
            changes.append(Change("DeadlineChanged", a.iri, b.iri, a.when, b.when, a.lines, b.lines, detail=b.heading))
    for a in unpaired:
        b = next((b for b in rest_new if b.kind == a.kind), None)
        if b is None:
            changes.append(Change("DeadlineRemoved", a.iri, None, a.when, None, a.lines, detail=a.heading))
            continue
        rest_new.remove(b)
        changes.append(Change("DeadlineChanged", a.iri, b.iri, a.when, b.when, a.lines, b.lines, detail=b.heading))
    changes += [Change("DeadlineAdded", None, b.iri, None, b.when, new_lines=b.lines, detail=b.heading) for b in rest_new]
    return changes


def _contact_text(contact: tuple[str, tuple[str, ...], tuple[str, ...]]) -> str:
    person, phones, emails = contact
    return " ".join(x for x in (person, *phones, *emails) if x)


def compare_office(a: OfficeFact, b: OfficeFact) -> list[Change]:
    changes = []

    def changed(detail: str, old: str | None, new: str | None) -> None:
        changes.append(Change("OfficeChanged", a.iri, b.iri, old or None, new or None, a.lines, b.lines, detail=f"{b.name}: {detail}"))

    for detail, x, y in (("name", a.name, b.name), ("address", a.address, b.address), ("postcode", a.postcode, b.postcode)):
        if normalise(x) != normalise(y):
            changed(detail, x, y)
    new_contacts = list(b.contacts)
    unpaired = []
    for ca in a.contacts:
        cb = next((c for c in new_contacts if c == ca), None) or next(
            (c for c in new_contacts if ca[0] and c[0] == ca[0]), None)
        if cb is None:
            unpaired.append(ca)
            continue
        new_contacts.remove(cb)
        for detail, x, y in (("telephone", ca[1], cb[1]), ("email", ca[2], cb[2])):
            if x != y:
                changed(f"{ca[0] or ''} {detail}".strip(), ", ".join(x), ", ".join(y))
    for i in range(max(len(unpaired), len(new_contacts))):
        ca = unpaired[i] if i < len(unpaired) else None
        cb = new_contacts[i] if i < len(new_contacts) else None
        changed("contact", _contact_text(ca) if ca else None, _contact_text(cb) if cb else None)
    return changes


def compare_offices(olds: list[OfficeFact], news: list[OfficeFact]) -> list[Change]:
    """Paired by role and name, then by role and similar name."""
    changes = []
    rest_new = list(news)
    unpaired = []
    for a in olds:
        b = next((b for b in rest_new if b.role == a.role and normalise(b.name) == normalise(a.name)), None)
        if b is None:
            unpaired.append(a)
            continue
        rest_new.remove(b)
        changes += compare_office(a, b)
    pairs = greedy_pairs(unpaired, rest_new, lambda a, b: jaccard(a.name, b.name) if a.role == b.role else None, OFFICE_THRESHOLD)
    for i, j, _ in pairs:
        changes += compare_office(unpaired[i], rest_new[j])
    used_old, used_new = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    changes += [Change("OfficeRemoved", a.iri, None, a.name, None, a.lines, detail=a.role)
                for i, a in enumerate(unpaired) if i not in used_old]
    changes += [Change("OfficeAdded", None, b.iri, None, b.name, new_lines=b.lines, detail=b.role)
                for j, b in enumerate(rest_new) if j not in used_new]
    return changes


# ---------------------------------------------------------------- the whole guide


def diff_facts(old: GuideFacts, new: GuideFacts) -> GuideDiff:
    result = GuideDiff(old, new)
    matched, removed, added = match_nodes(old.nodes, new.nodes)
    for a, b, rule, score in matched:
        changes = compare_nodes(a, b)
        if changes:
            result.nodes.append(NodeDiff("changed", a, b, rule, score if rule == "similarity" else None, changes))
    result.nodes += [NodeDiff("removed", a, None) for a in removed]
    result.nodes += [NodeDiff("added", None, b) for b in added]
    # reading order of the old guide; added nodes by their place in the new one
    result.nodes.sort(key=lambda d: (d.node.lines.start or 0) if d.old is None else (d.old.lines.start or 0))
    result.guide_changes += compare_counts(old.counts, new.counts, old.iri, new.iri, Lines(), Lines())
    result.guide_changes += compare_deadlines(old.deadlines, new.deadlines)
    result.guide_changes += compare_offices(old.offices, new.offices)
    return result


__all__ = ["diff_facts", "compare_nodes", "compare_indicators", "compare_deadlines", "compare_offices"]
