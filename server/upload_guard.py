"""Checks an uploaded guide passes before any reader sees it.

The readers in ``ingest/readers`` decide what the bytes are (``sniff``);
this module bounds what reading them may cost: the request body is read in
chunks against the upload limit, a .docx's ZIP directory is checked for
bombs (member count, total unpacked size, compression ratio) and its XML
parts for DTDs (OOXML never has one, so a DOCTYPE or ENTITY is an
expansion attack), a PDF's pages are counted against a cap, and all the
work on an upload (reading, parsing, validating) runs in a child process
under a memory limit and a CPU and wall-clock budget (``run_bounded``), so
no document can hold a server thread or its memory. Temporary files live in
one TemporaryDirectory per upload, removed whatever happens.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from werkzeug.exceptions import RequestEntityTooLarge

from guidegraph.errors import InputError

CHUNK_BYTES = 64 * 1024
FORM_SLACK = 64 * 1024  # multipart boundaries and the small fields around an uploaded file
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 20 * 1024 * 1024
    docx_max_members: int = 2000
    docx_max_unpacked: int = 100 * 1024 * 1024
    docx_max_ratio: int = 200  # unpacked / packed for one member; text XML stays far below
    docx_ratio_floor: int = 1024 * 1024  # members smaller than this are not ratio-checked
    pdf_max_pages: int = 500
    seconds: float = 60.0  # CPU and wall-clock budget for all the work on one upload
    memory_bytes: int = 2 * 1024 * 1024 * 1024  # address space of the child doing it


class UploadRefused(InputError):
    """An upload that is not read at all: the message says why, ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def safe_name(name: str | None, default: str) -> str:
    """The last path component of a client's file name, without control characters, short."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    if not base:
        return default
    if len(base) > MAX_NAME_CHARS:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: MAX_NAME_CHARS - len(suffix)] + suffix
    return base


def server_body_limit(settings) -> int:
    """The request body limit for the WSGI server (waitress ``max_request_body_size``).

    Waitress reads a whole body before the app sees it; with this limit it
    refuses a body far over every route's limit as soon as the headers say
    so. Bodies between a route's limit and this one still get the app's own
    413 page.
    """
    return max(settings.max_request_bytes, 2 * (settings.max_upload_bytes + FORM_SLACK))


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """All of ``stream``, refusing (413) as soon as more than ``limit`` bytes arrive."""
    buf = io.BytesIO()
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            return buf.getvalue()
        if buf.tell() + len(chunk) > limit:
            raise RequestEntityTooLarge()
        buf.write(chunk)


# ---------------------------------------------------------------- .docx

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


def check_docx(data: bytes, name: str, limits: UploadLimits) -> None:
    """Refuse a .docx whose unpacking would cost more than a guide can (zip bomb, entity expansion)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise UploadRefused(f"{name}: not a readable .docx document (corrupt ZIP container)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.docx_max_members:
            raise UploadRefused(f"{name}: the .docx holds {len(infos)} parts, more than a guide has "
                                f"(limit {limits.docx_max_members})")
        total = sum(i.file_size for i in infos)
        if total > limits.docx_max_unpacked:
            raise UploadRefused(f"{name}: the .docx unpacks to {total // 2**20} MB, more than a guide can "
                                f"(limit {limits.docx_max_unpacked // 2**20} MB)")
        for info in infos:
            if info.file_size > limits.docx_ratio_floor and info.file_size > limits.docx_max_ratio * max(info.compress_size, 1):
                raise UploadRefused(f"{name}: the .docx part {info.filename[:60]} is compressed "
                                    f"{info.file_size // max(info.compress_size, 1)}:1, which only a ZIP bomb is")
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels")) and _has_dtd(archive, info):
                raise UploadRefused(f"{name}: the .docx part {info.filename[:60]} declares a DTD or entities; "
                                    "Word documents never do, so it is refused")


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    # zipfile stops at the declared size (and fails the CRC beyond it), so this is bounded by the checks above.
    tail = b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK_BYTES):
                if _DTD.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
        raise UploadRefused(f"{archive.filename or 'the .docx'}: a part of the .docx cannot be unpacked "
                            f"({info.filename[:60]})") from None
    return False


