"""The files of a bulk load: their format and compression, a stream of their bytes, a check pass.

The check pass parses every file once before anything is written, so a
syntax error anywhere stops the load while the store is untouched; it also
counts each file's triples (for the progress bar's rate) and, for
``--replace``, finds the graphs a file holds.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

import pyoxigraph as ox

from guidegraph.errors import InputError, from_os_error
from guidegraph.formats import COMPRESSIONS, RdfFormat, rdf_format_for_input

READ_BUFFER = 1 << 20
SAMPLE_BYTES = 1 << 20  # read to estimate an unchecked file's triples (for the progress bar's rate)
# Damaged compressed data shows as one of these while the parser reads.
_DAMAGED = (EOFError, gzip.BadGzipFile, zlib.error)
_PARSER_POSITION = re.compile(r"Parser error at line (\d+)(?: between columns (\d+) and \d+| column (\d+))?: (.*)", re.S)


@dataclass(frozen=True)
class Source:
    """One input file."""

    path: Path
    fmt: RdfFormat
    compression: str | None  # "gzip" or None
    size: int  # bytes on disk (compressed, if it is)


@dataclass(frozen=True)
class Checked:
    """What the check pass found in a file (or, unchecked, an estimate of its triples)."""

    source: Source
    triples: int
    graphs: frozenset[str | None]  # graph IRIs it writes to (None: the default graph); empty unless asked for
    counted: bool = True  # False: ``triples`` is estimated from the file's first bytes


def plan(paths: list[str], explicit_format: str | None = None) -> list[Source]:
    """The sources for ``paths``: each must be a readable file of a format the registry knows."""
    sources = []
    for item in paths:
        path = Path(item)
        fmt = rdf_format_for_input(path, explicit_format)
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
                size = os.fstat(fh.fileno()).st_size
        except IsADirectoryError:
            raise InputError(f"{path} is a directory; name the RDF files in it") from None
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except OSError as exc:
            error = from_os_error(exc, "read", path)
            if error is None:
                raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
            raise error from None
        compression = next((name for name, magic in COMPRESSIONS.values() if head.startswith(magic)), None)
        sources.append(Source(path, fmt, compression, size))
    return sources


@contextmanager
def open_stream(source: Source) -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """(the decompressed byte stream, the file on disk); the file's offset tells how far the reading got."""
    raw = open(source.path, "rb", buffering=READ_BUFFER)
    try:
        if source.compression == "gzip":
            # The parser reads a few KB at a time; GzipFile's read is Python code, a buffer before it is not.
            yield io.BufferedReader(gzip.GzipFile(fileobj=raw, mode="rb"), READ_BUFFER), raw
        else:
            yield raw, raw
    finally:
        raw.close()


def input_error(exc: BaseException, source: Source) -> InputError | None:
    """The one-line error for a parser's or decompressor's complaint about ``source``, or None."""
    if isinstance(exc, SyntaxError):
        message = exc.args[0] if exc.args else str(exc)
        found = _PARSER_POSITION.match(message)
        if found:
            line, column, what = found.group(1), found.group(2) or found.group(3), " ".join(found.group(4).split())
            where = f"line {line}, column {column}" if column else f"line {line}"
            if "Invalid UTF-8" in what:
                what += " (RDF files are UTF-8)"
            return InputError(f"{source.path}: {where}: {what} (not valid {source.fmt.name})")
        return InputError(f"{source.path}: not valid {source.fmt.name}: {' '.join(message.split())}")
    if isinstance(exc, _DAMAGED):
        return InputError(f"{source.path}: the {source.compression or 'compressed'} data is damaged or cut short ({exc})")
    if isinstance(exc, OSError):
        return from_os_error(exc, "read", source.path)
    return None


def check(source: Source, to_graph: str | None, want_graphs: bool,
          on_stream: Callable[[BinaryIO], object] | None = None) -> Checked:
    """Parse ``source`` whole; the triples it holds and (when asked) the graphs they go to.
    ``on_stream`` is told the file on disk being read (for the progress bar)."""
    graphs: set = set()
    triples = 0
    with open_stream(source) as (stream, raw):
        if on_stream:
            on_stream(raw)
        try:
            quads = ox.parse(input=stream, format=source.fmt.oxigraph_format)
            if want_graphs and source.fmt.datasets:
                for quad in quads:
                    triples += 1
                    graphs.add(quad.graph_name)
            else:
                triples = sum(1 for _ in quads)
                if want_graphs:
                    graphs.add(ox.DefaultGraph())
        except (SyntaxError, OSError, *_DAMAGED) as exc:
            error = input_error(exc, source)
            if error is None:
                raise
            raise error from None
    names: set[str | None] = set()
    for name in graphs:
        if isinstance(name, ox.DefaultGraph):
            names.add(to_graph)
        elif isinstance(name, ox.NamedNode):
            names.add(name.value)
        # a blank node names a graph only inside this file: there is no earlier one to replace
    return Checked(source, triples, frozenset(names))


def text_size(source: Source) -> int:
    """The bytes ``source`` holds decompressed: for gzip, what its trailer says (the size modulo
    2^32 of its last member; when that is below the compressed size it has wrapped, so at least 4 GiB)."""
    if source.compression != "gzip":
        return source.size
    try:
        with open(source.path, "rb") as fh:
            fh.seek(-4, os.SEEK_END)
            told = int.from_bytes(fh.read(4), "little")
    except OSError:
        return source.size  # the load itself reports what is wrong with the file
    return told if told >= source.size else max(told, 1 << 32)


def estimate(source: Source) -> Checked:
    """Without a check pass: the file's triples estimated from its first SAMPLE_BYTES (decompressed)
    and how much of the file on disk they took; 0 when the sample says nothing."""
    with open_stream(source) as (stream, raw):
        try:
            sample = stream.read(SAMPLE_BYTES)
        except (OSError, *_DAMAGED):
            return Checked(source, 0, frozenset(), counted=False)  # the load itself reports it
        on_disk = raw.tell()  # bytes of the file the sample came from
    whole = len(sample)
    if whole == SAMPLE_BYTES:
        sample = sample[: sample.rfind(b"\n") + 1]  # whole lines only
    triples = 0
    try:
        for _ in ox.parse(input=sample, format=source.fmt.oxigraph_format):
            triples += 1
    except SyntaxError:
        pass  # a sample may end inside a statement; the load reports real errors
    if not sample or not on_disk:
        return Checked(source, 0, frozenset(), counted=False)
    per_byte_on_disk = triples * (whole / len(sample)) / on_disk
    return Checked(source, int(per_byte_on_disk * source.size), frozenset(), counted=False)
