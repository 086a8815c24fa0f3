"""The access log's writer thread (server/access_log.py): same lines as logging writes, written later in batches."""

from __future__ import annotations

import io
import logging
import time

import pytest

from guidegraph.server import access_log

FORMAT = "%(asctime)s %(name)s %(message)s"


@pytest.fixture
def root_stream():
    """The root logger writing to a StringIO with the server's format, as the granian worker sets it up."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    yield stream
    root.handlers[:], level = saved
    root.setLevel(level)


def test_without_the_writer_a_line_goes_straight_through_logging(root_stream):
    access_log.log_request("127.0.0.1", "GET", "/health", 200, 1.25)
    assert root_stream.getvalue().rstrip().endswith("guidegraph.access 127.0.0.1 GET /health 200 1.2ms")


def test_lines_come_out_later_in_order_with_the_time_of_their_request(root_stream, monkeypatch):
    monkeypatch.setattr(access_log, "FLUSH_SECONDS", 1.0)  # written a second late: the stamp must still be the request's
    stop = access_log.write_access_log_from_a_thread()
    try:
        asked = time.time()
        for i in range(50):
            access_log.log_request("127.0.0.1", "GET", f"/sparql?query=q{i}", 200, 0.5)
        assert root_stream.getvalue() == ""  # the request thread wrote nothing itself
        deadline = time.monotonic() + 5
        while root_stream.getvalue().count("\n") < 50 and time.monotonic() < deadline:
            time.sleep(0.05)
        lines = root_stream.getvalue().splitlines()
        assert [line.split(" ", 3)[3] for line in lines] == [
            f"127.0.0.1 GET /sparql?query=q{i} 200 0.5ms" for i in range(50)]
        assert time.time() - asked >= 0.9
        # the stamp is the request's, in logging's own format
        date, clock, name = lines[0].split(" ")[:3]
        assert name == "guidegraph.access"
        seconds, millis = clock.split(",")
        stamped = time.mktime(time.strptime(f"{date} {seconds}", "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000
        assert abs(stamped - asked) < 0.3
    finally:
        stop()


def test_stop_writes_what_is_left_and_a_long_path_is_cut(root_stream):
    stop = access_log.write_access_log_from_a_thread()
    access_log.log_request("::1", "POST", "/sparql?" + "x" * 1000, 503, 30000.0)
    stop()
    line = root_stream.getvalue().rstrip("\n")
    assert line.count("\n") == 0 and line.endswith(" 503 30000.0ms")
    assert "x" * 292 in line and "x" * 293 not in line  # "/sparql?" and 292 x's: 300 characters of path
    access_log.log_request("::1", "GET", "/after", 200, 1.0)  # after stop: straight through logging again
    assert root_stream.getvalue().rstrip().endswith("GET /after 200 1.0ms")


def test_other_handlers_and_levels_are_respected(root_stream):
    kept: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            kept.append(record)

    root = logging.getLogger()
    quiet = logging.StreamHandler(io.StringIO())
    quiet.setLevel(logging.WARNING)
    root.addHandler(Keep())
    root.addHandler(quiet)
    stop = access_log.write_access_log_from_a_thread()
    access_log.log_request("127.0.0.1", "GET", "/", 200, 2.0)
    stop()
    assert [r.getMessage() for r in kept] == ["127.0.0.1 GET / 200 2.0ms"]
    assert quiet.stream.getvalue() == ""
    assert root_stream.getvalue().rstrip().endswith("127.0.0.1 GET / 200 2.0ms")
