"""Shared fixtures: real servers on loopback ports.

- ``live_server(app)`` runs a Flask app under waitress on 127.0.0.1 with a free
  port and waits until /health answers;
- ``oxigraph_server`` runs the real Oxigraph server binary (from the venv);
- ``protocol_app`` / ``protocol_server`` hold the W3C protocol fixture graphs,
  read-only; ``writable_server`` has a write token and starts empty;
- ``virtuoso_server`` / ``virtuoso_scratch_server`` run Virtuoso 7 (tests/virtuoso_server.py);
- ``endpoint`` is parametrised over the embedded store and the remote store on
  Oxigraph ("remote") and on Virtuoso ("virtuoso");
- ``scratch_remote_config`` is the remote store setting for the scratch Oxigraph.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import waitress

from guidegraph.server import create_app
from guidegraph.server.app import close_app

TESTS = Path(__file__).parent
W3C = TESTS / "conformance" / "w3c"
PROTOCOL_DIR = W3C / "protocol"
KASEI = "http://kasei.us/2009/09/sparql/data/"
WRITE_TOKEN = "test-write-token"


@dataclass
class LiveServer:
    url: str  # base URL without trailing slash
    stop: Callable[[], None]
    app: object = None  # the Flask app served

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except Exception as exc:  # noqa: BLE001 - keep polling until the deadline
            last = exc
        time.sleep(0.05)
    raise RuntimeError(f"server at {url} did not come up: {last}")


def run_in_thread(server) -> Callable[[], None]:
    """Run a waitress server in a thread; returns the function that stops it."""
    stopping = threading.Event()

    def serve() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            # closing the sockets under waitress's select loop ends it with EBADF: that is the stop
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True, name=f"waitress-{server.effective_port}")
    thread.start()

    def stop() -> None:
        stopping.set()
        server.close()
        thread.join(5)

    return stop


def live_server(app) -> LiveServer:
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8, ident="guidegraph-test")
    stop = run_in_thread(server)
    url = f"http://127.0.0.1:{server.effective_port}"
    wait_until_up(url + "/health")
    return LiveServer(url, stop, app)


@contextmanager
def running(config: dict):
    """The real app with ``config`` (the tests' write token, no cache warming) on a loopback port;
    stopped and closed after."""
    app = create_app({"write_token": WRITE_TOKEN, "warm_cache": False, **config})
    server = live_server(app)
    try:
        yield server
    finally:
        server.stop()
        close_app(app)


def protocol_graphs() -> dict[str, bytes]:
    """The W3C protocol fixture graphs by name (dataN.nt as <.../dataN.rdf>)."""
    return {f"{KASEI}data{i}.rdf": (PROTOCOL_DIR / f"data{i}.nt").read_bytes() for i in (1, 2, 3)}


def load_protocol_graphs(store) -> None:
    for name, data in protocol_graphs().items():
        store.replace_graph(name, data)


# --- apps and servers --------------------------------------------------------

@pytest.fixture(scope="session")
def protocol_app():
    """Read-only app over the W3C protocol graphs, for app.test_client() tests."""
    app = create_app({"timeout": 10})
    load_protocol_graphs(app.extensions["guidegraph.store"])
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def protocol_server(protocol_app):
    server = live_server(protocol_app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def writable_app():
    app = create_app({"write_token": WRITE_TOKEN, "timeout": 10})
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def writable_server(writable_app):
    server = live_server(writable_app)
    yield server
    server.stop()


def oxigraph_binary() -> str | None:
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.exists():
        return str(candidate)
    return shutil.which("oxigraph")


def start_oxigraph(tmp_path_factory):
    """Run the real Oxigraph server binary on a free loopback port; yields its base URL."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.fail("the oxigraph server binary is not installed (pip install oxigraph)")
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    # The server's log goes to a file: an unread pipe would fill up and stall it.
    log_path = location.parent / f"{location.name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/query?query=ASK%7B%7D", timeout=60)
    except RuntimeError as exc:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"{exc}; its log: {log_path.read_text(errors='replace')[-2000:]}") from None
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real Oxigraph server holding only the read-only protocol graphs."""
    yield from start_oxigraph(tmp_path_factory)


@pytest.fixture(scope="session")
def oxigraph_scratch_server(tmp_path_factory):
    """A second real Oxigraph server for tests that write, so read-only tests see fixed data
    whatever order the test modules run in."""
    yield from start_oxigraph(tmp_path_factory)


def remote_config(oxigraph_url: str, **extra) -> dict:
    return {
        "store": "remote",
        "endpoint": oxigraph_url + "/query",
        "update_endpoint": oxigraph_url + "/update",
        "gsp_endpoint": oxigraph_url + "/store",
        **extra,
    }


@pytest.fixture(scope="session")
def scratch_remote_config(oxigraph_scratch_server) -> dict:
    """Settings for a remote store on the scratch Oxigraph server (add your own to a copy)."""
    return remote_config(oxigraph_scratch_server)


@pytest.fixture(scope="session")
def remote_protocol_app(oxigraph_server):
    app = create_app(remote_config(oxigraph_server, timeout=10))
    load_protocol_graphs(app.extensions["guidegraph.store"])
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def remote_protocol_server(remote_protocol_app):
    server = live_server(remote_protocol_app)
    yield server
    server.stop()


# --- Virtuoso 7 --------------------------------------------------------------

def start_virtuoso_for_tests(tmp_path_factory):
    """Run a Virtuoso server of our own on free loopback ports; yields its VirtuosoServer."""
    from virtuoso_server import start_virtuoso, virtuoso_available

    if not virtuoso_available():
        pytest.fail("Virtuoso is not installed (apt-get install virtuoso-opensource; see .ci/apt-packages.txt)")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), memory_mb=256)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    """A real Virtuoso holding only the read-only protocol graphs."""
    yield from start_virtuoso_for_tests(tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_scratch_server(tmp_path_factory):
    """A second Virtuoso for tests that write."""
    yield from start_virtuoso_for_tests(tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso_scratch_config(virtuoso_scratch_server) -> dict:
    """Settings for a remote store on the scratch Virtuoso (add your own to a copy)."""
    return virtuoso_scratch_server.remote_config()


@pytest.fixture(scope="session")
def remote_virtuoso_protocol_app(virtuoso_server):
    app = create_app(virtuoso_server.remote_config(timeout=10))
    load_protocol_graphs(app.extensions["guidegraph.store"])
    yield app
    close_app(app)


@pytest.fixture(scope="session")
def remote_virtuoso_protocol_server(remote_virtuoso_protocol_app):
    server = live_server(remote_virtuoso_protocol_app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def remote_virtuoso_writable_server(virtuoso_scratch_server):
    app = create_app(virtuoso_scratch_server.remote_config(write_token=WRITE_TOKEN, timeout=10))
    server = live_server(app)
    yield server
    server.stop()
    close_app(app)


STORES = ["embedded", "remote", "virtuoso"]  # embedded; remote on Oxigraph server; remote on Virtuoso


@pytest.fixture(params=STORES)
def endpoint(request) -> LiveServer:
    """The same read-only endpoint served from each store implementation."""
    name = {"embedded": "protocol_server", "remote": "remote_protocol_server",
            "virtuoso": "remote_virtuoso_protocol_server"}[request.param]
    return request.getfixturevalue(name)


@pytest.fixture(params=STORES)
def endpoint_app(request):
    name = {"embedded": "protocol_app", "remote": "remote_protocol_app", "virtuoso": "remote_virtuoso_protocol_app"}[request.param]
    return request.getfixturevalue(name)


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def text(self) -> str:
        return self.body.decode("utf-8")


def send(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> HttpResult:
    """One HTTP request with exactly the given headers (http.client adds no Content-Type)."""
    import http.client
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    path = parts.path + ("?" + parts.query if parts.query else "")
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return HttpResult(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def write_behind(config: dict, update: str) -> None:
    """An update straight to the remote store of ``config``, not through guidegraph."""
    r = send("POST", config["update_endpoint"], update.encode(), {"Content-Type": "application/sparql-update"})
    assert r.status in (200, 204), r.body[:300]


@pytest.fixture(scope="session")
def http():
    return send


@pytest.fixture(scope="module")
def make_server():
    """Start extra servers for one module: ``make_server(config) -> LiveServer``; all stopped afterwards."""
    started = []

    def make(config: dict) -> LiveServer:
        app = create_app(config)
        server = live_server(app)
        started.append((app, server))
        return server

    yield make
    for app, server in started:
        server.stop()
        close_app(app)


@pytest.fixture(scope="session")
def remote_writable_server(oxigraph_scratch_server):
    app = create_app(remote_config(oxigraph_scratch_server, write_token=WRITE_TOKEN, timeout=10))
    server = live_server(app)
    yield server
    server.stop()
    close_app(app)


@pytest.fixture(params=STORES)
def writable_endpoint(request) -> LiveServer:
    """A writable endpoint (token WRITE_TOKEN) over each store implementation."""
    name = {"embedded": "writable_server", "remote": "remote_writable_server",
            "virtuoso": "remote_virtuoso_writable_server"}[request.param]
    return request.getfixturevalue(name)
