"""An rdflib Graph whose SPARQL queries run on pyoxigraph.

pySHACL walks the data graph through rdflib for core constraints, which is
quick, but sends every SHACL-SPARQL constraint to ``Graph.query`` once per
focus node. rdflib's SPARQL engine takes ~100 ms for one property-path
query on the national guide; pyoxigraph answers the same in well under a
millisecond. This graph mirrors its triples into an in-memory pyoxigraph
store the first time it is queried and answers ``query`` there, handing
back an ordinary rdflib ``Result``.

Pre-bound variables ($this, $value, ...) are passed as pyoxigraph
substitutions (SEP-0007), the reading of SHACL pre-binding that replaces the
variable everywhere in the query, sub-queries included.

``mirror_predicates``, when given, limits the mirror to triples with those
predicates: the caller promises its queries read no others (validation works
them out from the constraints with guidegraph.validation.sparql_predicates).

Triples are remembered as they are added, so the mirror is built without
walking rdflib's store; removing a triple drops the mirror, which is then
rebuilt from the graph on the next query.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

import pyoxigraph as ox
from rdflib import Graph, Variable
from rdflib.query import Result

from guidegraph.oxigraph_terms import BlankNodeMap, from_oxigraph, oxigraph_quads, to_oxigraph


class OxigraphQueryGraph(Graph):
    """rdflib Graph for reading triples; SPARQL ``query`` answered by pyoxigraph."""

    def __init__(self, *args: Any, mirror_predicates: frozenset | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mirror_predicates = mirror_predicates
        self._mirror: ox.Store | None = None
        self._added: list[Any] | None = []  # triples not yet in the mirror; None: rebuild from the graph
        self._blanks = BlankNodeMap()

    # rdflib's signature: query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)
    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql", initNs: Any = None,
              initBindings: Mapping[str, Any] | None = None, use_store_provided: bool = True,
              **kwargs: Any) -> Result:
        if not isinstance(query_object, str) or initNs:
            return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)
        store = self._store()
        substitutions = {
            ox.Variable(str(name)): self._to_ox(value)
            for name, value in (initBindings or {}).items()
            if _mentions(query_object, str(name))
        }
        try:
            answer = store.query(query_object, substitutions=substitutions or None)
        except RuntimeError:
            # pyoxigraph substitutes only projected variables; a constraint
            # that uses $this without selecting it is left to rdflib.
            return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)
        return self._to_result(answer)

    def add(self, triple: Any) -> "OxigraphQueryGraph":
        super().add(triple)
        if self._added is not None:
            self._added.append(triple)
        return self

    def add_triples(self, triples: Iterable[Any]) -> None:
        """Add many triples of rdflib terms at once, skipping Graph.add's per-triple checks."""
        triples = list(triples)
        add = self.store.add
        for triple in triples:
            add(triple, self, quoted=False)
        if self._added is not None:
            self._added.extend(triples)

    def remove(self, triple: Any) -> "OxigraphQueryGraph":
        super().remove(triple)
        self._mirror = None
        self._added = None
        return self

    def _store(self) -> ox.Store:
        if self._mirror is None:
            self._mirror = ox.Store()
            if self._added is None:
                self._added = list(self)
        if self._added:
            added = self._added
            if self.mirror_predicates is not None:
                wanted = self.mirror_predicates
                added = [t for t in added if t[1] in wanted]
            self._mirror.extend(oxigraph_quads(added, None, self._blanks))
            self._added = []
        return self._mirror

    def _to_ox(self, term: Any) -> Any:
        return to_oxigraph(term, self._blanks)

    def _from_ox(self, term: Any) -> Any:
        return from_oxigraph(term, self._blanks)

    def _to_result(self, answer: Any) -> Result:
        if isinstance(answer, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
            return result
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            result = Result("SELECT")
            result.vars = [Variable(n) for n in names]
            result.bindings = [
                {Variable(n): self._from_ox(solution[n]) for n in names if solution[n] is not None}
                for solution in answer
            ]
            return result
        graph = Graph()
        for triple in answer:
            graph.add((self._from_ox(triple.subject), self._from_ox(triple.predicate), self._from_ox(triple.object)))
        result = Result("CONSTRUCT")
        result.graph = graph
        return result


def _mentions(query: str, name: str) -> bool:
    return re.search(rf"[?$]{re.escape(name)}\b", query) is not None
