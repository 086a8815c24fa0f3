"""The remote store's HTTP/1.1 connection against a loopback server that sends exactly the bytes given."""

from __future__ import annotations

import http.client
import socket
import threading

import pytest

from guidegraph.store.http1 import Http1Connection


class ScriptedServer:
    """Accepts one connection and answers each request with the next scripted reply (raw bytes);
    records what the client sent. None first: the request is read and the connection closed
    unanswered; None after a reply: the connection is closed right after that reply."""

    def __init__(self, replies: list[bytes | None]) -> None:
        self.replies = list(replies)
        self.received: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return  # closed at teardown before the client connected
        with conn:
            for number, reply in enumerate(self.replies):
                if reply is None and number > 0:
                    return
                request = self._read_request(conn)
                if request is None:
                    return
                self.received.append(request)
                if reply is None:
                    return
                conn.sendall(reply)
            try:
                conn.recv(1)  # keep the connection open until the client is done
            except OSError:
                pass

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += conn.recv(65536)
        return head + b"\r\n\r\n" + body

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


@pytest.fixture
def serve():
    opened = []

    def start(*replies):
        server = ScriptedServer(list(replies))
        conn = Http1Connection("http", "127.0.0.1", server.port, timeout=5)
        opened.append((server, conn))
        return server, conn

    yield start
    for server, conn in opened:
        conn.close()
        server.close()


def ask(conn, method="GET", body=None, headers=None):
    conn.request(method, "/sparql?query=x", body=body, headers=headers or {"Accept": "text/plain"})
    return conn.getresponse()


def test_a_sized_body_then_a_chunked_one_on_the_same_connection(serve):
    server, conn = serve(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n",
    )
    first = ask(conn)
    assert (first.status, first.reason, first.headers.get("content-type")) == (200, "OK", "text/plain")
    assert first.read() == b"hello" and first.isclosed() and not first.will_close
    second = ask(conn)
    assert second.read(2) == b"ab"  # at most what was asked
    assert not second.isclosed()
    assert second.read() == b"cde"
    assert second.isclosed() and not second.will_close
    assert len(server.received) == 2


def test_the_request_goes_in_one_piece_with_its_length_host_and_identity_coding(serve):
    server, conn = serve(b"HTTP/1.1 204 No Content\r\n\r\n")
    response = ask(conn, "POST", b"query=%E4%B8%AD", {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 204 and response.read() == b"" and response.isclosed()
    head, _, body = server.received[0].partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /sparql?query=x HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}".encode() in lines
    assert b"Accept-Encoding: identity" in lines and b"Content-Length: 15" in lines
    assert body == b"query=%E4%B8%AD"


def test_interim_answers_are_skipped_and_repeated_and_folded_headers_kept(serve):
    _, conn = serve(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nVary: Accept\r\nvary: Origin\r\n"
                    b"X-Note: one\r\n two\r\nContent-Length: 2\r\n\r\nok")
    response = ask(conn)
    assert response.status == 200
    assert response.headers.get("Vary") == "Accept, Origin"
    assert response.headers.get_all("vary") == ["Accept", "Origin"]
    assert response.headers["x-note"] == "one two" and response.headers["absent"] is None
    assert response.read() == b"ok"


def test_a_body_without_length_runs_to_the_close_and_the_connection_is_not_kept(serve):
    _, conn = serve(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it", None)
    response = ask(conn)
    assert response.will_close
    assert response.read() == b"all of it" and response.isclosed()


def test_http_1_0_closes_unless_kept_alive(serve):
    _, conn = serve(b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\na")
    assert ask(conn).will_close
    _, conn = serve(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na")
    assert not ask(conn).will_close


def test_a_server_that_hangs_up_without_answering_is_a_stale_connection(serve):
    _, conn = serve(None)
    with pytest.raises(http.client.RemoteDisconnected):
        ask(conn)


def test_a_short_body_is_an_incomplete_read(serve):
    _, conn = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", None)
    response = ask(conn)
    with pytest.raises(http.client.IncompleteRead):
        response.read()


def test_a_garbled_status_line_and_a_bad_length_are_refused(serve):
    _, conn = serve(b"SPARQL here\r\n\r\n")
    with pytest.raises(http.client.BadStatusLine):
        ask(conn)
    _, conn = serve(b"HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n")
    with pytest.raises(http.client.HTTPException):
        ask(conn)


def test_a_head_answer_has_no_body_whatever_its_length_says(serve):
    _, conn = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n")
    response = ask(conn, "HEAD")
    assert response.read() == b"" and response.isclosed() and not response.will_close


def test_a_header_value_with_a_line_break_is_not_sent(serve):
    server, conn = serve(b"HTTP/1.1 204 No Content\r\n\r\n")
    with pytest.raises(ValueError):
        conn.request("GET", "/", headers={"Accept": "text/plain\r\nX-Evil: 1"})
    assert server.received == []
