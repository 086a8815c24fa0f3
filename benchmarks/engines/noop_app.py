"""A WSGI app that answers every request with the same empty SPARQL JSON result, doing nothing else.

Served by granian as ``guidegraph serve`` is (one worker, its thread pool), it
measures what any query answered in Python behind that server costs at least:
the floor under guidegraph's light-query latency and throughput.
"""

BODY = b'{"head":{"vars":["p","o"]},"results":{"bindings":[]}}'
HEADERS = [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
