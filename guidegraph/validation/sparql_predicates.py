"""Which predicates a SPARQL query can read.

Validation mirrors the data graph into pyoxigraph for the SHACL-SPARQL
constraints; mirroring only the triples those queries can match saves a third
of the mirror on the national guide. The answer errs on the safe side: every
IRI the query mentions counts (classes and constants too), and a query that
matches a variable predicate (``?s ?p ?o``) or a negated property set
(``!gg:x``) can read any triple, so the answer is then None: mirror
everything.

rdflib's algebra keeps the patterns inside FILTER (NOT) EXISTS in parse-tree
form (TriplesBlock, Path… nodes) while the rest becomes BGPs with path
objects, so both forms are read.
"""

from __future__ import annotations

from typing import Any, Iterable

from rdflib import URIRef, Variable
from rdflib import paths
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue


class _AnyPredicate(Exception):
    pass


def predicates_read(queries: Iterable[str]) -> frozenset[URIRef] | None:
    """A superset of the predicate IRIs the queries can match; None if that may be any predicate."""
    found: set[URIRef] = set()
    try:
        for text in queries:
            _walk(prepareQuery(text).algebra, found)
    except _AnyPredicate:
        return None
    return frozenset(found)


def _walk(node: Any, found: set[URIRef]) -> None:
    if isinstance(node, URIRef):
        found.add(node)
    elif isinstance(node, paths.Path):
        found.update(_path_terms(node))
    elif isinstance(node, CompValue):
        if "Negated" in node.name:  # a negated property set in a parse tree
            raise _AnyPredicate
        if node.name == "BGP":
            predicates = [predicate for _, predicate, _ in node.triples]
        elif node.name == "TriplesBlock":
            predicates = [p for flat in node.triples for p in flat[1::3]]  # s p o s p o … of one subject
        else:
            predicates = []
        if any(isinstance(p, Variable) for p in predicates):
            raise _AnyPredicate
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for item in node:
            _walk(item, found)


def _path_terms(path: Any) -> Iterable[URIRef]:
    if isinstance(path, URIRef):
        yield path
    elif isinstance(path, (paths.SequencePath, paths.AlternativePath)):
        for part in path.args:
            yield from _path_terms(part)
    elif isinstance(path, paths.MulPath):
        yield from _path_terms(path.path)
    elif isinstance(path, paths.InvPath):
        yield from _path_terms(path.arg)
    else:
        raise _AnyPredicate  # a negated set, or a path form this reader does not know
