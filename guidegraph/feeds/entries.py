"""What a feed says about one event, whatever the format: its title, its text, its links, its dates.

The iCalendar and Atom writers and the JSON API all read these, so an event
reads the same in a calendar, a feed reader and the API.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from guidegraph.feeds.key_dates import CHINA, Event, When

WORDS = {
    "zh": {"deadline": "申报截止", "window": "申报期", "opens": "开始申报", "guide": "指南", "jurisdiction": "地区",
           "issuer": "发布单位", "period": "申报期", "to": "至", "page": "详情", "all": "全部截止时间",
           "feed": "guidegraph 申报截止时间", "source": "原文"},
    "en": {"deadline": "Application deadline", "window": "Application window", "opens": "Applications open",
           "guide": "Guide", "jurisdiction": "Jurisdiction", "issuer": "Issuer", "period": "Window", "to": "to",
           "page": "Details", "all": "all deadlines", "feed": "guidegraph application deadlines", "source": "Source"},
}


_LINE_BREAK = re.compile(r"\r\n|\r|\x85|\u2028|\u2029")


def one_line_break(text: str) -> str:
    """Every kind of line break as \\n, so a calendar and a feed reader show the same lines."""
    return _LINE_BREAK.sub("\n", text)


@dataclass(frozen=True)
class Entry:
    event: Event
    uid: str
    summary: str
    description: str
    page: str  # absolute URL of the event's page
    guide_page: str
    updated: dt.datetime  # when the information was last revised, as far as the data says


def when_text(when: When) -> str:
    """How a key date reads to people: China time, minutes only when printed."""
    if when.instant is None:
        return when.day.isoformat()
    local = when.instant.astimezone(CHINA)
    return local.strftime("%Y-%m-%d %H:%M") + ("" if when.instant.utcoffset() == local.utcoffset() else f" ({when.instant.isoformat()})")


def what(event: Event, lang: str) -> str:
    """What the event is: the guide's own heading for the date, else the kind of event."""
    words = WORDS[lang]
    if event.kind == "window":
        return words["window"] + (f"（{event.key_date.heading}）" if event.key_date.heading and lang == "zh" else
                                  f" ({event.key_date.heading})" if event.key_date.heading else "")
    return event.key_date.heading or words[event.kind]


def entry(event: Event, lang: str, page_url: Callable[[str], str], fallback_updated: dt.datetime) -> Entry:
    """``page_url`` maps an IRI to the absolute URL of its page; ``fallback_updated`` stands in
    when the guide prints no issue date (the time the store last changed)."""
    words = WORDS[lang]
    guide = event.guide
    summary = what(event, lang) + (f" · {guide.title}" if guide.title else "")
    lines = [event.key_date.text] if event.key_date.text else []
    if event.kind == "window":
        lines.append(f"{words['period']}: {when_text(event.start)} {words['to']} {when_text(event.end)}")
    else:
        lines.append(f"{what(event, lang)}: {when_text(event.start)}")
    for key, value in (("guide", guide.title), ("jurisdiction", guide.jurisdiction_label), ("issuer", guide.issuer)):
        if value:
            lines.append(f"{words[key]}: {value}")
    page = page_url(event.iri)
    lines.append(f"{words['page']}: {page}")
    updated = (dt.datetime.combine(guide.issued, dt.time(0, 0), CHINA) if guide.issued else fallback_updated)
    return Entry(event, event.iri, one_line_break(summary), one_line_break("\n".join(lines)), page, page_url(guide.iri), updated)
