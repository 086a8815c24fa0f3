"""One registry of the RDF and result formats guidegraph reads and writes.

Content negotiation, ``--format`` options and dump file names all read this
table, so adding a format is one row here.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from guidegraph.errors import UsageError, from_os_error


FORMATS_NS = "http://www.w3.org/ns/formats/"  # the W3C's IRIs for formats, used in service descriptions


@dataclass(frozen=True)
class RdfFormat:
    """An RDF syntax: how it is named, negotiated, stored in files and written."""

    name: str  # short name used on the command line and in ?format=
    media_type: str  # canonical media type sent in Content-Type
    extensions: tuple[str, ...]
    rdflib: str  # rdflib parser/serializer plugin name
    oxigraph: str  # pyoxigraph.RdfFormat member name
    datasets: bool  # keeps named graphs
    format_iri: str  # W3C formats IRI (service description, catalogue)
    writer: str  # who serialises our data in it: "oxigraph" (fast) or "rdflib" (JSON-LD with our context, RDF/XML)
    aliases: tuple[str, ...] = ()  # other media types and short names accepted
    # Every statement on a line of its own: a file may be cut at any line break (bulkload.parallel).
    line_based: bool = False

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def oxigraph_format(self):
        import pyoxigraph

        return getattr(pyoxigraph.RdfFormat, self.oxigraph)

    @property
    def charset_media_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "text/turtle", (".ttl",), "turtle", "TURTLE", False, FORMATS_NS + "Turtle", "oxigraph",
              ("ttl", "application/x-turtle")),
    RdfFormat("ntriples", "application/n-triples", (".nt",), "nt", "N_TRIPLES", False, FORMATS_NS + "N-Triples", "oxigraph",
              ("nt", "n-triples", "text/plain"), line_based=True),
    RdfFormat("nquads", "application/n-quads", (".nq",), "nquads", "N_QUADS", True, FORMATS_NS + "N-Quads", "oxigraph",
              ("nq", "n-quads", "text/x-nquads"), line_based=True),
    RdfFormat("trig", "application/trig", (".trig",), "trig", "TRIG", True, FORMATS_NS + "TriG", "oxigraph",
              ("application/x-trig",)),
    RdfFormat("jsonld", "application/ld+json", (".jsonld", ".json-ld"), "json-ld", "JSON_LD", True, FORMATS_NS + "JSON-LD",
              "rdflib", ("json-ld",)),
    RdfFormat("rdfxml", "application/rdf+xml", (".rdf", ".owl", ".xml"), "xml", "RDF_XML", False, FORMATS_NS + "RDF_XML",
              "rdflib", ("xml", "rdf/xml", "rdf")),
)


@dataclass(frozen=True)
class ResultFormat:
    """A SPARQL 1.1 query results format (for SELECT and ASK)."""

    name: str
    media_type: str
    aliases: tuple[str, ...]
    oxigraph_name: str  # pyoxigraph.QueryResultsFormat member name
    format_iri: str
    extension: str

    @property
    def oxigraph(self):
        import pyoxigraph

        return getattr(pyoxigraph.QueryResultsFormat, self.oxigraph_name)


RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "application/sparql-results+json", ("srj", "application/json"), "JSON",
                 FORMATS_NS + "SPARQL_Results_JSON", ".srj"),
    ResultFormat("xml", "application/sparql-results+xml", ("srx", "application/xml", "text/xml"), "XML",
                 FORMATS_NS + "SPARQL_Results_XML", ".srx"),
    ResultFormat("csv", "text/csv", (), "CSV", FORMATS_NS + "SPARQL_Results_CSV", ".csv"),
    ResultFormat("tsv", "text/tab-separated-values", (), "TSV", FORMATS_NS + "SPARQL_Results_TSV", ".tsv"),
)


def rdf_format_by_name(name: str) -> RdfFormat:
    """The RDF format with this exact short name (KeyError otherwise)."""
    for fmt in RDF_FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def result_format_by_name(name: str) -> ResultFormat:
    """The results format with this exact short name (KeyError otherwise)."""
    for fmt in RESULT_FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


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


# Compressed inputs: the suffix after the format's, and the bytes every such file starts with
# (so a compressed file is recognised whatever it is called).
COMPRESSIONS: dict[str, tuple[str, bytes]] = {".gz": ("gzip", b"\x1f\x8b")}


def rdf_format_for_input(path: str | os.PathLike[str], explicit: str | None = None) -> RdfFormat:
    """The format of an input file: ``explicit`` if given, else by the extension under any
    compression suffix (``guides.nq.gz`` is N-Quads)."""
    if explicit:
        return rdf_format(explicit)
    name = Path(path).name.lower()
    for suffix in COMPRESSIONS:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    suffix = Path(name).suffix
    if not suffix:
        raise UsageError(f"cannot tell the RDF format of {str(path)!r}: give it an extension or use --format")
    try:
        return rdf_format(suffix)
    except UsageError:
        known = ", ".join(ext for f in RDF_FORMATS for ext in f.extensions)
        raise UsageError(f"cannot tell the RDF format of {str(path)!r}: {suffix} is none of {known} "
                         "(optionally with .gz); use --format") from None


def is_rdf_path(path: str | os.PathLike[str]) -> bool:
    suffix = Path(path).suffix.lower()
    return any(suffix in f.extensions for f in RDF_FORMATS)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once: os.umask can only be read by setting it, which would race with other threads.
_UMASK = _current_umask()


# Temporary files of write_atomic: ".<target name>.<pid>-<random>.tmp" beside the target (the same
# file system, so the final rename is atomic). The pid tells an abandoned one (its writer is gone)
# from one another process is still writing.
_TEMP_SUFFIX = ".tmp"
_OURS = re.compile(r"(\d+)-[a-z0-9_]{8}")


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a part.

    A temporary file left by an earlier writer of the same path that was killed is removed
    first. The machine refusing the write (no space, read-only, no permission) raises a
    FileSystemError naming ``path``."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned_temporaries(target)
        _write_through_temporary(target, data)
    except OSError as exc:
        error = from_os_error(exc, "write", target)
        if error is None:
            raise
        raise error from None


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """Make a directory's entries (a file created, renamed or removed in it) survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_through_temporary(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=_TEMP_SUFFIX, dir=target.parent)
    try:
        # mkstemp makes the file 0600; a file the user asked for gets the usual mode under their umask.
        os.fchmod(fd, 0o666 & ~_UMASK)
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


def remove_abandoned_temporaries(target: Path) -> list[Path]:
    """Remove write_atomic's temporary files for ``target`` whose writer has died; returns them.

    Only names write_atomic makes count, and only when the process named in them no longer
    runs; a file the user named alike, or one another process is still writing, stays. (Names
    without a pid, from before it was in them, cannot be told from the user's and stay too.)"""
    prefix = f".{target.name}."
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except FileNotFoundError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_TEMP_SUFFIX)) or not entry.is_file(follow_symlinks=False):
            continue
        middle = name[len(prefix):-len(_TEMP_SUFFIX)]
        ours = _OURS.fullmatch(middle)
        if ours and not _process_runs(int(ours.group(1))):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except FileNotFoundError:
                pass
    return removed


def _process_runs(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing the same file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
