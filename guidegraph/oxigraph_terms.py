"""rdflib terms to pyoxigraph terms and back, in one place.

Blank nodes get fresh pyoxigraph labels (rdflib's may not be valid
N-Triples/SPARQL labels); a ``BlankNodeMap`` remembers the pairing so answers
come back as the caller's own blank nodes.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)


class BlankNodeMap:
    def __init__(self) -> None:
        self.to_ox: dict[BNode, ox.BlankNode] = {}
        self.from_ox: dict[str, BNode] = {}


def to_oxigraph(term: Any, blanks: BlankNodeMap) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        node = blanks.to_ox.get(term)
        if node is None:
            node = ox.BlankNode()
            blanks.to_ox[term] = node
            blanks.from_ox[node.value] = term
        return node
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_oxigraph(term: Any, blanks: BlankNodeMap) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return blanks.from_ox.get(term.value) or BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"pyoxigraph returned an unsupported term: {term!r}")


def oxigraph_quads(triples: Any, graph: Any, blanks: BlankNodeMap) -> list[ox.Quad]:
    """``triples`` of rdflib terms as pyoxigraph quads in ``graph`` (an rdflib IRI, or None: default graph)."""
    # Subjects and predicates repeat on every line: convert each distinct term once.
    terms: dict[Any, Any] = {}
    triples = list(triples)
    for triple in triples:
        for term in triple:
            if term not in terms:
                terms[term] = to_oxigraph(term, blanks)
    name = ox.DefaultGraph() if graph is None else to_oxigraph(graph, blanks)
    Quad = ox.Quad  # noqa: N806 (hot loop)
    return [Quad(terms[s], terms[p], terms[o], name) for s, p, o in triples]
