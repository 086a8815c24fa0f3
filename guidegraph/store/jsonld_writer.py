"""Compacted JSON-LD, written as the triples stream past.

Our published context defines prefixes only, so compacting an RDF graph with
it (JSON-LD 1.1 fromRdf, then Compaction, with compactArrays) comes down to
rules that need no graph in memory: one node object per run of triples with
the same subject, IRIs written as compact IRIs where a prefix matches,
rdf:type as ``@type``, plain strings as JSON strings, other literals as value
objects, single values without their array. A subject whose triples are not
adjacent gets more than one node object, which JSON-LD reads as the same node.
Memory stays that of one node, however large the graph (rdflib's compaction
holds the whole graph and takes seconds per 10^4 triples).
"""

from __future__ import annotations

import io
import json
from typing import IO, Iterable

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
GEN_DELIMS = ":/?#[]@"


class IriCompactor:
    """IRI compaction against a context of prefix definitions."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        # JSON-LD 1.1 expands "p:x" only for a term whose IRI ends in a gen-delim
        # character (the prefix flag of a simple term definition), so only those
        # may be used. Longest namespace first, so the most specific prefix wins.
        usable = {p: ns for p, ns in prefixes.items() if ns and ns[-1] in GEN_DELIMS}
        self._prefixes = sorted(usable.items(), key=lambda item: -len(item[1]))
        self._terms = set(usable)

    def compact(self, iri: str) -> str:
        for prefix, namespace in self._prefixes:
            if iri.startswith(namespace):
                suffix = iri[len(namespace):]
                if not suffix.startswith("//"):  # "p://x" would read as an absolute IRI
                    return f"{prefix}:{suffix}"
        scheme = iri.split(":", 1)[0]
        if scheme in self._terms and not iri[len(scheme) + 1:].startswith("//"):
            # Written as is, it would be read back as a compact IRI.
            raise ValueError(f"the IRI {iri!r} cannot be written in JSON-LD with this context: "
                             f"it reads as a compact IRI with the prefix {scheme!r}")
        return iri


def _node_id(term, compactor: IriCompactor) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return compactor.compact(term.value)
    raise ValueError(f"JSON-LD has no form for the term {term}")


def _value(term, compactor: IriCompactor):
    if not isinstance(term, ox.Literal):
        return {"@id": _node_id(term, compactor)}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return term.value
    if term.language:
        value = {"@value": term.value, "@language": term.language}
        if term.direction is not None:
            value["@direction"] = str(term.direction)  # "ltr" or "rtl"
        return value
    return {"@value": term.value, "@type": compactor.compact(datatype)}


def _node(subject, triples: list, compactor: IriCompactor) -> dict:
    node: dict = {"@id": _node_id(subject, compactor)}
    for triple in triples:
        predicate, obj = triple.predicate.value, triple.object
        if predicate == RDF_TYPE and not isinstance(obj, ox.Literal):
            key, value = "@type", _node_id(obj, compactor)
        else:
            key, value = compactor.compact(predicate), _value(obj, compactor)
        if key in node:
            existing = node[key]
            if not isinstance(existing, list):
                node[key] = existing = [existing]
            existing.append(value)
        else:
            node[key] = value
    return node


def write_compact_jsonld(triples: Iterable[ox.Triple], context: dict[str, str], out: IO[str]) -> None:
    """Write ``triples`` as one JSON-LD document compacted with ``context`` (prefixes only)."""
    compactor = IriCompactor(context)
    out.write('{\n"@context": ')
    out.write(json.dumps(context, ensure_ascii=False, indent=2))
    out.write(',\n"@graph": [')
    first = True
    subject, run = None, []

    def flush() -> None:
        nonlocal first
        if not run:
            return
        out.write("\n" if first else ",\n")
        out.write(json.dumps(_node(subject, run, compactor), ensure_ascii=False))
        first = False

    for triple in triples:
        if triple.subject != subject:
            flush()
            subject, run = triple.subject, []
        run.append(triple)
    flush()
    out.write("\n]\n}\n")


def compact_jsonld_bytes(triples: Iterable[ox.Triple], context: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    write_compact_jsonld(triples, context, buffer)
    return buffer.getvalue().encode("utf-8")


def grouped_by_subject(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Triples reordered so each subject's are adjacent (first appearance order), for one node each."""
    groups: dict = {}
    for triple in triples:
        groups.setdefault(triple.subject, []).append(triple)
    return [triple for group in groups.values() for triple in group]


def is_prefix_context(context: dict) -> bool:
    """Whether every entry of ``context`` is a plain prefix definition (what this writer handles)."""
    return all(isinstance(key, str) and not key.startswith("@") and isinstance(value, str)
               for key, value in context.items())
