"""HTTP to a remote SPARQL server, its failures as our errors.

Reads (queries, Graph Store GETs) go over kept-alive connections: a new TCP
connection per query cost more than a point lookup takes on the server. A
reused connection the server has meanwhile closed gets the request once more on
a new one, which is harmless for a read. Writes keep one connection each, so a
write is never sent twice.

Everything the kept connections do not handle (a digest challenge, a redirect,
a proxy from the environment) goes through plain urllib with an opener built
per request, so credentials (basic, sent up front, or digest, answering the
challenge) belong to this store and never to the process: no global opener is
installed and concurrent requests share no authentication state.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import select
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request

from guidegraph.errors import StoreError
from guidegraph.store.http1 import Http1Connection, Http1Response
from guidegraph.store.base import QuerySyntaxError, QueryTimeout, StoreUnavailable

USER_AGENT = "guidegraph"
ERROR_BODY_BYTES = 4096
IDLE_CONNECTIONS = 32  # kept per server; more concurrent readers open (and then drop) their own
_REDIRECTS = {301, 302, 303, 307, 308}
_STALE = (http.client.RemoteDisconnected, http.client.BadStatusLine, BrokenPipeError, ConnectionResetError,
          ConnectionAbortedError)


class RemoteHttp:
    def __init__(self, user: str | None = None, password: str | None = None) -> None:
        self._credentials = (user, password or "") if user else None
        self._basic = None if self._credentials is None else "Basic " + base64.b64encode(
            ":".join(self._credentials).encode("utf-8")).decode("ascii")
        self._idle: dict[tuple[str, str], list[Http1Connection]] = {}
        self._lock = threading.Lock()
        self._closed = False  # a read still under way when the store closes closes its connection after it
        self._by_urllib: set[str] = set()  # URLs (without query) that challenged for digest or redirected
        # Read once: scanning the environment for proxies took longer than a point lookup on the server.
        self._proxies = urllib.request.getproxies()

    def open(self, url: str, *, data: bytes | None = None, method: str | None = None,
             headers: dict[str, str] | None = None, timeout: float | None = None, auth: str = "basic",
             describe=str, reuse: bool = False):
        """Send one request; the response, its body unread. ``describe`` turns an error body into a message.
        ``reuse``: the request is a read, which may go over (and be repeated on) a kept connection."""
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        if reuse:
            parts = urllib.parse.urlsplit(url)
            if self._keeps(url, parts):
                response = self._over_kept_connection(url, parts, data, method, headers, timeout, auth, describe)
                if response is not None:
                    return response
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        with self.translated(url, timeout, describe):
            return self._opener(url, auth).open(request, timeout=timeout if timeout else socket.getdefaulttimeout())

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
            self._closed = True
        for connections in idle.values():
            for conn in connections:
                conn.close()

    # -- kept connections ----------------------------------------------------
    def _keeps(self, url: str, parts: urllib.parse.SplitResult) -> bool:
        if parts.scheme not in ("http", "https") or _without_query(url) in self._by_urllib:
            return False
        return parts.scheme not in self._proxies or bool(urllib.request.proxy_bypass(parts.hostname or ""))

    def _over_kept_connection(self, url, parts, data, method, headers, timeout, auth, describe):
        """The response over a kept connection, or None when urllib must send this request instead."""
        key = (parts.scheme, parts.netloc)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if self._basic is not None and auth == "basic":
            headers = {**headers, "Authorization": self._basic}
        with self.translated(url, timeout, describe):
            conn, kept = self._take(key), True
            if conn is None:
                conn, kept = _connection(parts, timeout), False
            while True:
                conn.timeout = timeout if timeout else socket.getdefaulttimeout()
                try:
                    conn.request(method or ("POST" if data is not None else "GET"), target, body=data, headers=headers)
                    acknowledge_at_once(conn.sock)
                    raw = conn.getresponse()
                    acknowledge_at_once(conn.sock)
                    break
                except _STALE:
                    conn.close()
                    if not kept:
                        raise
                    conn, kept = _connection(parts, timeout), False  # the server had closed the kept one
                except (socket.timeout, TimeoutError):
                    conn.close()
                    raise
                except OSError as exc:
                    conn.close()
                    raise urllib.error.URLError(exc) from None
                except BaseException:
                    conn.close()
                    raise
            response = _KeptResponse(raw, conn, lambda c: self._give_back(key, c))
            status = raw.status
            if status in _REDIRECTS or (status == 401 and self._credentials is not None and auth == "digest"):
                response.close()
                self._by_urllib.add(_without_query(url))
                return None
            if status >= 400:
                raise urllib.error.HTTPError(url, status, raw.reason, raw.headers, response)
            return response

    def _take(self, key) -> Http1Connection | None:
        """A kept connection the server has not closed meanwhile, or None."""
        while True:
            with self._lock:
                connections = self._idle.get(key)
                conn = connections.pop() if connections else None
            if conn is None or not _closed_by_server(conn):
                return conn
            conn.close()

    def _give_back(self, key, conn: Http1Connection) -> None:
        with self._lock:
            connections = self._idle.setdefault(key, [])
            if len(connections) < IDLE_CONNECTIONS and not self._closed:
                connections.append(conn)
                return
        conn.close()

    def read(self, response, url: str, timeout: float | None) -> bytes:
        """The whole body; then the connection is given back for the next read, or closed."""
        with self.translated(url, timeout, str):
            try:
                return response.read()
            finally:
                response.close()

    def _opener(self, url: str, auth: str) -> urllib.request.OpenerDirector:
        if self._credentials is None:
            return urllib.request.build_opener()
        user, password = self._credentials
        if auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, url, user, password)
            return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
        manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
        manager.add_password(None, url, user, password, is_authenticated=True)
        return urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(manager))

    @contextlib.contextmanager
    def translated(self, url: str, timeout: float | None, describe):
        """Failures of the remote server, while sending or while reading, as our own errors."""
        try:
            yield
        except urllib.error.HTTPError as exc:
            raise _http_error(exc, describe) from None
        except (socket.timeout, TimeoutError):
            raise QueryTimeout(f"the remote store did not answer within {timeout:g} s" if timeout else
                               "the remote store did not answer in time") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise QueryTimeout(f"the remote store did not answer within {timeout or 0:g} s") from None
            raise StoreUnavailable(f"cannot reach the remote store at {_origin(url)}: {exc.reason}") from None
        except (http.client.HTTPException, ConnectionError) as exc:
            raise StoreUnavailable(f"the remote store broke off its answer: {exc}") from None


class _KeptResponse:
    """A response over a kept connection: the connection goes back for the next request only when
    the body was read to its end, else (a reader that hung up early) it is closed."""

    def __init__(self, raw: Http1Response, conn: Http1Connection, give_back) -> None:
        self._raw, self._conn, self._give_back = raw, conn, give_back
        self.headers, self.status, self.reason = raw.headers, raw.status, raw.reason

    def read(self, amt: int | None = None) -> bytes:
        return self._raw.read(amt)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        read_to_end = self._raw.isclosed()
        self._raw.close()
        if read_to_end and not self._raw.will_close:
            self._give_back(conn)
        else:
            conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def acknowledge_at_once(sock: socket.socket | None) -> None:
    """Ask Linux to acknowledge the answer's segments without delay. A server with Nagle's
    algorithm on (Virtuoso) holds the last part of an answer until the earlier part is
    acknowledged, and a kept connection out of its first exchanges delays that by 40 ms:
    measured, 52 ms instead of 11 ms for a 55 KB answer. The setting lapses, so it is made
    again at each step (after sending the request, after reading the status line). Any client
    on a kept connection needs it; the engines benchmark's does the same."""
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if quickack is not None and sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)
        except OSError:
            pass


