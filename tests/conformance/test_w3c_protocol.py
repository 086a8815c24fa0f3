"""W3C SPARQL 1.1 Protocol tests against the real server over HTTP.

Query tests and negative tests run against the read-only endpoint (both store
implementations). Positive update tests run against a scratch writable
endpoint, with the one relaxation that our write token is added to their
requests (writes need it). Test data: tests/conformance/w3c/protocol (W3C,
see LICENSE.md there).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("w3c_harness", Path(__file__).with_name("harness.py"))
harness = sys.modules.setdefault("w3c_harness", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(harness)

MANIFEST = harness.W3C / "protocol" / "manifest.ttl"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest"
TESTS = {t.name: t for t in harness.protocol_tests(MANIFEST, BASE)}
TOKEN = "conformance-token"

POSITIVE_UPDATES = {
    "update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
    "update_dataset_full", "update_post_form", "update_post_direct", "update_base_uri",
}
NEGATIVE_UPDATES = {name for name in TESTS if name.startswith("bad_update") or name == "bad_multiple_updates"}
QUERY_TESTS = sorted(set(TESTS) - POSITIVE_UPDATES - NEGATIVE_UPDATES)

# Every test of the suite applies to this endpoint: none is skipped.

def our_path(path: str) -> str:
    assert path.startswith("/sparql/")
    rest = path[len("/sparql/"):]
    return "/sparql" + rest


def assert_w3c_test_passes(test, base_url: str, http, extra_headers: dict[str, str] | None = None) -> None:
    """Send each request of ``test``; assert the status and the form of every answer."""
    for number, req in enumerate(test.requests, 1):
        headers = dict(req.headers)
        if extra_headers:
            headers.update(extra_headers)
        r = http(req.method, base_url + our_path(req.path), req.body, headers)
        assert r.status in req.statuses, f"{test.name} request {number}: status {r.status}, body {r.body[:300]!r}"
        if req.expected_format == "boolean":
            value = harness.parse_boolean(r.media_type, r.body)
            if req.expected_boolean is not None:
                assert value is req.expected_boolean, f"{test.name} request {number}"
        elif req.expected_format == "tabular":
            harness.check_tabular(r.media_type, r.body)
        elif req.expected_format == "RDF":
            harness.parse_rdf(r.media_type, r.body)


def test_manifest_has_all_34_tests():
    assert len(TESTS) == 34
    assert {t.approval for t in TESTS.values()} == {"Approved"}


@pytest.mark.parametrize("name", QUERY_TESTS)
def test_query_and_negative_query_tests(name, endpoint, http):
    assert_w3c_test_passes(TESTS[name], endpoint.url, http)


@pytest.mark.parametrize("name", sorted(NEGATIVE_UPDATES))
def test_negative_update_tests_on_read_only_endpoint(name, endpoint, http):
    assert_w3c_test_passes(TESTS[name], endpoint.url, http)


@pytest.fixture(scope="module")
def scratch(make_server):
    """A writable endpoint whose data the update tests may wipe."""
    return make_server({"write_token": TOKEN})


@pytest.mark.parametrize("name", sorted(NEGATIVE_UPDATES))
def test_negative_update_tests_with_the_token_fail_for_the_right_reason(name, scratch, http):
    """With writes allowed, malformed updates are still refused, and not for lack of a token."""
    test = TESTS[name]
    assert_w3c_test_passes(test, scratch.url, http, {"Authorization": f"Bearer {TOKEN}"})
    for req in test.requests:
        r = http(req.method, scratch.url + our_path(req.path), req.body, {**req.headers, "Authorization": f"Bearer {TOKEN}"})
        assert r.status not in (401, 403)


@pytest.mark.parametrize("name", sorted(POSITIVE_UPDATES))
def test_positive_update_tests(name, scratch, http):
    assert_w3c_test_passes(TESTS[name], scratch.url, http, {"Authorization": f"Bearer {TOKEN}"})
