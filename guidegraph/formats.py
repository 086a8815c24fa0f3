"""One registry of the RDF and result formats guidegraph reads and writes.

Content negotiation, ``--format`` options and dump file names all read this
table, so adding a format is one row here.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from guidegraph.errors import UsageError


@dataclass(frozen=True)
class RdfFormat:
    name: str  # short name used on the command line and in ?format=
    media_type: str  # canonical media type sent in Content-Type
    extensions: tuple[str, ...]
    rdflib: str  # rdflib parser/serializer plugin name
    datasets: bool  # keeps named graphs
    aliases: tuple[str, ...] = ()  # other media types and short names accepted

    @property
    def extension(self) -> str:
        return self.extensions[0]


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "text/turtle", (".ttl",), "turtle", False, ("ttl", "application/x-turtle")),
    RdfFormat("ntriples", "application/n-triples", (".nt",), "nt", False, ("nt", "n-triples", "text/plain")),
    RdfFormat("nquads", "application/n-quads", (".nq",), "nquads", True, ("nq", "n-quads", "text/x-nquads")),
    RdfFormat("trig", "application/trig", (".trig",), "trig", True, ("application/x-trig",)),
    RdfFormat("jsonld", "application/ld+json", (".jsonld", ".json-ld"), "json-ld", True, ("json-ld",)),
    RdfFormat("rdfxml", "application/rdf+xml", (".rdf", ".owl", ".xml"), "xml", False, ("xml", "rdf/xml", "rdf")),
)


def rdf_format(key: str) -> RdfFormat:
    """Look a format up by short name, alias, media type or file extension."""
    k = key.strip().lower()
    if k and not k.startswith(".") and "/" not in k and "." in k:
        k = Path(k).suffix
    for fmt in RDF_FORMATS:
        if k == fmt.name or k == fmt.media_type or k in fmt.aliases or k in fmt.extensions:
            return fmt
    names = ", ".join(f.name for f in RDF_FORMATS)
    raise UsageError(f"unknown RDF format {key!r}; choose one of: {names}")


def rdf_format_for_path(path: str | os.PathLike[str], explicit: str | None = None) -> RdfFormat:
    """The format for an output path: ``explicit`` if given, else by extension."""
    if explicit:
        return rdf_format(explicit)
    suffix = Path(path).suffix.lower()
    if not suffix:
        raise UsageError(f"cannot tell the RDF format of {str(path)!r}: give it an extension or use --format")
    return rdf_format(suffix)


def is_rdf_path(path: str | os.PathLike[str]) -> bool:
    suffix = Path(path).suffix.lower()
    return any(suffix in f.extensions for f in RDF_FORMATS)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a part."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
