"""The application windows and deadlines the store holds, read by SPARQL into plain records.

Only SELECT queries over the ontology's terms (gg:deadline, gg:applicationStart,
gg:applicationPeriod), so an embedded and a remote store answer alike. A key date
the store gives no readable day for cannot be placed on a calendar and is left out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from guidegraph.namespaces import GG, SKOS
from guidegraph.store.base import GraphStore, check_iri

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")  # China has kept +08:00 without daylight saving since 1991
JURISDICTION_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")  # the codes guidegraph.iris mints


@dataclass(frozen=True)
class When:
    """A key date as the guide prints it: a day, and the instant when a time of day is printed."""

    day: dt.date
    instant: dt.datetime | None = None  # timezone-aware

    @property
    def closes_at(self) -> dt.datetime:
        """The instant it is over: the printed time, else the end of the day in China."""
        if self.instant is not None:
            return self.instant
        return dt.datetime.combine(self.day, dt.time(23, 59, 59), CHINA)

    @property
    def china_day(self) -> dt.date:
        return self.instant.astimezone(CHINA).date() if self.instant is not None else self.day

    def iso(self) -> str:
        return self.instant.isoformat() if self.instant is not None else self.day.isoformat()


@dataclass(frozen=True)
class Guide:
    iri: str
    title: str = ""
    jurisdiction: str = ""  # its IRI
    jurisdiction_code: str = ""
    jurisdiction_label: str = ""
    issued: dt.date | None = None
    issuer: str = ""


@dataclass(frozen=True)
class KeyDate:
    iri: str
    kind: str  # "deadline" | "start"
    heading: str
    text: str
    when: When
    guide: Guide


@dataclass(frozen=True)
class Event:
    """One calendar entry: a deadline, an application window (start to deadline), or an opening
    no deadline follows. ``iri`` names it (the deadline's, the period's, the start's IRI)."""

    iri: str
    kind: str  # "deadline" | "window" | "opens"
    start: When
    end: When | None
    key_date: KeyDate  # the deadline (for a window: the one it ends with), or the start that opens
    guide: Guide

    @property
    def sort_key(self) -> tuple:
        return (self.start.closes_at, self.kind, self.iri)


def _prefixes() -> str:
    return f"PREFIX gg: <{GG}>\nPREFIX skos: <{SKOS}>\n"


def _bindings(store: GraphStore, sparql: str, timeout: float | None) -> list[dict[str, dict]]:
    answer = store.query(sparql, result_format="json", graph_format="turtle", timeout=timeout, max_rows=None)
    return json.loads(answer.body)["results"]["bindings"]


def jurisdiction_iri(base_iri: str, code: str) -> str:
    """The IRI guidegraph.iris mints for a jurisdiction code under ``base_iri``."""
    return check_iri(f"{base_iri}jurisdiction/{code}")


def _code(jurisdiction: str, base_iri: str) -> str:
    prefix = base_iri + "jurisdiction/"
    return jurisdiction[len(prefix):] if jurisdiction.startswith(prefix) else ""


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _parse_instant(value: str) -> dt.datetime | None:
    try:
        instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # a time without an offset is China time, as the mapping writes it (guidegraph.ingest.to_rdf)
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=CHINA)


def _preferred(candidates: set[tuple[str, str]]) -> str:
    """Of (language, value) pairs: Chinese first, then untagged, then any; the least value among equals."""
    return min(candidates, key=lambda c: (c[0] != "zh", c[0] != "", c[0], c[1]))[1]


def jurisdictions(store: GraphStore, base_iri: str, timeout: float | None = 30) -> dict[str, str]:
    """{code: label} of every jurisdiction a guide in the store belongs to (whose code a URL path can carry)."""
    labels: dict[str, set[tuple[str, str]]] = {}
    for row in _bindings(store, _prefixes() + """SELECT DISTINCT ?j ?label WHERE {
            ?g a gg:GuideDocument ; gg:jurisdiction ?j . OPTIONAL { ?j skos:prefLabel ?label } }""", timeout):
        code = _code(row["j"]["value"], base_iri)
        if JURISDICTION_CODE.match(code):  # a feed URL can name it
            found = labels.setdefault(code, set())
            if "label" in row:
                found.add((row["label"].get("xml:lang", ""), row["label"]["value"]))
    return {code: _preferred(found) if found else code for code, found in sorted(labels.items())}


