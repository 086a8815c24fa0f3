"""A WSGI app that answers each query through guidegraph's engine process and nothing else.

Served by granian as ``guidegraph serve`` is (one worker, its thread pool), it
measures what a design with a killable engine process costs at least, below
everything guidegraph's own request path adds (Flask or the fast lane, the
result cache, validators, compression, the access log):

- ``GUIDEGRAPH_FLOOR_OP=ping``: each request is one round trip to the engine,
  which answers at once; the floor of the hop itself.
- ``GUIDEGRAPH_FLOOR_OP=query``: the query string's ``query`` is run by the
  engine (its memory copy of ``GUIDEGRAPH_FLOOR_DATA``) and written as SPARQL
  JSON there, as guidegraph does; the floor of any answer that keeps the time
  limit real by running the query in a process that can be killed.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from guidegraph.store.engine import EngineClient

OP = os.environ.get("GUIDEGRAPH_FLOOR_OP", "ping")
ENGINE = EngineClient(os.environ["GUIDEGRAPH_FLOOR_DATA"], union_default_graph=True, memory=True)
EMPTY = b'{"head":{"vars":["p","o"]},"results":{"bindings":[]}}'
JSON = "application/sparql-results+json"


def app(environ, start_response):
    if OP == "ping":
        ENGINE.call("ping", 60.0)
        body = EMPTY
    else:
        text = parse_qs(environ.get("QUERY_STRING", "")).get("query", ["ASK {}"])[0]
        body, _, _, _ = ENGINE.call("query", 60.0, sparql=text, result_format="json", graph_format="turtle",
                                    default_graphs=None, named_graphs=None, max_rows=None, base_iri=None)
    start_response("200 OK", [("Content-Type", JSON), ("Content-Length", str(len(body)))])
    return [body]
