"""Canned queries over HTTP on a real server with the seed guides: the JSON/CSV API and the HTML pages.

Expected rows were checked against the seed text: 002 (国家重点研发计划2021) line 4820
asks for 30万例以上 clinical cases; 山西省 2017 has the direction 恶性肿瘤靶向CAR-T细胞治疗技术.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from html.parser import HTMLParser

import pytest

from conftest import send
from guidegraph.queries import load_queries
from seeded_server import seeded_server  # noqa: F401 - a fixture

QUERIES = load_queries()
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def get(server, path: str, **headers):
    return send("GET", server.url + path, headers=headers)


def api(server, name: str, suffix: str = ".json", **params):
    return get(server, f"/api/queries/{name}{suffix}?" + urllib.parse.urlencode(params))


def required_values(query) -> dict[str, str]:
    return {p.name: p.default for p in query.parameters if p.required}


# --- JSON ------------------------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.slug)
def test_every_query_answers_json_and_csv_with_the_same_table(seeded_server, query):
    r = api(seeded_server, query.slug, ".json", **required_values(query))
    assert r.status == 200 and r.media_type == "application/json"
    doc = json.loads(r.body)
    assert doc["query"] == query.slug and doc["title"] == query.title
    assert set(doc["parameters"]) == {p.name for p in query.parameters}
    assert doc["columns"] and all(len(row) == len(doc["columns"]) for row in doc["rows"])
    for row in doc["rows"]:
        for cell in row:
            assert cell is None or (cell["type"] in ("iri", "literal", "bnode") and isinstance(cell["value"], str))
    c = api(seeded_server, query.slug, ".csv", **required_values(query))
    assert c.status == 200 and c.media_type == "text/csv"
    table = list(csv.reader(io.StringIO(c.text())))
    assert table[0] == doc["columns"]
    assert table[1:] == [["" if cell is None else cell["value"] for cell in row] for row in doc["rows"]]


def test_a_parameter_changes_the_rows(seeded_server):
    many = json.loads(api(seeded_server, "clinical_case_thresholds", min_cases=1000).body)
    few = json.loads(api(seeded_server, "clinical_case_thresholds", min_cases=100000).body)
    required = many["columns"].index("required")
    assert all(float(row[required]["value"]) >= 1000 for row in many["rows"])
    assert len(few["rows"]) < len(many["rows"])
    assert [row[required]["value"] for row in few["rows"]] == ["300000"]  # 002 L4820: 30万例以上
    assert few["rows"][0][required]["datatype"] == XSD_DECIMAL
    assert few["parameters"] == {"min_cases": 100000, "unit": "例"}


def test_cells_carry_type_language_and_datatype(seeded_server):
    doc = json.loads(api(seeded_server, "topic_search", topic="CAR-T").body)
    cols = doc["columns"]
    row = next(r for r in doc["rows"] if "恶性肿瘤靶向CAR-T细胞治疗技术" in r[cols.index("title")]["value"])
    assert row[cols.index("direction")]["type"] == "iri"
    assert row[cols.index("direction")]["value"].startswith("https://w3id.org/guidegraph/id/")
    assert row[cols.index("title")]["lang"] == "zh"
    assert row[cols.index("year")] == {"type": "literal", "value": "2017", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}
    assert row[cols.index("jurisdiction")]["value"] == "山西省"


@pytest.mark.parametrize(
    "accept, media_type",
    [("text/csv", "text/csv"), ("application/json", "application/json"), (None, "application/json"),
     ("text/csv;q=0.5, application/json;q=0.9", "application/json"), ("*/*", "application/json")],
)
def test_accept_chooses_the_format_without_a_suffix(seeded_server, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    r = get(seeded_server, "/api/queries/deadlines", **headers)
    assert r.status == 200 and r.media_type == media_type
    assert "Accept" in r.headers.get("vary", "")


def test_an_unacceptable_format_is_406_in_json(seeded_server):
    r = get(seeded_server, "/api/queries/deadlines", Accept="image/png")
    assert r.status == 406
    assert json.loads(r.body)["error"]["status"] == 406


@pytest.mark.parametrize(
    "name, params, status, parameter, words",
    [
        ("topic_search", {}, 400, "topic", "needs parameter topic"),
        ("topic_search", {"topic": ""}, 400, "topic", "needs parameter topic"),
        ("clinical_case_thresholds", {"min_cases": "many"}, 400, "min_cases", "must be an integer"),
        ("clinical_case_thresholds", {"min_cases": "1e3"}, 400, "min_cases", "must be an integer"),
        ("deadlines", {"colour": "red"}, 400, "colour", "has no parameter"),
        ("no_such_query", {}, 404, None, "no query named"),
    ],
)
def test_mistakes_are_clear_json_errors(seeded_server, name, params, status, parameter, words):
    r = api(seeded_server, name, ".json", **params)
    assert r.status == status and r.media_type == "application/json"
    error = json.loads(r.body)["error"]
    assert error["status"] == status and error["parameter"] == parameter
    assert words in error["message"] and "Traceback" not in error["message"]


def test_a_repeated_parameter_is_refused(seeded_server):
    r = get(seeded_server, "/api/queries/topic_search.json?topic=a&topic=b")
    assert r.status == 400 and json.loads(r.body)["error"]["parameter"] == "topic"


def test_hostile_text_is_bound_as_a_literal(seeded_server):
    before = json.loads(api(seeded_server, "deadlines").body)["rows"]
    hostile = 'CAR-T" } } ; DROP ALL ; SELECT * { ?s ?p ?o } #'
    r = api(seeded_server, "topic_search", topic=hostile)
    assert r.status == 200
    doc = json.loads(r.body)
    assert doc["rows"] == [] and doc["parameters"] == {"topic": hostile}
    assert json.loads(api(seeded_server, "deadlines").body)["rows"] == before


def test_the_list_names_every_query_with_its_links(seeded_server):
    doc = json.loads(get(seeded_server, "/api/queries").body)
    assert [q["name"] for q in doc["queries"]] == [q.slug for q in QUERIES]
    topic = next(q for q in doc["queries"] if q["name"] == "topic_search")
    assert topic["parameters"] == [{"name": "topic", "type": "string", "required": True, "default": "CAR-T", "description": "text to look for"}]
    assert get(seeded_server, topic["page"]).status == 200
    assert get(seeded_server, topic["api"] + "?topic=x").status == 200


# --- HTML ------------------------------------------------------------------------


class PageReader(HTMLParser):
    """Collects what the tests look at: alternates, links, table cells, scripts, form inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.alternates: dict[str, str] = {}
        self.links: list[str] = []
        self.scripts: list[dict] = []
        self.inputs: dict[str, str] = {}
        self.rows: list[list[str]] = []
        self.html_lang = None
        self._cell: list[str] | None = None
        self._in_results = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates[a["type"]] = a["href"]
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "script":
            self.scripts.append(a)
        if tag == "input":
            self.inputs[a["name"]] = a.get("value", "")
        if tag == "table" and a.get("id") == "results":
            self._in_results = True
        if self._in_results and tag == "tr":
            self.rows.append([])
        if self._in_results and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        if tag == "table":
            self._in_results = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_page(server, path: str):
    r = get(server, path)
    reader = PageReader()
    reader.feed(r.text())
    return r, reader


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.slug)
def test_every_query_page_shows_its_table_and_names_its_machine_twin(seeded_server, query):
    r, page = read_page(seeded_server, f"/queries/{query.slug}")
    assert r.status == 200 and r.media_type == "text/html"
    html = r.text()
    assert query.title_zh and f"<h1>{query.title_zh}</h1>" in html  # Chinese first
    assert "执行的 SPARQL" in html and "SELECT" in html
    assert page.html_lang == "zh"
    for media in ("application/json", "text/csv"):
        assert get(seeded_server, page.alternates[media]).media_type == media
    twin = json.loads(get(seeded_server, page.alternates["application/json"]).body)
    body_rows = page.rows[1:]  # the first row is the header
    assert len(body_rows) == len(twin["rows"])
    assert set(page.inputs) == {p.name for p in query.parameters}


