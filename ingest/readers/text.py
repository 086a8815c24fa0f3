"""Decode plain-text bytes strictly: a wrong guess is an error, never mojibake."""

from __future__ import annotations

import codecs
import re

from guidegraph.errors import InputError

from .cjk import control_characters, implausible_chinese

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Beyond this share of control characters a "text" is really binary data.
MAX_CONTROL_SHARE = 0.02

_C0_CONTROLS = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")

NOT_A_DOCUMENT = "is not a text, .docx, .pdf or .html document"


def bom_encoding(data: bytes) -> str | None:
    """The codec a byte-order mark announces, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def normalise_newlines(text: str) -> str:
    """\\r\\n and lone \\r become \\n; nothing else changes, so line N stays line N."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _describe_error(exc: UnicodeDecodeError) -> str:
    byte = exc.object[exc.start] if exc.start < len(exc.object) else None
    where = f"at offset {exc.start}"
    if byte is None:
        return f"truncated {where}"
    if exc.reason.startswith("incomplete") or exc.reason.startswith("unexpected end"):
        return f"truncated sequence at offset {exc.start}"
    return f"invalid byte 0x{byte:02X} {where}"


def ensure_textual(text: str, name: str) -> None:
    """Reject decoded "text" that is really binary data."""
    if "\x00" in text:
        raise InputError(f"{name} {NOT_A_DOCUMENT} (it contains NUL bytes)")
    if text and control_characters(text) / len(text) > MAX_CONTROL_SHARE:
        raise InputError(f"{name} {NOT_A_DOCUMENT} (it is full of control characters)")


def _looks_like_utf16(data: bytes) -> bool:
    """Would these bytes be clean text as UTF-16 (without the BOM that would make it certain)?"""
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not control_characters(text):
            return True
    return False


def ensure_text_bytes(data: bytes, name: str) -> None:
    """Reject bytes no ASCII-compatible text encoding produces: NULs, or many C0 controls.

    (UTF-8 and GB18030 multi-byte sequences never contain bytes below 0x30.)
    """
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise InputError(f"{name} {NOT_A_DOCUMENT} (it contains NUL bytes; UTF-16 text needs a byte-order mark)")
        raise InputError(f"{name} {NOT_A_DOCUMENT} (it contains NUL bytes)")
    if len(_C0_CONTROLS.findall(data)) > MAX_CONTROL_SHARE * len(data):
        raise InputError(f"{name} {NOT_A_DOCUMENT} (it is full of control characters)")


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data`` as UTF-8 (with or without BOM), UTF-16/32 with a BOM, or GB18030.

    Returns (text with \\n line ends, codec name). GB18030 is accepted only
    when the result is plausible Chinese; anything else raises InputError
    naming the file and the reason.
    """
    encoding = bom_encoding(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} "
                f"({_describe_error(exc)}); re-save it as UTF-8"
            ) from None
        return normalise_newlines(text), encoding
    ensure_text_bytes(data, name)
    try:
        return normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_problem = _describe_error(exc)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        gb_problem = _describe_error(exc)
    else:
        gb_problem = implausible_chinese(text)
        if gb_problem is None:
            return normalise_newlines(text), "gb18030"
    raise InputError(
        f"{name}: not UTF-8 ({utf8_problem}) and not plausible GB18030 text ({gb_problem}); re-save it as UTF-8"
    )
