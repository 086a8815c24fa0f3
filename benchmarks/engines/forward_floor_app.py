"""A WSGI app that passes each query to a remote SPARQL endpoint and its answer back, doing nothing else.

Served by granian as ``guidegraph serve`` is (one worker, its thread pool), it
sends the request's query string on to ``GUIDEGRAPH_FLOOR_REMOTE`` over
guidegraph's own kept-alive client (guidegraph/store/remote_http.py) and returns
the body as it came: the floor of any layer in Python between a reader and a
remote engine, below what ``guidegraph serve --store remote`` adds (protocol
checks, dataset handling, the result cache, validators, the access log).
"""

from __future__ import annotations

import os

from guidegraph.store.remote_http import RemoteHttp

REMOTE = os.environ["GUIDEGRAPH_FLOOR_REMOTE"]
CLIENT = RemoteHttp()
ACCEPT = {"Accept": "application/sparql-results+json"}


def app(environ, start_response):
    with CLIENT.open(f"{REMOTE}?{environ.get('QUERY_STRING', '')}", headers=ACCEPT, timeout=300, reuse=True) as response:
        body = CLIENT.read(response, REMOTE, 300)
        media_type = response.headers.get("Content-Type") or ACCEPT["Accept"]
    start_response("200 OK", [("Content-Type", media_type), ("Content-Length", str(len(body)))])
    return [body]
