"""A small iCalendar (RFC 5545) writer: content lines, TEXT escaping and line folding.

Written here rather than taken from a library: a feed needs a handful of
properties, and owning the few rules that matter (75-octet folding that never
splits a UTF-8 character, TEXT escaping, value types that agree between DTSTART
and DTEND) keeps them visible and tested on their own. The tests read our output
with the ``icalendar`` package, an independent implementation.
"""

from __future__ import annotations

import datetime as dt
import re

CRLF = "\r\n"
MAX_OCTETS = 75  # per physical line, CRLF excluded (RFC 5545 §3.1)
TIMEZONE = "Asia/Shanghai"
CHINA_OFFSET = dt.timedelta(hours=8)
# TEXT admits no control characters but HTAB (RFC 5545 §3.3.11); line breaks are escaped before this runs
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")  # what Unicode calls a line break, as parsers split on it

# China has kept one offset since 1991: one STANDARD rule describes it for any date a guide prints.
VTIMEZONE = (
    ("BEGIN", "VTIMEZONE"), ("TZID", TIMEZONE), ("X-LIC-LOCATION", TIMEZONE),
    ("BEGIN", "STANDARD"), ("DTSTART", "19700101T000000"), ("TZOFFSETFROM", "+0800"), ("TZOFFSETTO", "+0800"),
    ("TZNAME", "CST"), ("END", "STANDARD"), ("END", "VTIMEZONE"),
)


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n, other controls dropped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", _LINE_BREAK.sub("\\\\n", value))


def fold(line: str) -> str:
    """One content line folded into physical lines of at most 75 octets, joined by CRLF + space.

    Breaks fall between characters, never inside a UTF-8 sequence; the leading
    space of a continuation line counts towards its 75 octets.
    """
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if used + size > MAX_OCTETS:
            parts.append("".join(current))
            current, used = [" "], 1
        current.append(char)
        used += size
    parts.append("".join(current))
    return CRLF.join(parts)


def content_line(name: str, value: str, params: tuple[tuple[str, str], ...] = ()) -> str:
    """``NAME;PARAM=VALUE:value`` folded; ``value`` is already in its type's syntax (escape TEXT first)."""
    rendered = "".join(f";{key}={_param_value(val)}" for key, val in params)
    return fold(f"{name}{rendered}:{value}")


def _param_value(value: str) -> str:
    value = _CONTROL.sub("", value.replace('"', ""))  # a parameter value cannot hold DQUOTE at all
    return f'"{value}"' if any(c in value for c in ":;,") else value


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form (DTSTAMP and LAST-MODIFIED must be UTC)."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def date_value(day: dt.date) -> tuple[str, tuple[tuple[str, str], ...]]:
    return day.strftime("%Y%m%d"), (("VALUE", "DATE"),)


def date_time_value(moment: dt.datetime) -> tuple[str, tuple[tuple[str, str], ...]]:
    """China-time instants as local time in Asia/Shanghai (the VTIMEZONE we ship); any other offset in UTC."""
    if moment.utcoffset() == CHINA_OFFSET:
        return moment.strftime("%Y%m%dT%H%M%S"), (("TZID", TIMEZONE),)
    return utc_stamp(moment), ()


def calendar(properties: list[str], events: list[list[str]]) -> bytes:
    """A VCALENDAR of rendered calendar property lines and event lines, with our VTIMEZONE."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *properties]
    lines += [f"{name}:{value}" for name, value in VTIMEZONE]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return (CRLF.join(lines) + CRLF).encode("utf-8")