def test_the_page_form_changes_the_rows_and_links_iris(seeded_server):
    _, default = read_page(seeded_server, "/queries/clinical_case_thresholds")
    _, narrow = read_page(seeded_server, "/queries/clinical_case_thresholds?" + urllib.parse.urlencode({"min_cases": 100000, "unit": "例"}))
    assert default.inputs["min_cases"] == "500" and narrow.inputs["min_cases"] == "100000"
    assert len(narrow.rows) == 2 and len(default.rows) > len(narrow.rows)
    assert "min_cases=100000" in narrow.alternates["application/json"]
    # data IRIs link to this server's pages for them, shown with our prefixes
    assert any(link.startswith("/id/guide/cn/2021/") for link in narrow.links)


def test_a_bad_value_on_a_page_is_a_400_page_with_the_form(seeded_server):
    r, page = read_page(seeded_server, "/queries/clinical_case_thresholds?min_cases=many")
    assert r.status == 400 and r.media_type == "text/html"
    assert "must be an integer" in r.text()
    assert page.inputs["min_cases"] == "many" and page.rows == []


def test_page_text_from_the_request_is_escaped(seeded_server):
    r = get(seeded_server, "/queries/topic_search?topic=" + urllib.parse.quote('"><script>alert(1)</script>'))
    assert r.status == 200
    assert "<script>alert(1)" not in r.text()
    assert "&#34;&gt;&lt;script&gt;" in r.text() or "&quot;&gt;&lt;script&gt;" in r.text()


