"""Deadline feeds (iCalendar, Atom), /api/deadlines and the home page's "closing soon" block.

Real servers on loopback over the seed corpus and over small variant guides
written here; what the feeds say is compared with what the store answers to
SPARQL, never with figures typed into the test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from pathlib import Path

import feedparser
import icalendar
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from conftest import live_server, remote_config, send, start_oxigraph
from guidegraph.bundled_corpus import load_bundled_corpus
from guidegraph.errors import UsageError
from guidegraph.feeds import ical
from guidegraph.server import create_app
from guidegraph.server.app import close_app
from seeded_server import seeded_server  # noqa: F401 - a fixture

GG = "https://w3id.org/guidegraph/ontology#"
CHINA = dt.timezone(dt.timedelta(hours=8))
PINNED_TODAY = dt.date(2025, 3, 20)

# Variant guides: a timed window and a dated deadline whose heading carries a quote and a
# backslash (Shanxi); a window given as days only and an opening no deadline follows (Jiangsu).
SHANXI = """山西省科学技术厅

晋科发〔2026〕7号

关于组织申报2026年度山西省重点研发计划项目的通知

各有关单位：

一、申报时间

网上申报时间为2026年4月1日9:00至2026年4月30日17:00。

纸质材料（含附件；签章页，"原件"\\备份）报送截止时间为2026年5月8日，逾期不予受理。
"""
JIANGSU = """江苏省科学技术厅

苏科计〔2026〕12号

关于组织申报2026年度江苏省基础研究计划项目的通知

各设区市科技局，各有关单位：

一、申报时间