def key_dates(store: GraphStore, base_iri: str, jurisdiction: str | None = None,
              timeout: float | None = 30) -> dict[str, KeyDate]:
    """Every deadline and application start, by IRI; only ``jurisdiction``'s (a code) when given."""
    scope = f"?guide gg:jurisdiction <{jurisdiction_iri(base_iri, jurisdiction)}> ." if jurisdiction else ""
    sparql = _prefixes() + f"""SELECT ?k ?prop ?guide ?guideTitle ?jur ?jurLabel ?issued ?issuer ?heading ?text ?day ?instant
    WHERE {{
      {scope}
      VALUES ?prop {{ gg:deadline gg:applicationStart }}
      ?guide ?prop ?k .
      OPTIONAL {{ ?guide gg:title ?guideTitle }}
      OPTIONAL {{ ?guide gg:jurisdiction ?jur OPTIONAL {{ ?jur skos:prefLabel ?jurLabel }} }}
      OPTIONAL {{ ?guide gg:issueDate ?issued }}
      OPTIONAL {{ ?guide gg:issuingAuthority/gg:name ?issuer }}
      OPTIONAL {{ ?k gg:heading ?heading }}
      OPTIONAL {{ ?k gg:text ?text }}
      OPTIONAL {{ ?k gg:date ?day }}
      OPTIONAL {{ ?k gg:dateTime ?instant }}
    }}"""
    # OPTIONALs with several values (labels in two languages, two issuers) repeat rows:
    # gather every value per key date, then pick one the same way on every run.
    gathered: dict[str, dict[str, set[tuple[str, str]]]] = {}
    for row in _bindings(store, sparql, timeout):
        values = gathered.setdefault(row["k"]["value"], {})
        for name, cell in row.items():
            values.setdefault(name, set()).add((cell.get("xml:lang", ""), cell["value"]))
    out: dict[str, KeyDate] = {}
    for iri, values in gathered.items():
        pick = {name: _preferred(candidates) for name, candidates in values.items()}
        instant = _parse_instant(pick["instant"]) if "instant" in pick else None
        day = _parse_day(pick["day"]) if "day" in pick else None
        if day is None and instant is not None:
            day = instant.astimezone(CHINA).date()
        if day is None:
            continue  # nothing to place it by
        jur = pick.get("jur", "")
        guide = Guide(
            pick["guide"], pick.get("guideTitle", ""), jur, _code(jur, base_iri), pick.get("jurLabel", ""),
            _parse_day(pick["issued"]) if "issued" in pick else None, pick.get("issuer", ""),
        )
        kind = "start" if pick["prop"] == str(GG.applicationStart) else "deadline"
        out[iri] = KeyDate(iri, kind, pick.get("heading", ""), pick.get("text", ""), When(day, instant), guide)
    return out


def periods(store: GraphStore, base_iri: str, jurisdiction: str | None = None,
            timeout: float | None = 30) -> dict[str, tuple[str, str]]:
    """{period IRI: (start IRI, deadline IRI)}."""
    scope = f"?guide gg:jurisdiction <{jurisdiction_iri(base_iri, jurisdiction)}> ." if jurisdiction else ""
    sparql = _prefixes() + f"""SELECT ?p ?start ?end WHERE {{
      {scope}
      ?guide gg:applicationPeriod ?p . ?p gg:periodStart ?start ; gg:periodEnd ?end }}"""
    found: dict[str, tuple[str, str]] = {}
    for row in _bindings(store, sparql, timeout):
        pair = (row["start"]["value"], row["end"]["value"])
        found[row["p"]["value"]] = min(found.get(row["p"]["value"], pair), pair)
    return found


def events(store: GraphStore, base_iri: str, jurisdiction: str | None = None, timeout: float | None = 30) -> list[Event]:
    """The calendar: every deadline, every application window, and each start no window holds, by date."""
    dates = key_dates(store, base_iri, jurisdiction, timeout)
    out: list[Event] = []
    in_window: set[str] = set()
    for iri, (start_iri, end_iri) in periods(store, base_iri, jurisdiction, timeout).items():
        start, end = dates.get(start_iri), dates.get(end_iri)
        if start is None or end is None:
            continue
        in_window.add(start_iri)
        out.append(Event(iri, "window", start.when, end.when, end, end.guide))
    for key_date in dates.values():
        if key_date.kind == "deadline":
            out.append(Event(key_date.iri, "deadline", key_date.when, None, key_date, key_date.guide))
        elif key_date.iri not in in_window:
            out.append(Event(key_date.iri, "opens", key_date.when, None, key_date, key_date.guide))
    return sorted(out, key=lambda e: e.sort_key)
