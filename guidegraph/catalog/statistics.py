"""Counts that describe the dataset, measured in the store with a few SPARQL SELECTs.

Every query groups by the named graph (``GRAPH ?g { ... }``) so one scan
serves all graphs; the whole-dataset figures that cannot be summed from
per-graph ones (distinct subjects, objects, class instances across graphs)
get one query each. guidegraph writes every triple into a named graph, so
triples in the store's default graph proper are not counted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from guidegraph.config import ONTOLOGY_NS
from guidegraph.errors import StoreError
from guidegraph.store.base import GraphStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"

# Kinds of resource a visitor of a guide's graph would look at first; graphs
# holding none of them (the shared concepts) show their most numerous classes.
EXAMPLE_CLASSES = (ONTOLOGY_NS + "Programme", ONTOLOGY_NS + "Direction", ONTOLOGY_NS + "Indicator")
EXAMPLES_PER_GRAPH = 4


@dataclass(frozen=True)
class GraphStatistics:
    """One named graph: a guide's graph or the shared-concepts graph."""

    graph: str
    triples: int
    entities: int  # distinct IRI subjects
    classes: dict[str, int]  # class IRI -> distinct instances
    properties: dict[str, int]  # predicate IRI -> triples
    guide: str | None  # the gg:GuideDocument in this graph, if any
    title: str | None
    year: int | None
    jurisdiction: str | None
    jurisdiction_label: str | None
    issued: str | None  # gg:issueDate, ISO 8601
    example_resources: tuple[str, ...]


@dataclass(frozen=True)
class DatasetStatistics:
    """The whole dataset: every named graph together."""

    triples: int  # quads: the sum over graphs (a triple held by two graphs counts twice)
    entities: int  # distinct IRI subjects over all graphs
    classes: dict[str, int]  # class IRI -> distinct instances over all graphs
    properties: dict[str, int]  # predicate IRI -> quads
    distinct_subjects: int
    distinct_objects: int
    graphs: tuple[GraphStatistics, ...]


_PER_GRAPH_PREDICATES = "SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?p"

# Deduplicate subjects first and test IRI-ness on the distinct ones: a FILTER
# on the triple scan costs several times the scan itself in Oxigraph.
_PER_GRAPH_SUBJECTS = """
SELECT ?g (COUNT(*) AS ?subjects) (COUNT(?iri) AS ?entities)
WHERE { { SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } } } BIND(IF(isIRI(?s), 1, ?none) AS ?iri) }
GROUP BY ?g
"""

# MIN(?s) is a stable example instance per class (a blank node sorts first,
# and is then not used as an example).
_PER_GRAPH_CLASSES = f"""
SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) (MIN(?s) AS ?example)
WHERE {{ GRAPH ?g {{ ?s <{RDF_TYPE}> ?c }} }}
GROUP BY ?g ?c
"""

_WHOLE_SUBJECTS = """
SELECT (COUNT(*) AS ?subjects) (COUNT(?iri) AS ?entities)
WHERE { { SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } } } BIND(IF(isIRI(?s), 1, ?none) AS ?iri) }
"""

_WHOLE_OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?objects) WHERE { GRAPH ?g { ?s ?p ?o } }"

_WHOLE_CLASSES = f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{RDF_TYPE}> ?c }} }} GROUP BY ?c"

# The jurisdiction's label may live in another graph (shared concepts), hence GRAPH ?lg.
_GUIDES = f"""
PREFIX gg: <{ONTOLOGY_NS}>
PREFIX skos: <{SKOS_NS}>
SELECT ?g ?doc ?title ?year ?issued ?j ?jlabel WHERE {{
  GRAPH ?g {{
    ?doc a gg:GuideDocument .
    OPTIONAL {{ ?doc gg:title ?title }}
    OPTIONAL {{ ?doc gg:year ?year }}
    OPTIONAL {{ ?doc gg:issueDate ?issued }}
  }}
  OPTIONAL {{
    GRAPH ?g {{ ?doc gg:jurisdiction ?j }}
    OPTIONAL {{ GRAPH ?lg {{ ?j skos:prefLabel ?jlabel }} }}
  }}
}}
"""


def _select(store: GraphStore, sparql: str) -> list[dict[str, dict[str, Any]]]:
    answer = store.query(sparql, result_format="json", graph_format="turtle")
    try:
        return json.loads(answer.body)["results"]["bindings"]
    except (ValueError, KeyError) as exc:
        raise StoreError(f"the store answered a statistics query with unreadable results: {exc}") from None


def _int(binding: dict[str, Any], name: str) -> int:
    return int(binding[name]["value"]) if name in binding else 0


