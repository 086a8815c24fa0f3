"""Guides straight into a store: their graphs, as the server holds them, through the bulk loader.

Each guide has its own named graph, which replaces the guide's earlier
version; the concepts graph is shared by all guides, so it gains the new
concepts and keeps the others'. The links across guides are derived again
over everything in the store (bulkload.derived).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from guidegraph import iris
from guidegraph.bulkload.run import LoadReport, load
from guidegraph.errors import from_os_error


def load_guides(data_dir: str | Path, outlines: list, base_iri: str | None = None, *,
                show_progress: bool = False) -> LoadReport:
    """Write ``outlines`` into the store in ``data_dir`` under ``base_iri`` (default: what the
    directory records, else the configured base)."""
    from guidegraph.bundled_corpus import recorded_base_iri
    from guidegraph.ingest.corpus import serialize_outlines

    base = iris.base(base_iri or recorded_base_iri(data_dir))
    nquads, _ = serialize_outlines(outlines, "nquads", base)
    fd, name = tempfile.mkstemp(prefix="guidegraph-ingest-", suffix=".nq")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(nquads)
    except OSError as exc:
        os.unlink(name)
        error = from_os_error(exc, "write the temporary file", name)
        if error is None:
            raise
        raise error from None
    try:
        return load(data_dir, [name], replace=True, keep=frozenset({iris.concepts_graph_iri(base)}),
                    show_progress=show_progress, base_iri=base)
    finally:
        os.unlink(name)
