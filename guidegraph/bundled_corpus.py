"""First start of a data directory: the bundled guides go in, under the base IRI the server publishes.

This is the command layer's job (``guidegraph serve``, ``guidegraph dump``):
the store layer only stores. The base IRI a directory was loaded with is kept
beside the store, so a later start maps request paths to the IRIs the store
really holds, whatever port it listens on then.
"""

from __future__ import annotations

from pathlib import Path

from guidegraph import iris
from guidegraph.formats import write_atomic
from guidegraph.store.base import GraphStore

BASE_IRI_FILE = "base-iri.txt"


def recorded_base_iri(data_dir: str | Path | None) -> str | None:
    """The base IRI the data in ``data_dir`` was minted under, if it was recorded."""
    if not data_dir:
        return None
    try:
        value = (Path(data_dir) / BASE_IRI_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return value or None


def record_base_iri(data_dir: str | Path, base_iri: str) -> None:
    write_atomic(Path(data_dir) / BASE_IRI_FILE, (iris.base(base_iri) + "\n").encode("utf-8"))


def load_bundled_corpus(store: GraphStore, base_iri: str | None = None, paths: list[str] | None = None) -> int:
    """Ingest the bundled corpus (or ``paths``) into ``store``; returns the quads added."""
    from guidegraph.ingest.corpus import corpus_nquads
    from guidegraph.knowledge import nquads_with_links

    before = store.triple_count()
    store.bulk_load_nquads(nquads_with_links(corpus_nquads(paths, base_iri), base_iri))
    return store.triple_count() - before


def default_base_iri(host: str, port: int) -> str:
    """The IRI base a local server publishes under, so that its IRIs dereference on it."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/id/"
