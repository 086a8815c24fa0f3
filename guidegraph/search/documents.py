"""What the search index holds, read from the store by SPARQL (so any store will do).

One search document per resource a reader looks for: guides, programmes,
categories, fields and directions (their titles; for directions also their
research content, introduction and indicators) and offices (name, address,
what they serve, and their contacts' names, phones and emails). A direction
found by a phrase of one of its indicators is the hit, not the indicator:
that is the page a reader wants, and the result says which part matched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from guidegraph.namespaces import GG
from guidegraph.store.base import GraphStore

# Searched parts of a document, in the order the index holds them. The title is
# what a hit is named by; "other" holds codes, numbers and contact details.
FIELDS = ("title", "content", "indicators", "other")

# A resource with several of these types is shown as the first one listed.
TITLED_TYPES = ("GuideDocument", "SpecialProgramme", "Programme", "Category", "FieldSection", "Direction", "SubDirection")
OFFICE_TYPES = ("AcceptingOffice", "ResponsibleDepartment", "ContactDesk", "Office")
PART_SEPARATOR = " · "

_PREFIX = f"PREFIX gg: <{GG}>\n"


def _values(names: tuple[str, ...]) -> str:
    return " ".join(f"gg:{n}" for n in names)


QUERIES = {
    "titled": f"""SELECT ?s ?type ?name ?g WHERE {{
        VALUES ?type {{ {_values(TITLED_TYPES)} }} ?s a ?type ; gg:title ?name . OPTIONAL {{ ?s gg:guide ?g }} }}""",
    "offices": f"""SELECT ?s ?type ?name ?g WHERE {{
        VALUES ?type {{ {_values(OFFICE_TYPES)} }} ?s a ?type ; gg:name ?name . OPTIONAL {{ ?s gg:guide ?g }} }}""",
    # (subject, field, text): the parts beside the title
    # (subject, field, text): the parts beside the title. One UNION branch per path: on Oxigraph
    # this reads a 10^6-triple store about a third faster than one VALUES table of predicates.
    "parts": """SELECT ?s ?field ?text WHERE {
        { ?s gg:researchContent/gg:text ?text BIND ("content" AS ?field) }
        UNION { ?s gg:intro/gg:text ?text BIND ("content" AS ?field) }
        UNION { ?s gg:indicator/gg:text ?text BIND ("indicators" AS ?field) }
        UNION { VALUES (?p ?field) { (gg:subtitle "content") (gg:address "content") (gg:serves "content")
                                     (gg:code "other") (gg:docNumber "other") }
                ?s ?p ?text }
        UNION { ?s gg:issuingAuthority/gg:name ?text BIND ("other" AS ?field) }
        UNION { VALUES ?cp { gg:personName gg:telephone gg:email } ?s gg:contactPoint ?c . ?c ?cp ?text
                BIND ("other" AS ?field) }
    }""",
}


@dataclass
class SearchDocument:
    iri: str
    type: str  # the class's local name in the gg: ontology
    guide: str  # the guide it belongs to (a guide's own IRI for a guide)
    parts: dict[str, list[str]] = field(default_factory=lambda: {f: [] for f in FIELDS})

    @property
    def label(self) -> str:
        return PART_SEPARATOR.join(self.parts["title"])

    def text(self, name: str) -> str:
        return PART_SEPARATOR.join(self.parts[name])


def _rows(store: GraphStore, sparql: str, timeout: float | None) -> list[dict[str, str]]:
    answer = store.query(_PREFIX + sparql, result_format="json", graph_format="turtle", timeout=timeout, max_rows=None)
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(answer.body)["results"]["bindings"]]


def _add(values: list[str], text: str) -> None:
    text = " ".join(text.split())
    if text and text not in values:
        values.append(text)


def read_documents(store: GraphStore, timeout: float | None = None) -> list[SearchDocument]:
    """Every searchable resource of the store with its text, in a stable order."""
    docs: dict[str, SearchDocument] = {}
    rank = {name: i for i, name in enumerate(TITLED_TYPES + OFFICE_TYPES)}
    for query in ("titled", "offices"):
        for row in _rows(store, QUERIES[query], timeout):
            kind = row["type"][len(str(GG)):]
            doc = docs.get(row["s"])
            if doc is None:
                doc = docs[row["s"]] = SearchDocument(row["s"], kind, row.get("g") or row["s"])
            elif rank[kind] < rank[doc.type]:
                doc.type = kind
            _add(doc.parts["title"], row["name"])
    for row in _rows(store, QUERIES["parts"], timeout):
        doc = docs.get(row["s"])
        if doc is not None:
            _add(doc.parts[row["field"]], row["text"])
    return [docs[iri] for iri in sorted(docs)]