def _closed_by_server(conn: Http1Connection) -> bool:
    """An idle kept connection that is readable has been closed (or spoken on) by the server."""
    if conn.sock is None:
        return False
    poller = select.poll()
    poller.register(conn.sock, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _connection(parts: urllib.parse.SplitResult, timeout: float | None) -> Http1Connection:
    return Http1Connection(parts.scheme, parts.hostname or "", parts.port,
                           timeout=timeout if timeout else socket.getdefaulttimeout())


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]


class RemoteHttpError(StoreError):
    """The remote server answered with an error status."""

    def __init__(self, message: str, status: int, body: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


def _http_error(exc: urllib.error.HTTPError, describe) -> Exception:
    try:
        body = exc.read(ERROR_BODY_BYTES).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        body = ""
    finally:
        exc.close()
    message = " ".join(describe(body).split())[:500] or exc.reason
    if exc.code == 400:
        return QuerySyntaxError(f"the remote store rejected the request: {message}")
    if exc.code in (408, 503, 504):
        return QueryTimeout(f"the remote store gave up ({exc.code}): {message}")
    if exc.code in (401, 403):
        return RemoteHttpError(f"the remote store refused the request ({exc.code}); check remote_user and remote_password",
                               exc.code, body)
    return RemoteHttpError(f"the remote store answered {exc.code}: {message}", exc.code, body)


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def with_parameters(url: str, params: list[tuple[str, str]]) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