项目网上申报时间为2026年6月1日至6月15日。
"""
# Text no guide parser would produce but a store written by others may hold: every character
# iCalendar escapes, a line break, a control character, and enough CJK to be folded many times.
HOSTILE_HEADING = 'A,B;C\\D "引号" 第一行\n第二行\x01 ' + "截止时间很长" * 12
HOSTILE_TEXT = "逗号,分号;反斜杠\\冒号:结尾\r\n" + "🙂中文" * 30


# ---------------------------------------------------------------- helpers


def get(url: str, **headers: str):
    return send("GET", url, headers=headers)


def sparql(server, query: str) -> list[dict[str, str]]:
    r = get(server.url + "/sparql?" + urllib.parse.urlencode({"query": query}), Accept="application/sparql-results+json")
    assert r.status == 200, r.body[:300]
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(r.body)["results"]["bindings"]]


def stored_key_dates(server, code: str | None = None) -> dict[str, dict[str, str]]:
    """Every deadline and start the store holds (only ``code``'s jurisdiction when given), by IRI."""
    scope = f'?g gg:jurisdiction ?j . FILTER(STRENDS(STR(?j), "/jurisdiction/{code}"))' if code else ""
    rows = sparql(server, f"""PREFIX gg: <{GG}>
        SELECT ?k ?kind ?day ?instant ?heading ?title WHERE {{
          {{ ?g gg:deadline ?k BIND("deadline" AS ?kind) }} UNION {{ ?g gg:applicationStart ?k BIND("start" AS ?kind) }}
          {scope}
          OPTIONAL {{ ?k gg:date ?day }} OPTIONAL {{ ?k gg:dateTime ?instant }}
          OPTIONAL {{ ?k gg:heading ?heading }} OPTIONAL {{ ?g gg:title ?title }} }}""")
    return {row["k"]: row for row in rows}


def stored_periods(server) -> dict[str, tuple[str, str]]:
    rows = sparql(server, f"""PREFIX gg: <{GG}>
        SELECT ?p ?s ?e WHERE {{ ?p a gg:ApplicationPeriod ; gg:periodStart ?s ; gg:periodEnd ?e }}""")
    return {row["p"]: (row["s"], row["e"]) for row in rows}


def expected_uids(server, code: str | None = None) -> set[str]:
    """Deadlines, windows (periods), and the starts no window holds: what a feed must list."""
    dates = stored_key_dates(server, code)
    periods = {p: se for p, se in stored_periods(server).items() if se[1] in dates}
    opening = {k for k, row in dates.items() if row["kind"] == "start"} - {s for s, _ in periods.values()}
    return {k for k, row in dates.items() if row["kind"] == "deadline"} | set(periods) | opening


def calendar_of(server, path: str) -> icalendar.Calendar:
    r = get(server.url + path)
    assert r.status == 200, r.body[:300]
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(r.body)


def events_of(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == len(cal.walk("VEVENT")), "UIDs repeat"
    return events


def atom_of(server, path: str):
    r = get(server.url + path)
    assert r.status == 200, r.body[:300]
    assert r.media_type == "application/atom+xml"
    parsed = feedparser.parse(r.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def write_variants(folder: Path) -> list[str]:
    paths = []
    for name, text in (("shanxi_2026.txt", SHANXI), ("jiangsu_2026.txt", JIANGSU)):
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    return paths


def add_hostile_deadline(store, guide_iri: str) -> str:
    """A deadline with hostile text written straight into the guide's graph, as a SPARQL update."""
    iri = guide_iri + "/date/99"

    def lit(text: str) -> str:
        return json.dumps(text, ensure_ascii=False) + "@zh"

    store.update(f"""PREFIX gg: <{GG}>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA {{ GRAPH <{guide_iri}/graph> {{
          <{guide_iri}> gg:deadline <{iri}> .
          <{iri}> a gg:Deadline ; gg:guide <{guide_iri}> ; gg:heading {lit(HOSTILE_HEADING)} ; gg:text {lit(HOSTILE_TEXT)} ;
             gg:date "2026-07-01"^^xsd:date ; gg:dateTime "2026-07-01T08:00:00Z"^^xsd:dateTime . }} }}""")
    return iri


# ---------------------------------------------------------------- servers


@pytest.fixture(scope="module")
def pinned():
    """The seeds ingested a second time (after ``seeded_server``), with today pinned."""
    app = create_app({"timeout": 30, "today": PINNED_TODAY.isoformat()})
    load_bundled_corpus(app.extensions["guidegraph.store"])
    server = live_server(app)
    yield server
    server.stop()
    close_app(app)


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    """The variant guides only, plus one hostile deadline on the Shanxi guide."""
    app = create_app({"timeout": 30, "today": "2026-04-25"})
    store = app.extensions["guidegraph.store"]
    load_bundled_corpus(store, paths=write_variants(tmp_path_factory.mktemp("variants")))
    guide = sparql_local(store, f"SELECT ?g WHERE {{ ?g a <{GG}GuideDocument> ; <{GG}jurisdiction> ?j FILTER(STRENDS(STR(?j), 'cn-sx')) }}")
    server = live_server(app)
    server.hostile = add_hostile_deadline(store, guide[0]["g"])
    server.hostile_guide = guide[0]["g"]
    yield server
    server.stop()
    close_app(app)


def sparql_local(store, query: str) -> list[dict[str, str]]:
    answer = store.query(query, result_format="json", graph_format="turtle", timeout=30)
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(answer.body)["results"]["bindings"]]


@pytest.fixture(scope="module")
def remote_variants(tmp_path_factory):
    """The variant guides in a real Oxigraph server of their own, served through the remote store."""
    oxigraph = start_oxigraph(tmp_path_factory)
    url = next(oxigraph)
    app = create_app(remote_config(url, timeout=30))
    load_bundled_corpus(app.extensions["guidegraph.store"], paths=write_variants(tmp_path_factory.mktemp("remote-variants")))
    server = live_server(app)
    yield server
    server.stop()
    close_app(app)
    next(oxigraph, None)


# ---------------------------------------------------------------- the feeds over the seeds


def test_the_calendar_lists_every_deadline_the_store_holds_at_its_time(seeded_server):
    events = events_of(calendar_of(seeded_server, "/feeds/deadlines.ics"))
    assert set(events) == expected_uids(seeded_server) and events
    for iri, row in stored_key_dates(seeded_server).items():
        if row["kind"] != "deadline":
            continue
        start = events[iri]["DTSTART"].dt
        if "instant" in row:
            assert start == instant(row["instant"]) and str(start.tzinfo) == "Asia/Shanghai"
            assert "DTEND" not in events[iri]  # an instant: DTEND would have to be later
        else:
            assert start == dt.date.fromisoformat(row["day"]) and not isinstance(start, dt.datetime)
        assert str(events[iri]["SUMMARY"]).startswith(row.get("heading", ""))
        assert row.get("title", "") in str(events[iri]["SUMMARY"])
        assert events[iri]["DTSTAMP"].dt.tzinfo is not None and events[iri]["LAST-MODIFIED"].dt.tzinfo is not None


def test_event_urls_are_the_resources_pages(seeded_server):
    for uid, event in events_of(calendar_of(seeded_server, "/feeds/deadlines.ics")).items():
        url = str(event["URL"])
        assert url.startswith(seeded_server.url + "/id/")
        page = get(url, Accept="text/html")
        assert page.status == 303
        assert uid in get(urllib.parse.urljoin(url, page.headers["location"]), Accept="text/html").text()


def test_the_atom_feed_lists_the_same_events_with_links_to_their_pages(seeded_server):
    feed = atom_of(seeded_server, "/feeds/deadlines.atom")
    assert {e.id for e in feed.entries} == expected_uids(seeded_server)
    assert feed.feed.id.startswith("urn:uuid:") and feed.feed.updated_parsed
    assert any(link.rel == "self" and link.href == seeded_server.url + "/feeds/deadlines.atom" for link in feed.feed.links)
    calendar = events_of(calendar_of(seeded_server, "/feeds/deadlines.ics"))
    for entry in feed.entries:
        assert entry.title == str(calendar[entry.id]["SUMMARY"])
        assert entry.link == str(calendar[entry.id]["URL"])
        assert entry.updated_parsed


def test_each_jurisdiction_feed_holds_that_jurisdiction_only(seeded_server):
    codes = {row["j"].rsplit("/", 1)[1] for row in sparql(
        seeded_server, f"SELECT DISTINCT ?j WHERE {{ ?g a <{GG}GuideDocument> ; <{GG}jurisdiction> ?j }}")}
    assert len(codes) > 1
    union: set[str] = set()
    for code in codes:
        events = events_of(calendar_of(seeded_server, f"/feeds/jurisdiction/{code}.ics"))
        assert set(events) == expected_uids(seeded_server, code)
        assert all(code in [str(c) for c in e["CATEGORIES"].cats] for e in events.values())
        assert {e.id for e in atom_of(seeded_server, f"/feeds/jurisdiction/{code}.atom").entries} == set(events)
        union |= set(events)
    assert union == expected_uids(seeded_server)  # every guide here has a jurisdiction


def test_unknown_jurisdictions_are_404_not_500(seeded_server):
    for code in ("nowhere", "CN-SX", "cn-sx%3Cx%3E", "%E5%B1%B1%E8%A5%BF"):
        for fmt in ("ics", "atom"):
            assert get(seeded_server.url + f"/feeds/jurisdiction/{code}.{fmt}").status == 404


def test_uids_stay_the_same_across_servers_and_ingests(seeded_server, pinned):
    first = events_of(calendar_of(seeded_server, "/feeds/deadlines.ics"))
    second = events_of(calendar_of(pinned, "/feeds/deadlines.ics"))
    assert set(first) == set(second) and first
    for uid in first:
        assert str(first[uid]["SUMMARY"]) == str(second[uid]["SUMMARY"])
        assert first[uid]["DTSTART"].dt == second[uid]["DTSTART"].dt
    assert {e.id for e in atom_of(seeded_server, "/feeds/deadlines.atom").entries} == set(first)
    assert atom_of(seeded_server, "/feeds/deadlines.atom").feed.id == atom_of(pinned, "/feeds/deadlines.atom").feed.id


def test_feeds_answer_304_while_the_client_copy_is_current(seeded_server):
    for path in ("/feeds/deadlines.ics", "/feeds/deadlines.atom"):
        first = get(seeded_server.url + path)
        assert first.headers["etag"] and first.headers["last-modified"]
        again = get(seeded_server.url + path, **{"If-None-Match": first.headers["etag"]})
        assert again.status == 304 and not again.body
        other = get(seeded_server.url + path + "?lang=en", **{"If-None-Match": first.headers["etag"]})
        assert other.status == 200  # another representation, another tag


def test_the_english_feed_names_the_same_events(seeded_server):
    zh = events_of(calendar_of(seeded_server, "/feeds/deadlines.ics"))
    en = calendar_of(seeded_server, "/feeds/deadlines.ics?lang=en")
    assert set(events_of(en)) == set(zh)
    assert "deadlines" in str(en["X-WR-CALNAME"]) and "截止" in str(calendar_of(seeded_server, "/feeds/deadlines.ics")["X-WR-CALNAME"])


# ---------------------------------------------------------------- windows, days and hostile text


def test_windows_and_days_take_the_value_types_the_data_gives(variants):
    events = events_of(calendar_of(variants, "/feeds/deadlines.ics"))
    assert set(events) == expected_uids(variants)
    dates = stored_key_dates(variants)
    periods = stored_periods(variants)
    assert len(periods) == 2  # the timed Shanxi window and the all-day Jiangsu one
    for period, (start_iri, end_iri) in periods.items():
        start, end = dates[start_iri], dates[end_iri]
        event = events[period]
        if "instant" in start and "instant" in end:
            assert event["DTSTART"].dt == instant(start["instant"]) and event["DTEND"].dt == instant(end["instant"])
        else:
            assert "instant" not in start and "instant" not in end
            assert event["DTSTART"].dt == dt.date.fromisoformat(start["day"])
            assert event["DTEND"].dt == dt.date.fromisoformat(end["day"]) + dt.timedelta(days=1)  # the end is exclusive
    day_only = [k for k, row in dates.items() if row["kind"] == "deadline" and "instant" not in row]
    assert day_only
    for iri in day_only:
        assert events[iri]["DTEND"].dt - events[iri]["DTSTART"].dt == dt.timedelta(days=1)
    # a start no deadline follows in its guide stands alone
    assert {k for k, row in dates.items() if row["kind"] == "start"} - {s for s, _ in periods.values()} == set(
        uid for uid, e in events.items() if "opens" in [str(c) for c in e["CATEGORIES"].cats])


def test_the_raw_calendar_is_folded_at_75_octets_without_splitting_a_character(variants):
    body = get(variants.url + "/feeds/deadlines.ics").body
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    physical = body.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) == ical.MAX_OCTETS  # the long lines are folded right at the limit
    for line in physical:
        assert len(line) <= ical.MAX_OCTETS
        line.decode("utf-8")  # raises if a fold fell inside a character
    assert sum(line.startswith(b" ") for line in physical) > 10


def test_hostile_text_comes_back_exactly_from_a_calendar_parser(variants):
    event = events_of(calendar_of(variants, "/feeds/deadlines.ics"))[variants.hostile]
    title = stored_key_dates(variants)[variants.hostile]["title"]
    heading = HOSTILE_HEADING.replace("\x01", "")
    assert str(event["SUMMARY"]) == f"{heading} · {title}"
    description = str(event["DESCRIPTION"])
    assert description.startswith(HOSTILE_TEXT.replace("\r\n", "\n"))
    assert event["DTSTART"].dt == dt.datetime(2026, 7, 1, 8, tzinfo=dt.timezone.utc)  # not China time: stays UTC
    entry = next(e for e in atom_of(variants, "/feeds/deadlines.atom").entries if e.id == variants.hostile)
    assert entry.title == f"{heading} · {title}" and entry.summary.startswith(HOSTILE_TEXT.replace("\r\n", "\n").replace("\r", ""))


def test_the_remote_store_gives_the_same_feeds(remote_variants):
    events = events_of(calendar_of(remote_variants, "/feeds/deadlines.ics"))
    assert set(events) == expected_uids(remote_variants) and len(events) >= 5
    for code in ("cn-sx", "cn-js"):
        assert set(events_of(calendar_of(remote_variants, f"/feeds/jurisdiction/{code}.ics"))) == expected_uids(remote_variants, code)
    assert not atom_of(remote_variants, "/feeds/deadlines.atom").bozo


# ---------------------------------------------------------------- the writer on its own


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_escapes_and_folds_into_lines_a_parser_reads_back(text):
    line = ical.content_line("SUMMARY", ical.escape_text(text))
    physical = line.encode("utf-8").split(b"\r\n")
    assert all(len(p) <= ical.MAX_OCTETS for p in physical)
    assert all(p.startswith(b" ") for p in physical[1:])
    for p in physical:
        p.decode("utf-8")
    cal = icalendar.Calendar.from_ical(ical.calendar([], [["UID:x", "DTSTAMP:20250101T000000Z", line]]))
    expected = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", re.sub(r"\r\n|\r|\n|\x85|\u2028|\u2029", "\n", text))
    assert str(cal.walk("VEVENT")[0]["SUMMARY"]) == expected


@pytest.mark.parametrize("char", ["a", "é", "中", "🙂"])
def test_folding_breaks_between_characters_of_every_width(char):
    for length in range(60, 200, 7):
        line = ical.fold("X:" + char * length)
        assert "".join(p[1:] if i else p for i, p in enumerate(line.split("\r\n"))) == "X:" + char * length
        assert all(len(p.encode()) <= 75 for p in line.split("\r\n"))


def test_escaping_covers_the_characters_rfc_5545_names():
    assert ical.escape_text('a,b;c\\d\ne"f:g') == 'a\\,b\\;c\\\\d\\ne"f:g'


# ---------------------------------------------------------------- closing within N days


def closing_expected(server, first: dt.date, days: int, code: str | None = None) -> list[str]:
    """The deadlines whose China day falls in [first, first + days], from SPARQL, soonest first."""
    due = []
    for iri, row in stored_key_dates(server, code).items():
        if row["kind"] != "deadline":
            continue
        moment = instant(row["instant"]) if "instant" in row else dt.datetime.combine(
            dt.date.fromisoformat(row["day"]), dt.time(23, 59, 59), CHINA)
        if first <= moment.astimezone(CHINA).date() <= first + dt.timedelta(days=days):
            due.append((moment, iri))
    return [iri for _, iri in sorted(due)]


def api(server, **params):
    r = get(server.url + "/api/deadlines?" + urllib.parse.urlencode(params))
    return r.status, json.loads(r.body)


def test_within_n_days_counts_from_the_pinned_today(pinned):
    for days in (0, 7, 8, 11, 30):
        status, body = api(pinned, within=days)
        assert status == 200 and body["from"] == PINNED_TODAY.isoformat() and body["within"] == days
        assert [d["iri"] for d in body["deadlines"]] == closing_expected(pinned, PINNED_TODAY, days)
        assert all(0 <= d["days_left"] <= days for d in body["deadlines"])
    assert api(pinned, within=30)[1]["deadlines"], "the pinned day is chosen so that something closes"


def test_within_n_days_from_a_given_day_and_jurisdiction(pinned):
    codes = [row["j"].rsplit("/", 1)[1] for row in sparql(
        pinned, f"SELECT DISTINCT ?j WHERE {{ ?g a <{GG}GuideDocument> ; <{GG}jurisdiction> ?j }}")]
    for first in (dt.date(2025, 3, 28), dt.date(2024, 1, 1), dt.date(2025, 3, 31)):
        for code in [None, *codes]:
            params = {"within": 3, "from": first.isoformat(), **({"jurisdiction": code} if code else {})}
            status, body = api(pinned, **params)
            assert status == 200
            assert [d["iri"] for d in body["deadlines"]] == closing_expected(pinned, first, 3, code)
            assert all(d["jurisdiction"]["code"] == code for d in body["deadlines"] if code)


@pytest.mark.parametrize("params", [
    {"within": "-1"}, {"within": "abc"}, {"within": "1.5"}, {"within": "１２"}, {"within": "99999"}, {"within": ""},
    {"from": "2025-13-01"}, {"from": "20250301"}, {"from": "yesterday"}, {"from": "2025-3-1"},
    {"jurisdiction": "nowhere"}, {"jurisdiction": "../etc"}, {"jurisdiction": "cn-sx>"},
    {"until": "2025-01-01"},
])
def test_bad_parameters_are_400_with_a_json_error(pinned, params):
    r = get(pinned.url + "/api/deadlines?" + urllib.parse.urlencode(params))
    assert r.status == 400 and r.media_type == "application/json"
    error = json.loads(r.body)["error"]
    assert error["status"] == 400 and error["parameter"] == next(iter(params)) and error["message"]


def test_a_repeated_parameter_is_400(pinned):
    r = get(pinned.url + "/api/deadlines?within=3&within=4")
    assert r.status == 400 and json.loads(r.body)["error"]["parameter"] == "within"


def test_a_bad_today_setting_stops_the_start():
    with pytest.raises(UsageError):
        create_app({"today": "2025-02-30"})


# ---------------------------------------------------------------- the home page


def home_block(server, lang: str = "zh") -> str:
    html = get(server.url + f"/?lang={lang}").text()
    match = re.search(r'<section class="closing-soon".*?</section>', html, re.S)
    assert match, "the home page includes the closing-soon block"
    return match.group(0)


def test_the_home_block_lists_what_closes_next_from_the_pinned_today(pinned):
    block = home_block(pinned)
    due = closing_expected(pinned, PINNED_TODAY, 30)
    assert due
    links = re.findall(r'href="[^"]*?(/id/[^"]+/date/[^"]+)"', block)
    assert [urllib.parse.unquote(link) for link in links] == [iri.replace("https://w3id.org/guidegraph/id/", "/id/") for iri in due]
    assert 'href="/feeds/deadlines.ics"' in block and 'href="/feeds/deadlines.atom"' in block


def test_the_home_block_says_so_when_nothing_closes_soon(seeded_server):
    """seeded_server pins no day: the block counts from the real one (the seeds' deadlines are past)."""
    today = dt.datetime.now(CHINA).date()
    block = home_block(seeded_server, "en")
    due = closing_expected(seeded_server, today, 30)
    links = [urllib.parse.unquote(link) for link in re.findall(r'href="[^"]*?(/id/[^"]+/date/[^"]+)"', block)]
    if due:  # only if a seed deadline were ever near the real day
        assert links == [iri.replace("https://w3id.org/guidegraph/id/", "/id/") for iri in due]
        return
    assert f"Nothing in this dataset closes in the 30 days from {today.isoformat()}." in block
    later = closing_expected(seeded_server, today, 365 * 100)
    named = later[:1] or closing_expected(seeded_server, dt.date(1900, 1, 1), 365 * 200)[-1:]
    assert named and links == [iri.replace("https://w3id.org/guidegraph/id/", "/id/") for iri in named]
    assert 'href="/feeds/deadlines.ics"' in block and 'href="/feeds/deadlines.atom"' in block and 'href="/feeds/"' in block


def test_the_home_page_names_the_atom_feed_in_its_head(seeded_server):
    html = get(seeded_server.url + "/").text()
    head = html.split("</head>", 1)[0]
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/deadlines.atom"' in head


def test_the_feed_index_links_every_jurisdiction(seeded_server):
    r = get(seeded_server.url + "/feeds/")
    assert r.status == 200
    codes = {row["j"].rsplit("/", 1)[1] for row in sparql(
        seeded_server, f"SELECT DISTINCT ?j WHERE {{ ?g a <{GG}GuideDocument> ; <{GG}jurisdiction> ?j }}")}
    for code in codes:
        assert f'href="/feeds/jurisdiction/{code}.ics"' in r.text() and f'href="/feeds/jurisdiction/{code}.atom"' in r.text()


def test_a_jurisdiction_page_links_its_feeds(seeded_server):
    codes = {row["j"]: row["j"].rsplit("/", 1)[1] for row in sparql(
        seeded_server, f"SELECT DISTINCT ?j WHERE {{ ?g a <{GG}GuideDocument> ; <{GG}jurisdiction> ?j }}")}
    for iri, code in codes.items():
        page = get(seeded_server.url + "/doc/" + iri.split("/id/", 1)[1], Accept="text/html").text()
        for fmt in ("ics", "atom"):
            assert f'href="/feeds/jurisdiction/{code}.{fmt}"' in page
            assert get(seeded_server.url + f"/feeds/jurisdiction/{code}.{fmt}").status == 200
    guide = next(iter(stored_key_dates(seeded_server)))  # any other resource's page names no feed
    assert "/feeds/jurisdiction/" not in get(seeded_server.url + "/doc/" + guide.split("/id/", 1)[1], Accept="text/html").text()


def test_the_home_block_links_pages_by_path_so_a_cached_page_suits_any_host(pinned):
    block = home_block(pinned)
    assert re.search(r'href="/id/[^"]+/date/', block) and "http://" not in block
