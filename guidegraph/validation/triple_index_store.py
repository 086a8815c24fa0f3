"""An rdflib store holding one graph in three hash indexes.

pySHACL asks the data graph tens of thousands of small questions (the
values of one property of one node). rdflib's ``Memory`` store answers each
through its named-graph bookkeeping: which graphs a triple is in, turned
into a generator per triple. A validation data graph has no named graphs,
so this store keeps only subject-, predicate- and object-first indexes and
answers pattern lookups straight from them, about a third faster for
pySHACL on the national guide.

It reports itself context- and graph-aware because pySHACL wraps every data
graph in an rdflib Dataset, but it holds a single graph: the context a
triple is added to is ignored, no triple reports a named graph, and adding
a graph adds nothing.
"""

from __future__ import annotations

from typing import Any, Iterator

from rdflib import URIRef
from rdflib.store import Store

_NO_GRAPHS: tuple = ()


class TripleIndexStore(Store):
    context_aware = True
    formula_aware = False
    graph_aware = True

    def __init__(self, configuration: Any = None, identifier: Any = None) -> None:
        super().__init__(configuration, identifier)
        self._spo: dict[Any, dict[Any, set]] = {}
        self._pos: dict[Any, dict[Any, set]] = {}
        self._osp: dict[Any, dict[Any, set]] = {}
        self._size = 0
        self._namespaces: dict[str, URIRef] = {}
        self._prefixes: dict[URIRef, str] = {}

    # ------------------------------------------------------------- writes

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        s, p, o = triple
        if not _insert(self._spo, s, p, o):
            return
        _insert(self._pos, p, o, s)
        _insert(self._osp, o, s, p)
        self._size += 1

    def addN(self, quads: Any) -> None:  # noqa: N802 (rdflib's name)
        for s, p, o, _ in quads:
            self.add((s, p, o))

    def remove(self, triple: Any, context: Any = None) -> None:
        for (s, p, o), _ in list(self.triples(triple)):
            _discard(self._spo, s, p, o)
            _discard(self._pos, p, o, s)
            _discard(self._osp, o, s, p)
            self._size -= 1

    # -------------------------------------------------------------- reads

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[tuple, Iterator]]:
        s, p, o = triple_pattern
        if s is not None:
            yield from self._from_subject(s, p, o)
        elif p is not None:
            by_object = self._pos.get(p)
            if by_object is None:
                return
            if o is not None:
                for subject in list(by_object.get(o, _NO_GRAPHS)):
                    yield (subject, p, o), iter(_NO_GRAPHS)
                return
            for obj, subjects in list(by_object.items()):
                for subject in list(subjects):
                    yield (subject, p, obj), iter(_NO_GRAPHS)
        elif o is not None:
            for subject, predicates in list(self._osp.get(o, {}).items()):
                for predicate in list(predicates):
                    yield (subject, predicate, o), iter(_NO_GRAPHS)
        else:
            for subject, by_predicate in list(self._spo.items()):
                for predicate, objects in list(by_predicate.items()):
                    for obj in list(objects):
                        yield (subject, predicate, obj), iter(_NO_GRAPHS)

    def _from_subject(self, s: Any, p: Any, o: Any) -> Iterator[tuple[tuple, Iterator]]:
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            return
        if p is not None:
            objects = by_predicate.get(p)
            if objects is None:
                return
            if o is not None:
                if o in objects:
                    yield (s, p, o), iter(_NO_GRAPHS)
                return
            for obj in list(objects):
                yield (s, p, obj), iter(_NO_GRAPHS)
            return
        for predicate, objects in list(by_predicate.items()):
            if o is not None:
                if o in objects:
                    yield (s, predicate, o), iter(_NO_GRAPHS)
                continue
            for obj in list(objects):
                yield (s, predicate, obj), iter(_NO_GRAPHS)

    def __len__(self, context: Any = None) -> int:
        return self._size

    def contexts(self, triple: Any = None) -> Iterator[Any]:
        return iter(_NO_GRAPHS)

    def add_graph(self, graph: Any) -> None:
        pass

    def remove_graph(self, graph: Any) -> None:
        self.remove((None, None, None))

    # --------------------------------------------------------- namespaces

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        if not override and (prefix in self._namespaces or namespace in self._prefixes):
            return
        old_namespace = self._namespaces.pop(prefix, None)
        if old_namespace is not None:
            self._prefixes.pop(old_namespace, None)
        old_prefix = self._prefixes.pop(namespace, None)
        if old_prefix is not None:
            self._namespaces.pop(old_prefix, None)
        self._namespaces[prefix] = namespace
        self._prefixes[namespace] = prefix

    def namespace(self, prefix: str) -> URIRef | None:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefixes.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return iter(list(self._namespaces.items()))


def _insert(index: dict, first: Any, second: Any, third: Any) -> bool:
    """Add to one index; False if it was there. (Not setdefault: that builds a throw-away
    dict and set on every call.)"""
    inner = index.get(first)
    if inner is None:
        index[first] = {second: {third}}
        return True
    members = inner.get(second)
    if members is None:
        inner[second] = {third}
        return True
    if third in members:
        return False
    members.add(third)
    return True


def _discard(index: dict, first: Any, second: Any, third: Any) -> None:
    inner = index[first]
    members = inner[second]
    members.discard(third)
    if not members:
        del inner[second]
        if not inner:
            del index[first]
