"""Deadline feeds and "closing soon": /feeds/… (iCalendar, Atom), /api/deadlines, the home page block.

- ``/feeds/deadlines.ics`` and ``.atom``: every application window and deadline;
  ``/feeds/jurisdiction/CODE.ics|.atom``: one jurisdiction's (codes as
  guidegraph.iris mints them: ``cn``, ``cn-sx``, ``370100``); ``/feeds/`` lists them.
- ``/api/deadlines?within=N[&from=YYYY-MM-DD][&jurisdiction=CODE]``: what closes
  within N days, as JSON; a bad parameter is a 400 with a JSON error body.
- The home page includes ``feeds/closing_soon.html``, which calls the template
  global ``closing_soon()``; a jurisdiction's page includes ``feeds/jurisdiction_links.html``.

"Today" is the ``today`` setting when set (tests and demos pin it), else the
real date in China. Everything is read from the store by SPARQL and kept in the
page cache for the dataset version; feeds carry ETag and Last-Modified.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.exceptions import NotFound

from guidegraph.errors import UsageError
from guidegraph.feeds import api_description, atom, closing, key_dates
from guidegraph.feeds.calendar_feed import calendar_feed
from guidegraph.feeds.entries import WORDS, Entry, entry, when_text
from guidegraph.server.caching import not_modified, validators_for, with_validators
from guidegraph.server.i18n import current_language
from guidegraph.server.result_table import local_href
from guidegraph.server.settings import Settings
from guidegraph.store.base import GraphStore

bp = Blueprint("feeds", __name__)

FEEDS = "/feeds"
API = "/api/deadlines"
ICS_TYPE = "text/calendar"
ATOM_TYPE = "application/atom+xml"
DEFAULT_WITHIN = api_description.DEFAULT_WITHIN
API_PARAMETERS = ("within", "from", "jurisdiction", "lang")


class ParameterError(UsageError):
    def __init__(self, message: str, parameter: str):
        super().__init__(message)
        self.parameter = parameter


def _settings() -> Settings:
    return current_app.extensions["guidegraph.settings"]


def _store() -> GraphStore:
    return current_app.extensions["guidegraph.store"]


def parse_day(value: str, what: str) -> dt.date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{what} must be a date as YYYY-MM-DD, not {value!r}") from None


def today() -> dt.date:
    """The day "closing soon" counts from: the ``today`` setting, else today in China."""
    pinned = _settings().today
    return parse_day(pinned, "the today setting") if pinned else closing.china_today()


def _language() -> str:
    # feeds are fetched by calendar clients without cookies: only ?lang= chooses
    return request.args.get("lang") if request.args.get("lang") in WORDS else "zh"


def _events(code: str | None) -> list[key_dates.Event]:
    settings, store = _settings(), _store()
    return current_app.extensions["guidegraph.pages"].get_or_make(
        store, ("feed-events", code), lambda: key_dates.events(store, settings.data_base_iri, code, settings.timeout))


def _jurisdictions() -> dict[str, str]:
    settings, store = _settings(), _store()
    return current_app.extensions["guidegraph.pages"].get_or_make(
        store, "feed-jurisdictions", lambda: key_dates.jurisdictions(store, settings.data_base_iri, settings.timeout))


def _page_path(iri: str) -> str:
    """Where an IRI's page is on this server (an IRI from elsewhere as it is): for HTML, which is
    cached whatever host it was asked on."""
    settings = _settings()
    return local_href(iri, settings.data_base_iri, settings.resource_path)


def _page_url(iri: str) -> str:
    """The absolute URL of an IRI's page, for feeds and the API, read away from this server."""
    href = _page_path(iri)
    return request.host_url.rstrip("/") + href if href.startswith("/") else href


def _revised() -> dt.datetime:
    """When the store last changed (now, for a store others write to)."""
    store = _store()
    moment = store.version.modified if store.tracks_version else dt.datetime.now(dt.timezone.utc).timestamp()
    return dt.datetime.fromtimestamp(int(moment), dt.timezone.utc)


