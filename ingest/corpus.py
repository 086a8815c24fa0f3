"""Guides to datasets: each guide's own named graph plus the one shared concepts graph.

``corpus_nquads`` and ``serialize_outlines`` write with pyoxigraph straight
from the mapping (several times faster than rdflib); the rdflib Dataset
builders serve tests and the formats pyoxigraph does not write our way
(JSON-LD with our context, RDF/XML).
"""

from __future__ import annotations

import os
from typing import Iterable, Iterator

from rdflib import Dataset, URIRef

from guidegraph import iris
from guidegraph.formats import RDF_FORMATS, rdf_format_by_name
from guidegraph.ingest.model import Outline
from guidegraph.ingest.to_rdf import outline_graphs
from guidegraph.namespaces import PREFIXES
from guidegraph.rdf_io import new_dataset


def add_outline(ds: Dataset, outline: Outline, base_iri: str | None = None) -> URIRef:
    """Write one guide into ``ds``: its graph, and its concepts into the concepts graph.
    Returns the guide's graph IRI."""
    own, concepts = outline_graphs(outline, base_iri)
    name = URIRef(iris.graph_iri(outline, base_iri))
    graph = ds.graph(name)
    graph.addN((s, p, o, graph) for s, p, o in own)
    shared = ds.graph(URIRef(iris.concepts_graph_iri(base_iri)))
    shared.addN((s, p, o, shared) for s, p, o in concepts)
    return name


def outline_to_dataset(outline: Outline, base_iri: str | None = None) -> Dataset:
    """One guide as a Dataset: its own graph and the concepts graph, nothing in the default graph."""
    ds = new_dataset()
    add_outline(ds, outline, base_iri)
    return ds


def corpus_outlines(paths: Iterable[str | os.PathLike[str]] | None = None) -> Iterator[Outline]:
    """Outlines of ``paths``, or of the bundled seed guides."""
    from guidegraph.ingest.pipeline import outline_file

    if paths is None:
        from guidegraph.corpus import seed_paths

        paths = seed_paths()
    for path in paths:
        yield outline_file(path)


def corpus_dataset(paths: Iterable[str | os.PathLike[str]] | None = None, base_iri: str | None = None) -> Dataset:
    """Ingest ``paths`` (default: the bundled seed guides) into one Dataset."""
    ds = new_dataset()
    for outline in corpus_outlines(paths):
        add_outline(ds, outline, base_iri)
    return ds


def corpus_nquads(paths: Iterable[str | os.PathLike[str]] | None = None, base_iri: str | None = None) -> bytes:
    """The same quads as ``corpus_dataset`` in N-Quads, written by pyoxigraph."""
    return serialize_outlines(corpus_outlines(paths), "nquads", base_iri)[0]


# Formats pyoxigraph writes from the mapping directly; JSON-LD (our context) and RDF/XML stay with rdflib.
FAST_FORMATS = tuple(f.name for f in RDF_FORMATS if f.writer == "oxigraph")


def outline_quads(outlines: Iterable[Outline], base_iri: str | None = None) -> list:
    """pyoxigraph quads of ``outlines``: each guide's graph, then the concepts graph (each concept once)."""
    from guidegraph.oxigraph_terms import BlankNodeMap, oxigraph_quads

    blanks = BlankNodeMap()
    quads: list = []
    concepts: dict = {}
    for outline in outlines:
        own, shared = outline_graphs(outline, base_iri)
        quads.extend(oxigraph_quads(own, URIRef(iris.graph_iri(outline, base_iri)), blanks))
        concepts.update(dict.fromkeys(shared))
    if concepts:
        quads.extend(oxigraph_quads(concepts, URIRef(iris.concepts_graph_iri(base_iri)), blanks))
    return quads


def serialize_outlines(outlines: Iterable[Outline], fmt_name: str, base_iri: str | None = None) -> tuple[bytes, int]:
    """``outlines`` in a dataset format (a graph per guide, plus the concepts graph) or a graph
    format (their union), by pyoxigraph; with the number of statements written."""
    import pyoxigraph as ox

    if fmt_name not in FAST_FORMATS:
        raise ValueError(f"{fmt_name} is not one of {FAST_FORMATS}")
    fmt = rdf_format_by_name(fmt_name)
    quads = outline_quads(outlines, base_iri)
    # Line formats take no prefixes; Turtle and TriG read better with ours.
    prefixes = None if fmt_name in ("nquads", "ntriples") else dict(PREFIXES)
    if fmt.datasets:
        return ox.serialize(quads, format=fmt.oxigraph_format, prefixes=prefixes), len(quads)
    triples = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(triples, format=fmt.oxigraph_format, prefixes=prefixes), len(triples)


__all__ = [
    "add_outline", "outline_to_dataset", "corpus_outlines", "corpus_dataset", "corpus_nquads",
    "outline_quads", "serialize_outlines", "FAST_FORMATS",
]
