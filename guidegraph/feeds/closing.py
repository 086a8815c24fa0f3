"""What closes within N days of a day: the deadlines, counted in China days.

A deadline closes on the day it falls on in China time; it is "within N days"
of ``today`` when that day is ``today`` or one of the N days after. Days, not
instants: the same request gives the same answer all day, and a deadline at
17:30 still shows on its day (with its time) after 17:30.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from guidegraph.feeds.key_dates import CHINA, Event

MAX_DAYS = 3660  # ten years: more is a mistake, not a question


@dataclass(frozen=True)
class Window:
    first: dt.date
    days: int

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=self.days)

    def holds(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


def china_today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def closing(events: list[Event], window: Window) -> list[Event]:
    """The deadlines that fall in ``window``, soonest first."""
    due = [e for e in events if e.kind == "deadline" and window.holds(e.start.china_day)]
    return sorted(due, key=lambda e: (e.start.closes_at, e.iri))


def last_deadline(events: list[Event]) -> Event | None:
    """The latest deadline the data holds (what the home page names when nothing closes soon)."""
    deadlines = [e for e in events if e.kind == "deadline"]
    return max(deadlines, key=lambda e: (e.start.closes_at, e.iri)) if deadlines else None


def next_deadline(events: list[Event], after: dt.date) -> Event | None:
    later = [e for e in events if e.kind == "deadline" and e.start.china_day >= after]
    return min(later, key=lambda e: (e.start.closes_at, e.iri)) if later else None
