"""The description of one resource, read from the store in one query.

What a resource page shows and what its RDF twins hold:

- its concise bounded description (every triple with it as subject; we mint
  no blank nodes, so that is its outgoing triples);
- the labels and types of everything it links to;
- the descriptions of its parts, two levels down: resources whose IRI
  extends its own (a direction's indicators and their constraints, a guide's
  offices and their contacts), so a page can show them as tables;
- the source spans it was read from;
- its ancestors in the outline (gg:parentNode chain), for breadcrumbs;
- up to ``INCOMING_CAP`` incoming links with their labels; ``more_incoming``
  says when there are more (the page links to a query for the rest); an
  outline node's children (incoming gg:parentNode) up to ``CHILDREN_CAP``.

The source document's full text (gg:sourceText) is left out of part
descriptions: it is shown as line excerpts by ``source_excerpts``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from guidegraph.namespaces import GG, RDF, RDFS
from guidegraph.store.base import GraphStore, check_iri

INCOMING_CAP = 200
CHILDREN_CAP = 5000  # an outline node's parts are listed whole (a crawler reaches every direction)

_DESCRIBE = """
PREFIX gg: <{gg}>
PREFIX rdfs: <{rdfs}>
CONSTRUCT {{
  <{r}> ?p ?o . ?o rdfs:label ?ol . ?o a ?ot .
  ?part ?pp ?pv . ?sub ?sp ?sv .
  ?span ?spp ?spv .
  ?anc gg:parentNode ?ap . ?anc rdfs:label ?al . ?anc a ?at .
  ?s ?ip <{r}> . ?s rdfs:label ?sl . ?s a ?st .
}}
WHERE {{
  {{ <{r}> ?p ?o . OPTIONAL {{ ?o rdfs:label ?ol }} OPTIONAL {{ ?o a ?ot FILTER(?p != rdf:type) }} }}
  UNION
  {{ <{r}> ?pr ?part . FILTER(ISIRI(?part) && STRSTARTS(STR(?part), "{r}/"))
     {{ ?part ?pp ?pv . FILTER(?pp != gg:sourceText) }}
     UNION
     {{ ?part ?pr2 ?sub . FILTER(ISIRI(?sub) && STRSTARTS(STR(?sub), CONCAT(STR(?part), "/"))) ?sub ?sp ?sv }} }}
  UNION
  {{ <{r}> gg:sourceSpan ?span . ?span ?spp ?spv }}
  UNION
  {{ <{r}> gg:parentNode+ ?anc . {{ ?anc gg:parentNode ?ap }} UNION {{ ?anc rdfs:label ?al }} UNION {{ ?anc a ?at }} }}
  UNION
  {{ {{ SELECT ?s ?ip WHERE {{ ?s ?ip <{r}> FILTER(?ip != gg:parentNode) }} LIMIT {cap} }}
     OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?s a ?st }} }}
  UNION
  {{ {{ SELECT ?s ?ip WHERE {{ ?s gg:parentNode <{r}> BIND(gg:parentNode AS ?ip) }} LIMIT {children} }}
     OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?s a ?st }} }}
}}
"""

_EXCERPTS = """
PREFIX gg: <{gg}>
SELECT ?span ?line ?endLine (SUBSTR(?text, ?start + 1, ?end - ?start) AS ?excerpt) WHERE {{
  <{r}> gg:sourceSpan ?span .
  ?span gg:sourceDocument ?doc ; gg:startLine ?line ; gg:endLine ?endLine ; gg:startChar ?start ; gg:endChar ?end .
  ?doc gg:sourceText ?text .
}} ORDER BY ?line ?endLine LIMIT 20
"""


@dataclass(frozen=True)
class Description:
    iri: str
    triples: tuple[ox.Triple, ...]
    more_incoming: bool

    @property
    def exists(self) -> bool:
        subject = ox.NamedNode(self.iri)
        return any(t.subject == subject or t.object == subject for t in self.triples)


@dataclass(frozen=True)
class Excerpt:
    span: str
    start_line: int
    end_line: int
    lines: tuple[tuple[int, str], ...]  # (line number, text)


def describe(store: GraphStore, iri: str, timeout: float | None = 10.0) -> Description:
    """The description of ``iri`` (see the module docstring)."""
    check_iri(iri)
    query = _DESCRIBE.format(gg=str(GG), rdfs=str(RDFS), r=iri, cap=INCOMING_CAP + 1, children=CHILDREN_CAP)
    query = "PREFIX rdf: <%s>\n" % RDF + query
    answer = store.query(query, result_format="json", graph_format="ntriples", timeout=timeout)
    triples = tuple(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
    target = ox.NamedNode(iri)
    parent = ox.NamedNode(str(GG.parentNode))
    incoming = {(t.subject, t.predicate) for t in triples if t.object == target and t.predicate != parent}
    more = len(incoming) > INCOMING_CAP
    if more:
        # Drop the one link past the cap (it only told us there are more).
        extra = sorted(incoming, key=lambda sp: (sp[0].value, sp[1].value))[INCOMING_CAP:]
        cut = {(s, p, target) for s, p in extra}
        triples = tuple(t for t in triples if (t.subject, t.predicate, t.object) not in cut)
    return Description(iri, triples, more)


def source_excerpts(store: GraphStore, iri: str, timeout: float | None = 10.0) -> list[Excerpt]:
    """The original lines each of ``iri``'s source spans covers, numbered as in the source."""
    check_iri(iri)
    answer = store.query(_EXCERPTS.format(gg=str(GG), r=iri), result_format="json", graph_format="turtle", timeout=timeout)
    excerpts = []
    for row in json.loads(answer.body)["results"]["bindings"]:
        start, end = int(row["line"]["value"]), int(row["endLine"]["value"])
        text = row.get("excerpt", {}).get("value", "")
        numbered = tuple((start + i, line) for i, line in enumerate(text.split("\n")))
        excerpts.append(Excerpt(row["span"]["value"], start, end, numbered[: end - start + 1]))
    return excerpts


def incoming_query(iri: str) -> str:
    """The SPARQL a reader runs for all incoming links, when the page shows only the first ones."""
    check_iri(iri)
    return f"SELECT ?subject ?property WHERE {{ ?subject ?property <{iri}> }} ORDER BY ?property ?subject"
