"""A resource's description turned into what its HTML page shows.

Plain data (dataclasses of strings), so the template only lays it out and
every string it prints is escaped by Jinja.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from guidegraph.namespaces import GG, PREFIXES, RDF, RDFS, SKOS
from guidegraph.server.describe import Description, Excerpt
from guidegraph.server.i18n import current_language, pick_label
from guidegraph.server.result_table import local_href

TYPE = str(RDF.type)
LABEL = str(RDFS.label)
PARENT = str(GG.parentNode)
GUIDE = str(GG.guide)
# Shown as tables of their own, not as rows of the property table.
TABLED = {str(GG.indicator), str(GG.funding), str(GG.acceptingOffice), str(GG.responsibleDepartment),
          str(GG.contactDesk), str(GG.office), str(GG.sourceSpan)}
COMPARATOR_SIGNS = {"atLeast": "≥", "moreThan": ">", "atMost": "≤", "lessThan": "<", "exactly": "=", "between": "∈"}
TEXT = str(GG.text)
LINK_TEXT_CHARS = 80


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    iri: str
    lang: str | None = None


@dataclass(frozen=True)
class Value:
    text: str
    link: Link | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Indicator:
    link: Link
    text: str
    constraints: list[dict] = field(default_factory=list)


@dataclass
class Office:
    link: Link
    name: str
    kind: str
    address: str = ""
    serves: list[str] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)


@dataclass
class Page:
    iri: str
    label: str
    label_lang: str | None
    other_labels: list[Value]
    types: list[Link]
    breadcrumbs: list[Link]
    properties: list[tuple[Link, list[Value]]]
    incoming: list[tuple[Link, list[Link]]]
    children: list[Link]
    indicators: list[Indicator]
    funding: list[dict[str, str]]
    offices: list[Office]
    excerpts: list[Excerpt]
    more_incoming: bool


@lru_cache(maxsize=1)
def ontology_labels() -> dict[str, dict[str, str]]:
    """Labels of the ontology's terms (and the W3C terms it labels), by language."""
    from guidegraph.ontology import ontology_graph

    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for s, _, o in ontology_graph().triples((None, RDFS.label, None)):
        labels[str(s)][getattr(o, "language", None) or ""] = str(o)
    return dict(labels)