def _entries(events: list[key_dates.Event], lang: str, page_url: Callable[[str], str] = _page_url) -> list[Entry]:
    revised = _revised()
    return [entry(e, lang, page_url, revised) for e in events]


def _known_jurisdiction(code: str) -> str:
    if not key_dates.JURISDICTION_CODE.match(code) or code not in _jurisdictions():
        raise NotFound(f"no guide in this dataset belongs to jurisdiction {code!r}; the feeds are listed at {FEEDS}/")
    return code


def _feed_name(code: str | None, lang: str) -> str:
    words = WORDS[lang]
    return f"{words['feed']} · " + (_jurisdictions().get(code, code) if code else words["all"])


def _respond(code: str | None, fmt: str) -> Response:
    lang = _language()
    store = _store()
    validators = validators_for(store, f"feed|{code}|{fmt}|{lang}|{request.host}")
    if not_modified(validators):
        return with_validators(Response(status=304), validators)

    def make() -> bytes:
        entries = _entries(_events(code), lang)
        what = f"jurisdiction/{code}" if code else "deadlines"
        if fmt == "ics":
            return calendar_feed(entries, _feed_name(code, lang), request.base_url)
        settings = _settings()
        alternate = _page_url(key_dates.jurisdiction_iri(settings.data_base_iri, code)) if code else request.host_url
        return atom.atom_feed(
            entries, title=_feed_name(code, lang), feed_id=atom.feed_id(settings.data_base_iri, what),
            self_url=request.base_url, alternate_url=alternate, updated=_revised(), lang=lang,
            jurisdiction_scheme=settings.data_base_iri + "scheme/jurisdictions",
        )

    body = current_app.extensions["guidegraph.pages"].get_or_make(store, ("feed", code, fmt, lang, request.host_url), make)
    media = ICS_TYPE if fmt == "ics" else ATOM_TYPE
    response = Response(body, content_type=f"{media}; charset=utf-8")
    other = "atom" if fmt == "ics" else "ics"
    response.headers["Link"] = f'<{request.path[: -len(fmt)] + other}>; rel="alternate"; type="{ATOM_TYPE if other == "atom" else ICS_TYPE}"'
    return with_validators(response, validators)


@bp.get(f"{FEEDS}/deadlines.ics")
def all_ics() -> Response:
    return _respond(None, "ics")


@bp.get(f"{FEEDS}/deadlines.atom")
def all_atom() -> Response:
    return _respond(None, "atom")


@bp.get(f"{FEEDS}/jurisdiction/<code>.ics")
def jurisdiction_ics(code: str) -> Response:
    return _respond(_known_jurisdiction(code), "ics")


@bp.get(f"{FEEDS}/jurisdiction/<code>.atom")
def jurisdiction_atom(code: str) -> Response:
    return _respond(_known_jurisdiction(code), "atom")


@bp.get(f"{FEEDS}/")
def index() -> Response:
    events = _events(None)
    counts: dict[str, int] = {}
    for event in events:
        counts[event.guide.jurisdiction_code] = counts.get(event.guide.jurisdiction_code, 0) + 1
    body = render_template("feeds/index.html", jurisdictions=_jurisdictions(), counts=counts, total=len(events))
    return Response(body, content_type="text/html; charset=utf-8")


# ---------------------------------------------------------------- closing within N days


