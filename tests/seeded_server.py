"""A real server over the five seed guides, for the query pages and the canned-query API.

Import ``seeded_server`` into a test module to use it (one server per module
that imports it; loading the seeds takes a few seconds).
"""

from __future__ import annotations

import pytest

from conftest import LiveServer, live_server
from guidegraph.server import create_app
from guidegraph.server.app import close_app
from guidegraph.bundled_corpus import load_bundled_corpus as load_seed_corpus


@pytest.fixture(scope="session")
def seeded_server() -> LiveServer:
    app = create_app({"timeout": 30})
    assert load_seed_corpus(app.extensions["guidegraph.store"]) > 50_000
    server = live_server(app)
    yield server
    server.stop()
    close_app(app)
