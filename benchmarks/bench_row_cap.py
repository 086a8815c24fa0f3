"""Time to the capped answer of an unbounded SELECT, through HTTP.

A synthetic store of N triples (default 10^6) in one named graph; the query
is a cartesian product (N^2 solutions), which no time limit lets finish. With
the row cap applied while results stream, the answer is the first
``max_rows`` solutions plus the X-SPARQL-Truncated header.

    .venv/bin/python benchmarks/bench_row_cap.py [--triples N] [--max-rows R] [--timeout S] [--formats json,tsv]

Prints one row per result format: status, rows returned, header, seconds.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import waitress

from guidegraph.server import create_app
from guidegraph.server.app import close_app

EX = "http://example.org/bench/"
QUERY = "SELECT ?s ?o ?t WHERE { ?s ?p ?o . ?t ?q ?v }"
FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


def synthetic_nquads(n: int) -> bytes:
    return "".join(f'<{EX}s{i}> <{EX}p{i % 7}> "{i}" <{EX}graph> .\n' for i in range(n)).encode()


def count_rows(fmt: str, body: bytes) -> int:
    if fmt == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt == "xml":
        return body.count(b"<result>")
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(body.decode("utf-8"))))) - 1
    return len(body.rstrip(b"\n").split(b"\n")) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--max-rows", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated subset of " + ", ".join(FORMATS))
    args = parser.parse_args()

    app = create_app({"max_rows": args.max_rows, "timeout": args.timeout})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}/sparql"
    try:
        started = time.monotonic()
        app.extensions["guidegraph.store"].bulk_load_nquads(synthetic_nquads(args.triples))
        print(f"loaded {args.triples:,} triples in {time.monotonic() - started:.1f} s; "
              f"max_rows {args.max_rows:,}, time limit {args.timeout:g} s")
        print(f"{'format':<7}{'status':>7}{'rows':>10}  {'truncated':<10}{'seconds':>8}")
        for fmt in args.formats.split(","):
            media_type = FORMATS[fmt]
            request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": QUERY}),
                                             headers={"Accept": media_type})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=args.timeout + 30) as response:
                    status, headers, body = response.status, response.headers, response.read()
            except urllib.error.HTTPError as exc:
                status, headers, body = exc.code, exc.headers, b""
            seconds = time.monotonic() - started
            rows = count_rows(fmt, body) if status == 200 else 0
            truncated = "yes" if headers.get("X-SPARQL-Truncated") else "no"
            print(f"{fmt:<7}{status:>7}{rows:>10,}  {truncated:<10}{seconds:>8.2f}")
    finally:
        server.close()
        close_app(app)


if __name__ == "__main__":
    main()
