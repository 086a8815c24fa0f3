"""The query editor page and the static files: configuration, /sparql for browsers, npm assets from our origin."""

from __future__ import annotations

import json
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import send
from guidegraph.namespaces import PREFIXES
from guidegraph.queries import load_queries
from guidegraph.server import static_assets
from seeded_server import seeded_server  # noqa: F401 - a fixture

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "server" / "templates"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.config = None
        self._in_config = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("rel") in ("stylesheet", "icon") and not a["href"].startswith("data:"):
            self.urls.append(a["href"])
        self._in_config = tag == "script" and a.get("id") == "editor-config"

    def handle_data(self, data):
        if self._in_config:
            self.config = json.loads(data)
            self._in_config = False


def assets_of(server, path: str, **headers) -> Assets:
    r = send("GET", server.url + path, headers=headers)
    assert r.status == 200 and r.media_type == "text/html"
    reader = Assets()
    reader.feed(r.text())
    return reader


def test_the_editor_is_configured_for_our_endpoint_prefixes_and_examples(seeded_server):
    config = assets_of(seeded_server, "/query").config
    assert config["endpoint"] == seeded_server.sparql
    assert config["prefixes"] == PREFIXES
    assert [e["name"] for e in config["examples"]] == [q.slug for q in load_queries()]
    assert all(e["query"] == q.text and e["title"] == q.title_zh for e, q in zip(config["examples"], load_queries()))
    english = assets_of(seeded_server, "/query?lang=en").config
    assert [e["title"] for e in english["examples"]] == [q.title for q in load_queries()]
    prefixes = send("GET", seeded_server.url + config["prefixesUrl"])
    assert json.loads(prefixes.body) == PREFIXES
    # the default query runs as it is
    answer = send("GET", seeded_server.sparql + "?query=" + urllib.parse.quote(config["defaultQuery"]),
                  headers={"Accept": "application/sparql-results+json"})
    assert answer.status == 200 and json.loads(answer.body)["results"]["bindings"]


def test_sparql_opened_by_a_browser_is_the_editor(seeded_server):
    page = assets_of(seeded_server, "/sparql", Accept=BROWSER_ACCEPT)
    assert page.config["endpoint"] == seeded_server.sparql


@pytest.mark.parametrize("accept, media_type", [(None, "text/turtle"), ("*/*", "text/turtle"), ("text/turtle", "text/turtle"),
                                                ("application/ld+json", "application/ld+json"), ("text/html;q=0.1, text/turtle", "text/turtle")])
def test_rdf_clients_still_get_the_service_description(seeded_server, accept, media_type):
    r = send("GET", seeded_server.sparql, headers={"Accept": accept} if accept else {})
    assert r.status == 200 and r.media_type == media_type


@pytest.mark.parametrize("path", ["/query", "/queries/", "/queries/topic_search"])
def test_every_asset_a_page_references_is_served(seeded_server, path):
    urls = assets_of(seeded_server, path).urls
    assert urls
    for url in urls:
        assert url.startswith("/static/"), f"{url}: assets come from our own origin"
        r = send("GET", seeded_server.url + url)
        assert r.status == 200, url
        assert r.media_type in ("text/css", "text/javascript", "application/javascript", "image/svg+xml"), url


def test_every_static_file_named_in_a_template_exists():
    """Templates not rendered by any test (or rendered only with some data) are checked by reading them."""
    own = re.compile(r"url_for\(\s*'static'\s*,\s*filename\s*=\s*'([^']+)'\s*\)")
    vendored = re.compile(r"vendor\(\s*'([^']+)'\s*,\s*'([^']+)'\s*\)")
    checked = 0
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for name in own.findall(text):
            assert (REPO / "server" / "static" / name).is_file(), f"{template.name} names static/{name}, which is missing"
            checked += 1
        for package, name in vendored.findall(text):
            assert package in static_assets.declared_packages(), f"{template.name}: {package} is not in package.json"
            assert (static_assets.node_modules() / package / name).is_file(), f"{template.name} names {package}/{name}: run npm ci"
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize(
    "path, status",
    [
        ("/static/vendor/echarts/dist/echarts.min.js", 200),
        ("/static/vendor/@zazuko/yasgui/build/yasgui.min.css", 200),
        ("/static/vendor/@zazuko/yasgui/package.json", 404),  # not an asset
        ("/static/vendor/lodash-es/lodash.js", 404),  # installed, but not one of our dependencies
        ("/static/vendor/echarts/../../package-lock.json", 404),
        ("/static/vendor/echarts/%2e%2e/%2e%2e/server/app.py", 404),
        ("/static/vendor/nothing/x.js", 404),
    ],
)
def test_the_vendor_route_serves_only_declared_packages_assets(seeded_server, path, status):
    r = send("GET", seeded_server.url + path)
    assert r.status == status
    if status == 200:
        assert "max-age" in r.headers.get("cache-control", "")


def test_package_json_pins_what_the_lockfile_holds():
    manifest = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())
    for name, version in manifest["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is pinned exactly"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert {"@zazuko/yasgui", "echarts"} <= set(manifest["dependencies"])
    assert "node_modules" in (REPO / ".gitignore").read_text()
