"""Data dumps: the whole dataset and each graph in files a consumer can harvest.

The files (names fixed, so harvesters can script them):

    dataset.nq.gz          every graph, N-Quads, gzip (the lossless dump)
    dataset.trig.gz        every graph, TriG, gzip
    dataset.nt.gz          the union of the graphs, N-Triples, gzip
    concepts.ttl/.jsonld   the shared-concepts graph (fields, tags, jurisdictions, schemes)
    <graph>.ttl/.jsonld    one per guide graph, e.g. guide-cn-js-2025-d88395805.ttl
    ontology.ttl           the guidegraph ontology
    SHA256SUMS             checksums of all of them, in ``sha256sum -c`` format
    index.json             this list, with sizes, checksums, media types and graphs

The store streams each file to disk (see GraphStore.dump_to_file), so memory
stays bounded however large the store; each file is replaced atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from guidegraph import iris
from guidegraph.formats import rdf_format_by_name, write_atomic
from guidegraph.namespaces import PREFIXES
from guidegraph.store.base import GraphStore

CHECKSUMS = "SHA256SUMS"
PARALLEL_WRITES = 2
INDEX = "index.json"


@dataclass(frozen=True)
class DumpFile:
    name: str
    format_name: str  # a short name of guidegraph.formats
    media_type: str  # of the content once decompressed
    compression: str | None  # "gzip" or None
    graph: str | None  # the graph it holds; None: the whole dataset
    title: str
    byte_size: int = 0
    sha256: str = ""

    @property
    def served_media_type(self) -> str:
        return "application/gzip" if self.compression == "gzip" else self.media_type


def graph_file_stem(graph: str, base_iri: str) -> str:
    """A file name for a graph: its IRI below the base, slashes to dashes (guide-cn-js-2025-d8…)."""
    if graph == iris.concepts_graph_iri(base_iri):
        return "concepts"
    if graph == iris.links_graph_iri(base_iri):
        return "links"
    if graph.startswith(base_iri):
        stem = graph[len(base_iri):]
        stem = stem[: -len("/graph")] if stem.endswith("/graph") else stem
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-")
        if stem and stem not in ("dataset", "ontology", "concepts", "links"):
            return stem
    return "graph-" + hashlib.sha256(graph.encode("utf-8")).hexdigest()[:12]


def dump_plan(graphs: list[str], base_iri: str) -> list[DumpFile]:
    """The files to write for a store holding ``graphs``."""
    def fmt(name: str) -> str:
        return rdf_format_by_name(name).media_type

    plan = [
        DumpFile("dataset.nq.gz", "nquads", fmt("nquads"), "gzip", None, "All graphs (N-Quads, gzip)"),
        DumpFile("dataset.trig.gz", "trig", fmt("trig"), "gzip", None, "All graphs (TriG, gzip)"),
        DumpFile("dataset.nt.gz", "ntriples", fmt("ntriples"), "gzip", None, "Union of all graphs (N-Triples, gzip)"),
    ]
    for graph in sorted(graphs):
        stem = graph_file_stem(graph, base_iri)
        label = {"concepts": "Shared concepts", "links": "Links across guides"}.get(stem, f"Graph {graph}")
        plan.append(DumpFile(f"{stem}.ttl", "turtle", fmt("turtle"), None, graph, f"{label} (Turtle)"))
        plan.append(DumpFile(f"{stem}.jsonld", "jsonld", fmt("jsonld"), None, graph, f"{label} (JSON-LD)"))
    plan.append(DumpFile("ontology.ttl", "turtle", fmt("turtle"), None, None, "The guidegraph ontology (Turtle)"))
    return plan


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_ontology(path: Path) -> None:
    """The shipped ontology files as they are (one Turtle document may redeclare prefixes),
    so the dump is byte-stable and keeps the authors' comments."""
    from guidegraph.ontology import ONTOLOGY_FILES, ontology_text

    text = "\n".join(f"# ---- {name}\n{ontology_text(name)}" for name in ONTOLOGY_FILES)
    write_atomic(path, text.encode("utf-8"))


def write_dumps(store: GraphStore, directory: str | os.PathLike[str], base_iri: str | None = None) -> list[DumpFile]:
    """Write every dump file of ``store`` into ``directory``; returns them with sizes and checksums."""
    base = iris.base(base_iri)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    graphs = store.named_graphs()
    def write(spec: DumpFile) -> DumpFile:
        path = target / spec.name
        if spec.name == "ontology.ttl":
            _write_ontology(path)
        else:
            line_format = spec.format_name in ("nquads", "ntriples")
            prefixes = None if line_format else dict(PREFIXES)
            if spec.graph is not None:
                selection: list[str | None] | None = [spec.graph]
            elif rdf_format_by_name(spec.format_name).datasets:
                selection = None
            else:
                selection = [None, *graphs]  # the default graph too: an empty one writes nothing
            store.dump_to_file(str(path), spec.format_name, selection, spec.compression == "gzip", prefixes)
        return DumpFile(**{**asdict(spec), "byte_size": path.stat().st_size, "sha256": _sha256(path)})

    # The store writes while holding no lock of ours, so files are written two at a time (this
    # machine's cores); the large whole-dataset files first, so they do not finish last alone.
    with ThreadPoolExecutor(max_workers=PARALLEL_WRITES) as pool:
        written = list(pool.map(write, dump_plan(graphs, base)))
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in written)
    write_atomic(target / CHECKSUMS, sums.encode("utf-8"))
    write_atomic(target / INDEX, json.dumps([asdict(f) for f in written], ensure_ascii=False, indent=1).encode("utf-8"))
    for stale in set(p.name for p in target.iterdir()) - {f.name for f in written} - {CHECKSUMS, INDEX}:
        if not stale.startswith("."):
            (target / stale).unlink(missing_ok=True)
    return written


def dumps_signature(base_iri: str | None) -> str:
    """What besides the data decides the files' bytes: this guidegraph, its ontology and
    prefixes, and the base the graphs' file names are cut from. Kept dumps whose signature
    differs are written again."""
    from guidegraph import __version__
    from guidegraph.ontology import ONTOLOGY_FILES, ontology_text

    digest = hashlib.sha256(f"{__version__}\n{iris.base(base_iri)}\n{sorted(dict(PREFIXES).items())}\n".encode("utf-8"))
    for name in ONTOLOGY_FILES:
        digest.update(ontology_text(name).encode("utf-8"))
    return digest.hexdigest()


def read_index(directory: str | os.PathLike[str]) -> list[DumpFile] | None:
    try:
        rows = json.loads((Path(directory) / INDEX).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return [DumpFile(**row) for row in rows]


__all__ = ["DumpFile", "dump_plan", "write_dumps", "read_index", "dumps_signature", "graph_file_stem", "CHECKSUMS", "INDEX"]
