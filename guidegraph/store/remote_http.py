"""HTTP to a remote SPARQL server: one request at a time, its failures as our errors.

Plain urllib with an opener built per request, so credentials (basic, sent up
front, or digest, answering the challenge) belong to this store and never to
the process: no global opener is installed and concurrent requests share no
authentication state.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import urllib.error
import urllib.parse
import urllib.request

from guidegraph.errors import StoreError
from guidegraph.store.base import QuerySyntaxError, QueryTimeout, StoreUnavailable

USER_AGENT = "guidegraph"
ERROR_BODY_BYTES = 4096


class RemoteHttp:
    def __init__(self, user: str | None = None, password: str | None = None) -> None:
        self._credentials = (user, password or "") if user else None

    def open(self, url: str, *, data: bytes | None = None, method: str | None = None,
             headers: dict[str, str] | None = None, timeout: float | None = None, auth: str = "basic",
             describe=str):
        """Send one request; the response, its body unread. ``describe`` turns an error body into a message."""
        request = urllib.request.Request(url, data=data, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})})
        with self.translated(url, timeout, describe):
            return self._opener(url, auth).open(request, timeout=timeout if timeout else socket.getdefaulttimeout())

    def read(self, response, url: str, timeout: float | None) -> bytes:
        """The whole body, then the connection closed."""
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
