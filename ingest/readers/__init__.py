"""Document readers: turn a guide file (.txt, .docx, .pdf, .html) into text.

``read_source(path)`` and ``read_bytes(data, name)`` sniff the content
(magic bytes first, extension second) and return a ``SourceText``. Every
failure is an InputError whose one-line message names the file; no reader
returns a partial result.

Plain text keeps its lines exactly (only \\r\\n and \\r become \\n), so
provenance line numbers point into the file. Container formats give:
.docx one line per paragraph and per table row (cells tab-separated);
.pdf the text layer with a blank line between pages; .html the main text
without navigation chrome, one line per block.
"""

from __future__ import annotations

import os

import struct
import zipfile
import zlib

from guidegraph.errors import InputError

from .docxfile import read_docx
from .htmlpage import read_html
from .pdffile import read_pdf
from .sniff import DOCX, HTML, PDF, TEXT, sniff
from .source import MEDIA_DOCX, MEDIA_HTML, MEDIA_PDF, MEDIA_TEXT, SourceText, sha256_hex
from .text import decode_text, ensure_textual

__all__ = ["SourceText", "read_source", "read_bytes"]

_ASCII_WHITESPACE = b" \t\r\n\f\v"


def _input_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the input is malformed, as raised by the parsing libraries.

    Anything else (TypeError, AttributeError, KeyError ...) raised in reader
    code is a bug of ours and must surface as one, not as "unreadable input".
    """
    from bs4 import ParserRejectedMarkup
    from lxml.etree import LxmlError
    from pdfminer.psexceptions import PSException

    return (ValueError, EOFError, struct.error, zlib.error, zipfile.BadZipFile, LxmlError, ParserRejectedMarkup,
            PSException)


def _read_text(data: bytes, name: str) -> tuple[str, str, str]:
    text, encoding = decode_text(data, name)
    ensure_textual(text, name)
    return text, encoding, MEDIA_TEXT


def _read_docx(data: bytes, name: str) -> tuple[str, str, str]:
    return read_docx(data, name), "docx", MEDIA_DOCX


def _read_pdf(data: bytes, name: str) -> tuple[str, str, str]:
    return read_pdf(data, name), "pdf", MEDIA_PDF


def _read_html(data: bytes, name: str) -> tuple[str, str, str]:
    text, codec = read_html(data, name)
    return text, f"html:{codec}", MEDIA_HTML


_READERS = {TEXT: _read_text, DOCX: _read_docx, PDF: _read_pdf, HTML: _read_html}
_KIND_NAMES = {TEXT: "text", DOCX: ".docx", PDF: "PDF", HTML: "HTML"}


def read_bytes(data: bytes, name: str) -> SourceText:
    """Read an uploaded document; ``name`` (its file name) is used for sniffing and messages."""
    name = str(name)
    data = bytes(data)
    if not data.strip(_ASCII_WHITESPACE):
        raise InputError(f"{name} is empty")
    kind = sniff(data, name)
    try:
        text, encoding, media_type = _READERS[kind](data, name)
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{name}: the {_KIND_NAMES[kind]} document is nested too deeply to read") from None
    except Exception as exc:
        if not isinstance(exc, _input_error_types()):
            raise
        # users get one line, never a traceback; --debug shows the cause
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise InputError(f"{name}: cannot read this {_KIND_NAMES[kind]} document ({reason})") from exc
    if not text.strip():
        raise InputError(f"{name} is empty" if kind == TEXT else f"{name}: the document contains no text")
    return SourceText(path=name, text=text, encoding=encoding, media_type=media_type, sha256=sha256_hex(data))


def read_source(path: str | os.PathLike[str]) -> SourceText:
    """Read the document at ``path``; SourceText.path is ``path`` as given."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a document") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    return read_bytes(data, str(name))
