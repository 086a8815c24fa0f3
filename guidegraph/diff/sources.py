"""Where the two sides of a diff come from: a guide file, or a guide's named graph in the store.

Both end as an rdflib Graph of one guide, read by guidegraph.diff.facts.
"""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph

from guidegraph.diff.facts import GuideFacts, guide_facts
from guidegraph.errors import InputError, UsageError

GRAPH_SUFFIX = "/graph"


def graph_of_file(path: str | os.PathLike[str], base_iri: str | None = None) -> Graph:
    """Ingest a guide file (.txt/.docx/.pdf/.html) and map it to RDF, as ``guidegraph ingest`` does."""
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.ingest.to_rdf import outline_graphs

    target = Path(path)
    if not target.exists():
        raise InputError(f"{target}: no such file")
    if target.is_dir():
        raise UsageError(f"{target}: is a directory; give one guide file")
    own, _ = outline_graphs(outline_file(target), base_iri)
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in own)
    return graph


def graph_iri_of(guide_iri: str) -> str:
    """The named graph holding a guide (guidegraph.iris.graph_iri); a graph IRI is taken as it is."""
    return guide_iri if guide_iri.endswith(GRAPH_SUFFIX) else guide_iri + GRAPH_SUFFIX


def graph_of_stored_guide(store, guide_iri: str) -> Graph:
    """The named graph of a guide in the store; an unknown guide is an InputError naming it."""
    from guidegraph.store.base import check_iri

    try:
        name = check_iri(graph_iri_of(guide_iri.strip()))
    except (UsageError, ValueError):
        raise InputError(f"{guide_iri!r} is not an IRI") from None
    body = store.get_graph(name, "ntriples")
    if not body:
        raise InputError(f"the store holds no guide {guide_iri}")
    graph = Graph()
    graph.parse(data=body.decode("utf-8"), format="nt")
    return graph


def facts_of_file(path: str | os.PathLike[str], base_iri: str | None = None) -> GuideFacts:
    return guide_facts(graph_of_file(path, base_iri), str(path))


def facts_of_stored_guide(store, guide_iri: str) -> GuideFacts:
    return guide_facts(graph_of_stored_guide(store, guide_iri), guide_iri)
