"""Reading and writing RDF with rdflib: datasets with our prefixes, parsing with one-line errors.

Fast writing of our own data goes through pyoxigraph (guidegraph.ingest.corpus);
this module is for what rdflib does best: JSON-LD with our context, RDF/XML,
and parsing user files with errors people can read.
"""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Dataset, Graph

from guidegraph.errors import InputError
from guidegraph.formats import RdfFormat, rdf_format_for_path
from guidegraph.namespaces import PREFIXES


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


def new_dataset() -> Dataset:
    return bind_prefixes(Dataset())


def union_graph(ds: Dataset) -> Graph:
    """All triples of all graphs of ``ds`` in one Graph."""
    union = bind_prefixes(Graph())
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def serialize_dataset(ds: Dataset, fmt: RdfFormat) -> bytes:
    """Bytes of ``ds`` in ``fmt``: named graphs kept where the format can, else their union."""
    if fmt.name == "jsonld":
        from guidegraph.ontology import jsonld_context

        return ds.serialize(format="json-ld", context=jsonld_context(), encoding="utf-8")
    if fmt.datasets:
        return ds.serialize(format=fmt.rdflib, encoding="utf-8")
    return union_graph(ds).serialize(format=fmt.rdflib, encoding="utf-8")


def serialize_graph(graph: Graph, fmt: RdfFormat) -> bytes:
    """One graph in ``fmt``; JSON-LD compacted with our published context."""
    bind_prefixes(graph)
    if fmt.name == "jsonld":
        from guidegraph.ontology import jsonld_context

        return graph.serialize(format="json-ld", context=jsonld_context(), encoding="utf-8")
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def parse_rdf(data: bytes | str | os.PathLike[str], fmt: RdfFormat | None = None) -> Dataset:
    """Parse RDF bytes or a file into a Dataset; bad input raises InputError with one line."""
    if isinstance(data, (bytes, bytearray)):
        if fmt is None:
            raise InputError("cannot tell the RDF format of the data: give a format")
        payload = bytes(data)
        where = "input"
    else:
        path = Path(data)
        fmt = fmt or rdf_format_for_path(path)
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        where = str(path)
    ds = new_dataset()
    try:
        # triples of a graph-less format land in the default graph
        target = ds if fmt.datasets else ds.default_graph
        target.parse(data=payload, format=fmt.rdflib)
    except Exception as exc:  # noqa: BLE001 - parsers raise many types; users need one line
        message = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise InputError(f"{where} is not valid {fmt.name}: {message}") from None
    return ds


__all__ = ["bind_prefixes", "new_dataset", "union_graph", "serialize_dataset", "serialize_graph", "parse_rdf"]