# ---------------------------------------------------------------- PDF


def check_pdf_pages(data: bytes, name: str, limits: UploadLimits) -> None:
    """Refuse a PDF with more pages than a guide has (counted lazily: at most cap + 1 are parsed)."""
    import itertools

    from pdfminer.pdfpage import PDFPage

    try:
        pages = sum(1 for _ in itertools.islice(PDFPage.get_pages(io.BytesIO(data)), limits.pdf_max_pages + 1))
    except Exception:  # noqa: BLE001 - a damaged file is the reader's to describe
        return
    if pages > limits.pdf_max_pages:
        raise UploadRefused(f"{name}: the PDF has more than {limits.pdf_max_pages} pages, more than a guide has")


# ---------------------------------------------------------------- the child process

# Limits first, then the job. The job reads its input from the work folder and returns a
# JSON-ready dict; what goes back to the server is JSON, never objects.
_CHILD = r"""
import importlib, json, resource, sys
memory, seconds, target, workdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
from guidegraph.errors import InputError
module, _, func = target.partition(":")
try:
    out = {"ok": getattr(importlib.import_module(module), func)(workdir)}
except InputError as exc:
    out = {"error": exc.message, "status": getattr(exc, "status", 422)}
except MemoryError:
    out = {"error": "memory"}
sys.stdout.write(json.dumps(out, ensure_ascii=False))
"""


def run_bounded(target: str, workdir: Path, limits: UploadLimits) -> dict:
    """Run ``module:function(workdir)`` in a child process under the limits; its result, or UploadRefused."""
    budget = max(1, int(limits.seconds))
    argv = [sys.executable, "-c", _CHILD, str(limits.memory_bytes), str(budget), target, str(workdir)]
    try:
        # TMPDIR: whatever the child's libraries spool goes into the work folder, removed with it.
        done = subprocess.run(argv, capture_output=True, timeout=limits.seconds + 5, cwd=workdir,
                              env={**os.environ, "TMPDIR": str(workdir)})
    except subprocess.TimeoutExpired:
        raise UploadRefused(f"the document took longer than {budget} s to check; it is refused") from None
    try:
        out = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # Killed by the CPU or memory limit (or crashed): no answer on stdout.
        raise UploadRefused(f"checking the document exceeded the time ({budget} s) or memory a guide may take; "
                            "it is refused") from None
    if out.get("error") == "memory":
        raise UploadRefused("the document needs more memory to check than a guide can; it is refused")
    if "error" in out:
        raise UploadRefused(out["error"], out.get("status", 422))
    return out["ok"]


# ---------------------------------------------------------------- any upload


def read_upload(data: bytes, name: str, limits: UploadLimits):
    """A SourceText for the uploaded bytes, the kind decided by the readers' sniffing.

    Run it inside ``run_bounded``: the checks here bound what a container may
    unpack to, the child's limits bound the time and memory the reading takes.
    """
    from guidegraph.ingest.readers import read_bytes
    from guidegraph.ingest.readers.sniff import DOCX, PDF, sniff

    if len(data) > limits.max_bytes:
        raise RequestEntityTooLarge()
    if not data.strip():
        raise UploadRefused(f"{name} is empty", 400)
    kind = sniff(data, name)  # InputError for what is not a guide, whatever the name says
    if kind == DOCX:
        check_docx(data, name, limits)
    if kind == PDF:
        check_pdf_pages(data, name, limits)
    return read_bytes(data, name)


__all__ = ["UploadLimits", "UploadRefused", "safe_name", "read_limited", "server_body_limit", "check_docx", "check_pdf_pages",
           "run_bounded", "read_upload"]
