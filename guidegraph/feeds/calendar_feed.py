"""Events as an iCalendar feed.

How a key date becomes DTSTART/DTEND (RFC 5545 §3.6.1):

- a day without a time is an all-day event: ``DTSTART;VALUE=DATE`` that day,
  ``DTEND`` the next day (the end is exclusive). Dates are floating, as all-day
  dates are: the day printed in the guide, wherever the reader is;
- a printed time is an instant, local time in Asia/Shanghai (the VTIMEZONE is
  shipped). A deadline is an instant, so it has no DTEND (DTEND must be later
  than DTSTART; without it the event takes no time);
- a window whose ends are both days is all-day from the first day to the day
  after the last; if either end has a time, both become times (a day's start is
  00:00, a day's end the next day's 00:00, China time).
"""

from __future__ import annotations

import datetime as dt

from guidegraph import __version__
from guidegraph.feeds import ical
from guidegraph.feeds.entries import Entry
from guidegraph.feeds.key_dates import CHINA, When

PRODID = f"-//guidegraph//application deadlines {__version__}//ZH"


def _start_of(when: When) -> dt.datetime:
    return when.instant or dt.datetime.combine(when.day, dt.time(0, 0), CHINA)


def _end_of(when: When) -> dt.datetime:
    return when.instant or dt.datetime.combine(when.day + dt.timedelta(days=1), dt.time(0, 0), CHINA)


def _timing(entry: Entry) -> list[str]:
    event = entry.event
    lines: list[str] = []
    if event.kind != "window":
        if event.start.instant is not None:
            value, params = ical.date_time_value(event.start.instant)
            return [ical.content_line("DTSTART", value, params)]
        value, params = ical.date_value(event.start.day)
        end, _ = ical.date_value(event.start.day + dt.timedelta(days=1))
        return [ical.content_line("DTSTART", value, params), ical.content_line("DTEND", end, params)]
    if event.start.instant is None and event.end.instant is None:
        value, params = ical.date_value(event.start.day)
        end, _ = ical.date_value(max(event.end.day, event.start.day) + dt.timedelta(days=1))
        return [ical.content_line("DTSTART", value, params), ical.content_line("DTEND", end, params)]
    start, end = _start_of(event.start), _end_of(event.end)
    value, params = ical.date_time_value(start)
    lines.append(ical.content_line("DTSTART", value, params))
    if end > start:
        value, params = ical.date_time_value(end)
        lines.append(ical.content_line("DTEND", value, params))
    return lines


def event_lines(entry: Entry) -> list[str]:
    stamp = ical.utc_stamp(entry.updated)
    categories = [entry.event.kind]
    if entry.event.guide.jurisdiction_code:
        categories.append(entry.event.guide.jurisdiction_code)
    return [
        ical.content_line("UID", ical.escape_text(entry.uid)),
        ical.content_line("DTSTAMP", stamp),
        ical.content_line("LAST-MODIFIED", stamp),
        *_timing(entry),
        ical.content_line("SUMMARY", ical.escape_text(entry.summary)),
        ical.content_line("DESCRIPTION", ical.escape_text(entry.description)),
        ical.content_line("URL", entry.page),
        ical.content_line("CATEGORIES", ",".join(ical.escape_text(c) for c in categories)),
        ical.content_line("TRANSP", "TRANSPARENT"),  # a deadline does not make anyone busy
    ]


def calendar_feed(entries: list[Entry], name: str, source_url: str) -> bytes:
    """The feed: calendar name (RFC 7986 NAME, and X-WR-CALNAME that most clients read), where it
    is refreshed from, and one VEVENT per entry."""
    properties = [
        ical.content_line("PRODID", PRODID),
        ical.content_line("CALSCALE", "GREGORIAN"),
        ical.content_line("NAME", ical.escape_text(name)),
        ical.content_line("X-WR-CALNAME", ical.escape_text(name)),
        ical.content_line("X-WR-TIMEZONE", ical.TIMEZONE),
        ical.content_line("SOURCE", source_url, (("VALUE", "URI"),)),
        ical.content_line("REFRESH-INTERVAL", "PT12H", (("VALUE", "DURATION"),)),
    ]
    return ical.calendar(properties, [event_lines(e) for e in entries])