@pytest.mark.parametrize("path", ["/queries/", "/queries/deadlines", "/query"])
def test_pages_carry_a_strict_policy_and_no_inline_script(seeded_server, path):
    r, page = read_page(seeded_server, path)
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert r.headers["x-content-type-options"] == "nosniff"
    for script in page.scripts:
        assert script.get("src") or script.get("type") == "application/json"
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", r.text())
    assert not re.search(r"\son[a-z]+=", r.text())  # no inline event handlers either


def test_the_index_lists_every_query(seeded_server):
    r, page = read_page(seeded_server, "/queries/")
    for query in QUERIES:
        assert f"/queries/{query.slug}" in page.links
        assert f"/api/queries/{query.slug}.csv" in page.links
    assert json.loads(get(seeded_server, page.alternates["application/json"]).body)["queries"]
    assert get(seeded_server, "/queries").status in (301, 308)


# --- language ------------------------------------------------------------------


def test_english_is_one_click_away_and_remembered(seeded_server):
    r, page = read_page(seeded_server, "/queries/deadlines")
    switch = next(link for link in page.links if "lang=en" in link)
    english = get(seeded_server, switch)
    assert english.status == 200 and "<h1>Deadlines of all guides</h1>" in english.text()
    assert 'lang="en"' in english.text()
    cookie = english.headers["set-cookie"]
    assert cookie.startswith("lang=en") and "SameSite=Lax" in cookie
    again = get(seeded_server, "/queries/", Cookie="lang=en")
    assert "<h1>Canned queries</h1>" in again.text()
    assert "Cookie" in again.headers["vary"]
    back = get(seeded_server, "/queries/?lang=zh", Cookie="lang=en")
    assert "<h1>预设查询</h1>" in back.text()


@pytest.mark.parametrize("accept_language", ["en-US,en;q=0.9", "zh-CN,zh;q=0.9", None])
def test_a_first_visit_is_in_chinese(seeded_server, accept_language):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    assert "<h1>预设查询</h1>" in get(seeded_server, "/queries/", **headers).text()


def test_the_language_switch_keeps_the_parameters(seeded_server):
    _, page = read_page(seeded_server, "/queries/topic_search?topic=AI")
    switch = next(link for link in page.links if "lang=en" in link)
    assert "topic=AI" in switch
    english = get(seeded_server, switch)
    assert english.status == 200  # lang is the page's own, not a query parameter
    assert json.loads(get(seeded_server, "/api/queries/topic_search.json?topic=AI&lang=en").body)["error"]["parameter"] == "lang"


def test_the_api_is_readable_from_other_origins_without_credentials(seeded_server):
    r = get(seeded_server, "/api/queries/deadlines.json", Origin="https://example.org")
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    page = get(seeded_server, "/queries/deadlines", Origin="https://example.org")
    assert "access-control-allow-origin" not in page.headers