def qname(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


class Linker:
    """Turns IRIs into links: ours to this server's resource path, ontology terms to /ontology."""

    def __init__(self, base_iri: str, resource_path: str, labels: dict[str, dict[str, str]]):
        self.base = base_iri
        self.path = resource_path
        self.labels = labels

    def href(self, iri: str) -> str:
        return local_href(iri, self.base, self.path)

    def link(self, iri: str) -> Link:
        known = self.labels.get(iri) or ontology_labels().get(iri) or {}
        # unlabelled resources of ours are named by their path below the base (shorter than the IRI)
        fallback = iri[len(self.base):] if iri.startswith(self.base) else qname(iri)
        text, lang = pick_label(known, fallback)
        return Link(self.href(iri), text, iri, lang)


def _labels_of(triples) -> dict[str, dict[str, str]]:
    """Labels by resource and language; a text block without a label is named by its text."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for t in triples:
        if not isinstance(t.object, ox.Literal):
            continue
        if t.predicate.value in (LABEL, str(SKOS.prefLabel)):
            labels[t.subject.value].setdefault(t.object.language or "", t.object.value)
        elif t.predicate.value == TEXT:
            text = t.object.value
            short = text if len(text) <= LINK_TEXT_CHARS else text[: LINK_TEXT_CHARS - 1] + "…"
            texts[t.subject.value].setdefault(t.object.language or "", short)
    for subject, by_lang in texts.items():
        labels.setdefault(subject, by_lang)
    return labels


def _value(term, linker: Linker) -> Value:
    if isinstance(term, ox.NamedNode):
        link = linker.link(term.value)
        return Value(link.text, link, link.lang)
    if isinstance(term, ox.Literal):
        return Value(term.value, None, term.language, None if term.language else term.datatype.value)
    return Value(str(term))


def build_page(description: Description, excerpts: list[Excerpt], base_iri: str, resource_path: str) -> Page:
    triples = description.triples
    iri = description.iri
    labels = _labels_of(triples)
    linker = Linker(base_iri, resource_path, labels)
    outgoing: dict[str, list] = defaultdict(list)
    by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    incoming: dict[str, list[str]] = defaultdict(list)
    for t in triples:
        s, p, o = t.subject.value, t.predicate.value, t.object
        by_subject[s][p].append(o)
        if s == iri:
            outgoing[p].append(o)
        if isinstance(o, ox.NamedNode) and o.value == iri:
            incoming[p].append(s)

    own_labels = {lang: text for lang, text in labels.get(iri, {}).items()}
    label, label_lang = pick_label(own_labels, qname(iri))
    other = [Value(text, None, lang or None) for lang, text in own_labels.items() if text != label]
    types = [linker.link(o.value) for o in outgoing.get(TYPE, []) if isinstance(o, ox.NamedNode)]

    properties = []
    for p in sorted(outgoing, key=lambda p: (p != TYPE, qname(p))):
        if p in TABLED or p in (LABEL,):
            continue
        values = sorted((_value(o, linker) for o in outgoing[p]), key=lambda v: v.text)
        properties.append((linker.link(p), values))

    children_subjects = incoming.pop(PARENT, [])
    children = sorted((linker.link(s) for s in children_subjects), key=lambda link: _natural(link.iri))
    incoming_rows = [
        (linker.link(p), sorted((linker.link(s) for s in subjects), key=lambda link: _natural(link.iri)))
        for p, subjects in sorted(incoming.items(), key=lambda kv: qname(kv[0]))
    ]
    return Page(
        iri=iri, label=label, label_lang=label_lang, other_labels=other, types=types,
        breadcrumbs=_breadcrumbs(iri, outgoing, by_subject, linker),
        properties=properties, incoming=incoming_rows, children=children,
        indicators=_indicators(outgoing, by_subject, linker),
        funding=_funding(outgoing, by_subject),
        offices=_offices(outgoing, by_subject, linker),
        excerpts=excerpts, more_incoming=description.more_incoming,
    )


def _natural(text: str) -> list:
    """Sort key that puts node/2 before node/10."""
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _first(values: list) -> str:
    return values[0].value if values else ""


def _breadcrumbs(iri, outgoing, by_subject, linker: Linker) -> list[Link]:
    chain = []
    seen = {iri}
    current = outgoing.get(PARENT, [])
    while current and isinstance(current[0], ox.NamedNode) and current[0].value not in seen:
        node = current[0].value
        seen.add(node)
        chain.append(linker.link(node))
        current = by_subject.get(node, {}).get(PARENT, [])
    guide = outgoing.get(GUIDE, [])
    crumbs = [linker.link(guide[0].value)] if guide and isinstance(guide[0], ox.NamedNode) else []
    return crumbs + list(reversed(chain))


def _indicators(outgoing, by_subject, linker: Linker) -> list[Indicator]:
    rows = []
    for term in sorted(outgoing.get(str(GG.indicator), []), key=lambda t: _natural(t.value)):
        props = by_subject.get(term.value, {})
        constraints = []
        for c in sorted(props.get(str(GG.constraint), []), key=lambda t: _natural(t.value)):
            cp = by_subject.get(c.value, {})
            comparator = _first(cp.get(str(GG.comparator), []))
            constraints.append({
                "comparator": COMPARATOR_SIGNS.get(comparator.rsplit("#", 1)[-1], comparator),
                "value": _first(cp.get(str(GG.value), [])), "max": _first(cp.get(str(GG.maxValue), [])),
                "unit": _first(cp.get(str(GG.unit), [])), "text": _first(cp.get(str(GG.text), [])),
            })
        rows.append(Indicator(linker.link(term.value), _first(props.get(str(GG.text), [])), constraints))
    return rows


def _funding(outgoing, by_subject) -> list[dict[str, str]]:
    rows = []
    for term in sorted(outgoing.get(str(GG.funding), []), key=lambda t: _natural(t.value)):
        props = by_subject.get(term.value, {})
        rows.append({
            "text": _first(props.get(str(GG.text), [])), "amount": _first(props.get(str(GG.amount), [])),
            "scale": _first(props.get(str(GG.scale), [])), "yuan": _first(props.get(str(GG.yuan), [])),
            "scope": qname(_first(props.get(str(GG.fundingScope), []))),
        })
    return rows


def _offices(outgoing, by_subject, linker: Linker) -> list[Office]:
    rows = []
    for prop in (GG.acceptingOffice, GG.responsibleDepartment, GG.contactDesk, GG.office):
        for term in sorted(outgoing.get(str(prop), []), key=lambda t: _natural(t.value)):
            props = by_subject.get(term.value, {})
            contacts = []
            for c in sorted(props.get(str(GG.contactPoint), []), key=lambda t: _natural(t.value)):
                cp = by_subject.get(c.value, {})
                contacts.append({
                    "person": _first(cp.get(str(GG.personName), [])),
                    "phones": sorted(v.value for v in cp.get(str(GG.telephone), [])),
                    "emails": sorted(v.value for v in cp.get(str(GG.email), [])),
                })
            rows.append(Office(
                linker.link(term.value), _first(props.get(str(GG.name), [])), linker.link(str(prop)).text,
                _first(props.get(str(GG.address), [])), sorted(v.value for v in props.get(str(GG.serves), [])), contacts,
            ))
    return rows


__all__ = ["Page", "Link", "Value", "Linker", "build_page", "qname", "ontology_labels", "current_language"]