@dataclass(frozen=True)
class ClosingQuestion:
    window: closing.Window
    jurisdiction: str | None

    @classmethod
    def from_args(cls, args) -> "ClosingQuestion":
        for key in args:
            if key not in API_PARAMETERS:
                raise ParameterError(f"unknown parameter {key}; the parameters are {', '.join(API_PARAMETERS)}", key)
            if len(args.getlist(key)) > 1:
                raise ParameterError(f"parameter {key} is given {len(args.getlist(key))} times; give it once", key)
        raw = args.get("within", str(DEFAULT_WITHIN))
        if not raw.isascii() or not raw.isdigit() or int(raw) > closing.MAX_DAYS:
            raise ParameterError(f"within must be a whole number of days from 0 to {closing.MAX_DAYS}, not {raw!r}", "within")
        try:
            first = parse_day(args["from"], "from") if args.get("from") else today()
        except UsageError as exc:
            raise ParameterError(str(exc), "from") from None
        code = args.get("jurisdiction") or None
        if code is not None and (not key_dates.JURISDICTION_CODE.match(code) or code not in _jurisdictions()):
            known = ", ".join(_jurisdictions()) or "none"
            raise ParameterError(f"no guide belongs to jurisdiction {code!r}; the codes are: {known}", "jurisdiction")
        return cls(closing.Window(first, int(raw)), code)


def _item(item: Entry, first: dt.date) -> dict:
    event, guide = item.event, item.event.guide
    return {
        "iri": event.iri,
        "uid": item.uid,
        "label": event.key_date.heading or None,
        "summary": item.summary,
        "text": event.key_date.text or None,
        "closes": event.start.closes_at.isoformat(),
        "date": event.start.china_day.isoformat(),
        "all_day": event.start.instant is None,
        "days_left": (event.start.china_day - first).days,
        "page": item.page,
        "guide": {"iri": guide.iri, "title": guide.title or None, "page": item.guide_page},
        "jurisdiction": {"code": guide.jurisdiction_code or None, "label": guide.jurisdiction_label or None},
    }


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, indent=1), status=status, content_type="application/json; charset=utf-8")


@bp.get(API)
def api_deadlines() -> Response:
    try:
        question = ClosingQuestion.from_args(request.args)
    except ParameterError as exc:
        return _json({"error": {"status": 400, "message": str(exc), "parameter": exc.parameter}}, 400)
    lang = _language()
    due = closing.closing(_events(question.jurisdiction), question.window)
    feeds = (f"{FEEDS}/jurisdiction/{question.jurisdiction}" if question.jurisdiction else f"{FEEDS}/deadlines")
    return _json({
        "from": question.window.first.isoformat(),
        "until": question.window.last.isoformat(),
        "within": question.window.days,
        "jurisdiction": question.jurisdiction,
        "deadlines": [_item(e, question.window.first) for e in _entries(due, lang)],
        "feeds": {"ics": feeds + ".ics", "atom": feeds + ".atom"},
    })


# ---------------------------------------------------------------- the home page block


@dataclass(frozen=True)
class ClosingSoon:
    """What the home page's block shows."""

    window: closing.Window
    due: list[Entry]
    next_later: Entry | None  # the first deadline after the window, if the data has one
    last: Entry | None  # the latest deadline in the data, when none is due or later


def closing_soon(days: int = DEFAULT_WITHIN) -> ClosingSoon:
    """For the template: the deadlines closing within ``days`` of today, and what to say when none do."""
    lang = current_language()  # the page's language (cookie or ?lang=), not the feeds' rule
    events = _events(None)
    window = closing.Window(today(), days)
    due = _entries(closing.closing(events, window), lang, _page_path)
    later = closing.next_deadline(events, window.last + dt.timedelta(days=1))
    last = closing.last_deadline(events) if not due and later is None else None

    def one(event: key_dates.Event | None) -> Entry | None:
        return _entries([event], lang, _page_path)[0] if event is not None else None

    return ClosingSoon(window, due, one(later), one(last))


def jurisdiction_feed_code(iri: str) -> str | None:
    """For a jurisdiction's page: its code when a guide belongs to it (so its feeds exist), else None."""
    prefix = _settings().data_base_iri + "jurisdiction/"
    if not iri.startswith(prefix):
        return None  # most pages: no query
    code = iri[len(prefix):]
    return code if code in _jurisdictions() else None


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(closing_soon=closing_soon, when_text=when_text, jurisdiction_feed_code=jurisdiction_feed_code,
                                 feeds_path=FEEDS, deadlines_api=API)
