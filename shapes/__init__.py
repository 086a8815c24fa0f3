"""SHACL shapes that check a guide is complete and consistent (Turtle data files).

The shapes are split by severity: violations.ttl (what a guide must have),
warnings.ttl (what a good guide should have) and info.ttl (observations).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rdflib import Graph

SHAPES_IRI = "https://w3id.org/guidegraph/shapes"
SHAPES_NS = SHAPES_IRI + "#"
SHAPE_FILES = ("violations.ttl", "warnings.ttl", "info.ttl")


def shape_text(name: str) -> str:
    """The Turtle text of one bundled shapes file."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _cached_shapes() -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(data=shape_text(name), format="turtle")
    return graph


def shapes_graph() -> Graph:
    """All guidegraph shapes in one graph (a fresh copy: callers may change it)."""
    copy = Graph()
    for prefix, ns in _cached_shapes().namespaces():
        copy.bind(prefix, ns)
    for triple in _cached_shapes():
        copy.add(triple)
    return copy


__all__ = ["SHAPES_IRI", "SHAPES_NS", "SHAPE_FILES", "shape_text", "shapes_graph"]