def _language_rank(term: dict[str, Any]) -> tuple[int, str]:
    """Chinese (or untagged) first, then English, then the rest; ties by value."""
    lang = term.get("xml:lang", "").lower()
    order = 0 if lang in ("", "zh") or lang.startswith("zh-") else 1 if lang.startswith("en") else 2
    return order, term["value"]


def _best(terms: Iterable[dict[str, Any]]) -> str | None:
    ranked = sorted(terms, key=_language_rank)
    return ranked[0]["value"] if ranked else None


def _year(value: str | None) -> int | None:
    if not value:
        return None
    digits = value.lstrip("-")[:4]
    return int(digits) if digits.isdigit() else None


def _examples(guide: str | None, classes: dict[str, int], examples: dict[str, str]) -> tuple[str, ...]:
    chosen: list[str] = [guide] if guide else []
    preferred = [examples[c] for c in EXAMPLE_CLASSES if c in examples]
    if not preferred:
        by_size = sorted((c for c in examples), key=lambda c: (-classes.get(c, 0), c))
        preferred = [examples[c] for c in by_size]
    for iri in preferred:
        if iri not in chosen:
            chosen.append(iri)
    return tuple(chosen[:EXAMPLES_PER_GRAPH])


def dataset_statistics(store: GraphStore) -> DatasetStatistics:
    """Measure the dataset in ``store`` (seven queries, none more than one scan of the data)."""
    properties: dict[str, dict[str, int]] = defaultdict(dict)
    for row in _select(store, _PER_GRAPH_PREDICATES):
        properties[row["g"]["value"]][row["p"]["value"]] = _int(row, "n")

    entities = {row["g"]["value"]: _int(row, "entities") for row in _select(store, _PER_GRAPH_SUBJECTS)}

    classes: dict[str, dict[str, int]] = defaultdict(dict)
    class_examples: dict[str, dict[str, str]] = defaultdict(dict)
    for row in _select(store, _PER_GRAPH_CLASSES):
        graph, cls = row["g"]["value"], row["c"]["value"]
        if row["c"]["type"] != "uri":
            continue
        classes[graph][cls] = _int(row, "n")
        if row.get("example", {}).get("type") == "uri":
            class_examples[graph][cls] = row["example"]["value"]

    guides: dict[str, dict[str, Any]] = {}
    for row in _select(store, _GUIDES):
        graph, doc = row["g"]["value"], row["doc"]["value"]
        current = guides.get(graph)
        # A graph holds one guide; if it held more, the smallest IRI wins so
        # the description does not change from run to run.
        if current is not None and doc > current["doc"]:
            continue
        if current is None or doc < current["doc"]:
            current = guides[graph] = {"doc": doc, "title": [], "year": [], "issued": [], "labels": defaultdict(list)}
        for key in ("title", "year", "issued"):
            if key in row and row[key] not in current[key]:
                current[key].append(row[key])
        if "j" in row:
            labels = current["labels"][row["j"]["value"]]
            if "jlabel" in row and row["jlabel"] not in labels:
                labels.append(row["jlabel"])

    graphs: list[GraphStatistics] = []
    for graph in sorted(properties):
        guide = guides.get(graph)
        jurisdiction = min(guide["labels"], default=None) if guide else None
        graphs.append(
            GraphStatistics(
                graph=graph,
                triples=sum(properties[graph].values()),
                entities=entities.get(graph, 0),
                classes=dict(sorted(classes.get(graph, {}).items())),
                properties=dict(sorted(properties[graph].items())),
                guide=guide["doc"] if guide else None,
                title=_best(guide["title"]) if guide else None,
                year=_year(min((t["value"] for t in guide["year"]), default=None)) if guide else None,
                jurisdiction=jurisdiction,
                jurisdiction_label=_best(guide["labels"][jurisdiction]) if jurisdiction else None,
                issued=min((t["value"] for t in guide["issued"]), default=None) if guide else None,
                example_resources=_examples(guide["doc"] if guide else None, classes.get(graph, {}), class_examples.get(graph, {})),
            )
        )

    subjects = (_select(store, _WHOLE_SUBJECTS) or [{}])[0]
    objects = (_select(store, _WHOLE_OBJECTS) or [{}])[0]
    whole_classes = {row["c"]["value"]: _int(row, "n") for row in _select(store, _WHOLE_CLASSES) if row["c"]["type"] == "uri"}
    whole_properties: dict[str, int] = defaultdict(int)
    for per_graph in properties.values():
        for predicate, count in per_graph.items():
            whole_properties[predicate] += count

    return DatasetStatistics(
        triples=sum(g.triples for g in graphs),
        entities=_int(subjects, "entities"),
        classes=dict(sorted(whole_classes.items())),
        properties=dict(sorted(whole_properties.items())),
        distinct_subjects=_int(subjects, "subjects"),
        distinct_objects=_int(objects, "objects"),
        graphs=tuple(graphs),
    )
