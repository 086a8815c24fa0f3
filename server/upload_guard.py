"""Checks an uploaded guide passes before any reader sees it.

The readers in ``ingest/readers`` decide what the bytes are (``sniff``);
this module bounds what reading them may cost: the request body is read in
chunks against the upload limit, a .docx's ZIP directory is checked for
bombs (member count, total unpacked size, compression ratio) and its XML
parts for DTDs (OOXML never has one, so a DOCTYPE or ENTITY is an
expansion attack), and a PDF is read in a child process under a memory
limit, a CPU and wall-clock budget and a page cap. Temporary files live in
one TemporaryDirectory per upload, removed whatever happens.
"""

from __future__ import annotations

import io
import json
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
    pdf_seconds: float = 30.0
    pdf_memory_bytes: int = 1024 * 1024 * 1024


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

# Runs in a child process: limits first, then pdfminer. Prints one JSON object.
_PDF_CHILD = r"""
import json, resource, sys
memory, seconds, max_pages, path, name = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
try:
    import itertools
    from pdfminer.pdfpage import PDFPage
    from guidegraph.errors import InputError
    from guidegraph.ingest.readers.pdffile import read_pdf
    data = open(path, "rb").read()
    import io
    try:
        pages = sum(1 for _ in itertools.islice(PDFPage.get_pages(io.BytesIO(data)), max_pages + 1))
    except Exception:
        pages = 0  # read_pdf says what is wrong with a damaged file
    if pages > max_pages:
        out = {"error": f"{name}: the PDF has more than {max_pages} pages, more than a guide has"}
    else:
        out = {"text": read_pdf(data, name)}
except InputError as exc:
    out = {"error": exc.message}
except MemoryError:
    out = {"error": f"{name}: the PDF needs more memory to read than a guide can"}
sys.stdout.write(json.dumps(out, ensure_ascii=False))
"""


def read_pdf_bounded(data: bytes, name: str, workdir: Path, limits: UploadLimits) -> str:
    """The PDF's text, read by the project's reader in a child process under the limits."""
    path = workdir / "upload.pdf"
    path.write_bytes(data)
    budget = max(1, int(limits.pdf_seconds))
    argv = [sys.executable, "-c", _PDF_CHILD, str(limits.pdf_memory_bytes), str(budget),
            str(limits.pdf_max_pages), str(path), name]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=limits.pdf_seconds + 5, cwd=workdir)
    except subprocess.TimeoutExpired:
        raise UploadRefused(f"{name}: reading the PDF took longer than {budget} s; it is refused") from None
    try:
        out = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # Killed by the CPU or memory limit (or crashed): no answer on stdout.
        raise UploadRefused(f"{name}: reading the PDF exceeded the time or memory a guide may take; it is refused") from None
    if "error" in out:
        raise UploadRefused(out["error"])
    return out["text"]


# ---------------------------------------------------------------- any upload


def read_upload(data: bytes, name: str, workdir: Path, limits: UploadLimits):
    """A SourceText for the uploaded bytes, the kind decided by the readers' sniffing."""
    from guidegraph.ingest.readers import read_bytes
    from guidegraph.ingest.readers.sniff import DOCX, PDF, sniff
    from guidegraph.ingest.readers.source import MEDIA_PDF, SourceText, sha256_hex

    if len(data) > limits.max_bytes:
        raise RequestEntityTooLarge()
    if not data.strip():
        raise UploadRefused(f"{name} is empty", 400)
    kind = sniff(data, name)  # InputError for what is not a guide, whatever the name says
    if kind == DOCX:
        check_docx(data, name, limits)
    if kind == PDF:
        text = read_pdf_bounded(data, name, workdir, limits)
        return SourceText(path=name, text=text, encoding="pdf", media_type=MEDIA_PDF, sha256=sha256_hex(data))
    return read_bytes(data, name)


__all__ = ["UploadLimits", "UploadRefused", "safe_name", "read_limited", "server_body_limit", "check_docx", "read_pdf_bounded", "read_upload"]
