"""The hostile SPARQL corpus: malformed (malformed.rq) and generated pathological requests.

Every case is a raw HTTP request (method, target with the query string exactly
as sent, body, headers) and the answers it may get:

- "4xx": a clean client error (400, 401, 403, 405, 406, 413, 414, 415, 431);
- "timeout": 503 with the time-limit message (the query ran and was stopped);
- "ok": 200 (valid and cheap: a regex the linear-time engine shrugs off, a big VALUES).

Never 500, never another 503, never a hang, never a dead server or engine.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
EX = "http://example.org/hostile/"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
DEEP = 10_000  # the issue's 10^4-deep nesting


@dataclass
class Case:
    label: str
    method: str
    target: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[str] = frozenset({"4xx"})


def _q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def as_get(label: str, text: str, allowed=frozenset({"4xx"})) -> Case:
    return Case(f"{label} [GET]", "GET", "/sparql?query=" + _q(text), allowed=frozenset(allowed))


def as_form(label: str, text: str, allowed=frozenset({"4xx"}), field_name: str = "query", token: str | None = None) -> Case:
    headers = {"Content-Type": FORM}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return Case(f"{label} [POST form]", "POST", "/sparql", f"{field_name}={_q(text)}".encode(), headers,
                frozenset(allowed))


def as_direct(label: str, text: str, allowed=frozenset({"4xx"}), media: str = QUERY, token: str | None = None) -> Case:
    headers = {"Content-Type": media}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return Case(f"{label} [POST {media.split('/')[1]}]", "POST", "/sparql", text.encode("utf-8", "surrogatepass"),
                headers, frozenset(allowed))


def all_forms(label: str, text: str, allowed=frozenset({"4xx"})) -> list[Case]:
    return [as_get(label, text, allowed), as_form(label, text, allowed), as_direct(label, text, allowed)]


def malformed_blocks() -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    label, lines = None, []
    for line in (HERE / "malformed.rq").read_text(encoding="utf-8").splitlines():
        if line.startswith("=== "):
            if label is not None:
                blocks.append((label, "\n".join(lines)))
            label, lines = line[4:].strip(), []
        elif label is not None:
            lines.append(line)
    if label is not None:
        blocks.append((label, "\n".join(lines)))
    return blocks


def malformed_cases() -> list[Case]:
    return [case for label, text in malformed_blocks() for case in all_forms(label, text)]


def deep_cases() -> list[Case]:
    """10^4-deep nesting and 10^4-long chains of every construct that recurses."""
    n = DEEP
    texts = {
        "nested groups": "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n,
        "nested parentheses": "ASK { FILTER(" + "(" * n + "1" + ")" * n + ") }",
        "chained negation": "ASK { FILTER(" + "!" * n + "true) }",
        "nested OPTIONAL": "SELECT * WHERE { " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }",
        "nested subqueries": "SELECT * WHERE { " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n + " }",
        "nested FILTER EXISTS": "ASK { " + "FILTER EXISTS { " * n + "?s ?p ?o" + " }" * n + " }",
        "nested function calls": "ASK { FILTER(" + "STR(" * n + "1" + ")" * n + ") }",
        "nested IF": "ASK { FILTER(" + "IF(true, " * n + "1" + ", 0)" * n + ") }",
        "nested path groups": "ASK { ?s " + "(" * n + f"<{EX}p>" + ")" * n + " ?o }",
        "nested collections": f"ASK {{ ?s <{EX}p> " + "(" * n + "1" + ")" * n + " }",
        "nested blank node lists": "ASK { " + f"[ <{EX}p> " * n + "1" + " ]" * n + " }",
        "chained additions": "ASK { FILTER(" + "+".join(["1"] * n) + " > 0) }",
        "chained conjunctions": "ASK { FILTER(" + " && ".join(["true"] * n) + ") }",
        "chained path sequence": "ASK { ?s " + "/".join([f"<{EX}p>"] * n) + " ?o }",
        "chained path alternatives": "ASK { ?s " + "|".join([f"<{EX}p>"] * n) + " ?o }",
        "chained UNION": "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
        "chained OPTIONAL": "ASK { ?s ?p ?o " + " ".join(f"OPTIONAL {{ ?s ?p ?o{i} }}" for i in range(n)) + " }",
        "chained MINUS": "ASK { ?s ?p ?o " + " MINUS { ?s ?p ?o }" * n + " }",
        "chained FILTER": "ASK { ?s ?p ?o " + " ".join(f"FILTER(?o != {i})" for i in range(n)) + " }",
        "long basic graph pattern": "ASK { " + " . ".join(f"?s{i} <{EX}p> ?s{i + 1}" for i in range(n)) + " }",
        "nested groups in an update": f"DELETE {{ ?s ?p ?o }} WHERE " + "{" * n + "?s ?p ?o" + "}" * n,
        "nested collection in INSERT DATA": f"INSERT DATA {{ <{EX}s> <{EX}p> " + "(" * n + "1" + ")" * n + " }",
    }
    cases = []
    for label, text in texts.items():
        if "update" in label or "INSERT" in label:
            cases.append(as_direct(label, text, media=UPDATE))
            cases.append(as_form(label, text, field_name="update"))
        else:
            cases.append(as_direct(label, text))
            cases.append(as_form(label, text))
    # just inside the limits: must run (or hit the time limit), not crash the engine
    from guidegraph.server.query_size import MAX_NESTING, MAX_OPERATORS

    edge = MAX_NESTING - 2
    chain = (MAX_OPERATORS - 4 * edge) // 3
    text = "ASK " + "{" * edge + "?s ?p ?o " + "MINUS { ?s ?p ?o } " * chain + "}" * edge
    cases.append(as_direct("deepest and longest accepted", text, allowed={"ok", "timeout"}))
    return cases


def heavy_cases() -> list[Case]:
    """Valid queries that cost: cartesian products, unbounded paths, regex, big VALUES, huge text."""
    p = f"<{EX}p>"
    run = {"ok", "timeout"}
    texts = {
        "3-way cartesian product": ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", {"timeout"}),
        "cartesian product ordered": ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", {"timeout"}),
        # DISTINCT keeps few rows: on a fast machine it can finish just inside the limit (seen at 1.0 s)
        "cartesian product DISTINCT": ("SELECT DISTINCT ?c ?f ?i WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", run),
        "cartesian GROUP_CONCAT": ('SELECT (GROUP_CONCAT(CONCAT(STR(?c), STR(?f)); separator=",") AS ?x) '
                                   "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", {"timeout"}),
        "cartesian product through VALUES": ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . VALUES ?x { "
                                             + " ".join(str(i) for i in range(200)) + " } }", {"timeout"}),
        "cross join of subqueries": ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } } "
                                     "{ SELECT ?d WHERE { ?d ?e ?f } } { SELECT ?g WHERE { ?g ?h ?i } } }", {"timeout"}),
        "unbounded path both ends open": (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a ({p}|^{p})* ?b . ?c ({p}|^{p})* ?d }}", run),
        "any-predicate closure": ("SELECT (COUNT(*) AS ?n) WHERE { ?a (!<http://none>|^!<http://none>)+ ?b . ?x ?y ?z }", run),
        "closure of a closure": (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a (({p}|^{p})*/({p}|^{p})*)* ?b . ?c ?d ?e }}", run),
        "path over every predicate twice": ("SELECT (COUNT(*) AS ?n) WHERE { ?a (!<http://none>)*/(!<http://none>)* ?b }", run),
        "catastrophic regex (a+)+$": ('SELECT * WHERE { ?s ?p ?o FILTER(REGEX(CONCAT(STR(?o), "aaaaaaaaaaaaaaaaaaaaaaaaaaaa!"), "(a+)+$")) }', run),
        "catastrophic regex (a|aa)*b": ('SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "(a|aa)*b")) }', run),
        "regex huge repetition": ('SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "(x{1000}){1000}")) }', run),
        "regex over a long generated string": ('SELECT * WHERE { ?s ?p ?o BIND(REPLACE(STR(?o), "", "aaaaaaaaaa") AS ?x) '
                                               'FILTER(REGEX(?x, "(a*)*b")) }', run),
        "regex with backreference (unsupported)": ('SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "(a)\\\\1")) }', run | {"4xx"}),
        "invalid regex": ('SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "((((")) }', run | {"4xx"}),
        "REPLACE blow-up": ('SELECT (STRLEN(REPLACE(REPLACE(REPLACE(STR(?o), "", "xxxxxxxxxx"), "", "xxxxxxxxxx"), "", "xx")) AS ?n) '
                            "WHERE { ?s ?p ?o }", run),
        "giant VALUES": ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { " + " ".join(str(i) for i in range(100_000)) + " } }", run),
        "giant VALUES of pairs joined": ("SELECT (COUNT(*) AS ?n) WHERE { VALUES (?x ?y) { "
                                         + " ".join(f"({i} {i + 1})" for i in range(30_000)) + " } ?s ?p ?o }", run),
        "giant IN list": ("ASK { ?s ?p ?o FILTER(?o IN (" + ",".join(f'"{i}"' for i in range(30_000)) + ")) }", run | {"4xx"}),
        "giant object list": ("ASK { ?s ?p " + ", ".join(str(i) for i in range(30_000)) + " }", run | {"4xx"}),
        "half-megabyte literal": ('ASK { ?s ?p "' + "x" * 500_000 + '" }', run),
        "half-megabyte IRI": (f"ASK {{ <{EX}{'i' * 500_000}> ?p ?o }}", run),
        "ten thousand projected variables": ("SELECT " + " ".join(f"?v{i}" for i in range(10_000)) + " WHERE { ?s ?p ?o } LIMIT 1", run | {"4xx"}),
        "thousand-level sorted keys": ("SELECT * WHERE { ?s ?p ?o } ORDER BY " + " ".join(["?o"] * 900), run),
        "big comment": ("# " + "c" * 800_000 + "\nASK {}", run),
        "NUL and bidi characters inside a literal": ('ASK { ?s ?p "a\u0000b\u202e\u2066c\u200d" }', run | {"4xx"}),
        "lone surrogate escape in a literal": ('ASK { ?s ?p "\\uDC00" }', run | {"4xx"}),
        "maximum code point escape": ('ASK { ?s ?p "\\U0010FFFF" }', run),
        "every Unicode line separator": ("ASK\u2028{\u2029?s\u0085?p\u000b?o\u000c}", run | {"4xx"}),
        "exponent overflow": ("ASK { FILTER(1e999999 > 0) }", run | {"4xx"}),
        "integer overflow arithmetic": ("ASK { FILTER(99999999999999999999999999999999 * 99999999999999999999999999999 > 0) }", run | {"4xx"}),
        "division by zero": ("ASK { FILTER(1/0 > 0) }", run),
        "decimal precision": ("SELECT (1.0000000000000000000000000000000000001 / 3 AS ?x) WHERE {}", run),
        "date far out of range": ('ASK { FILTER("99999999999-01-01"^^<http://www.w3.org/2001/XMLSchema#date> > NOW()) }', run),
        "huge LIMIT and OFFSET": ("SELECT * WHERE { ?s ?p ?o } LIMIT 18446744073709551615 OFFSET 9223372036854775807", run | {"4xx"}),
        "SUBSTR with huge arguments": ('SELECT (SUBSTR(STR(?o), 9223372036854775807, 9223372036854775807) AS ?x) WHERE { ?s ?p ?o }', run),
        "DESCRIBE everything": ("DESCRIBE ?s WHERE { ?s ?p ?o }", run),
        "CONSTRUCT cartesian": ("CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }", run),
    }
    cases = []
    for label, (text, allowed) in texts.items():
        allowed = frozenset(allowed)
        if len(text) < 6000:
            cases.append(as_get(label, text, allowed))
        cases.append(as_form(label, text, allowed))
        cases.append(as_direct(label, text, allowed))
    return cases


def byte_cases(max_request_bytes: int) -> list[Case]:
    """Raw bytes and percent-encodings no text editor would produce, and requests past the size limit."""
    ask = "ASK%20%7B%20%3Fs%20%3Fp%20"
    encoded = {
        "percent-encoded lone high surrogate": ask + "%22%ED%A0%80%22%20%7D",
        "percent-encoded lone low surrogate": ask + "%22%ED%B0%80%22%20%7D",
        "overlong slash (2 bytes)": ask + "%22%C0%AF%22%20%7D",
        "overlong NUL (2 bytes)": ask + "%22%C0%80%22%20%7D",
        "overlong slash (3 bytes)": ask + "%22%E0%80%AF%22%20%7D",
        "overlong slash (4 bytes)": ask + "%22%F0%80%80%AF%22%20%7D",
        "byte past U+10FFFF": ask + "%22%F4%90%80%80%22%20%7D",
        "bare continuation byte": ask + "%22%80%22%20%7D",
        "0xFF byte": ask + "%22%FF%22%20%7D",
        "truncated sequence": ask + "%22%E4%B8%22%20%7D",
        "percent-encoded NUL in the query": ask + "%22a%00b%22%20%7D",
        "NUL before the query": "%00" + ask + "%3Fo%20%7D",
        "broken percent escape": ask + "%ZZ%3Fo%20%7D",
        "truncated percent escape": ask + "%3Fo%20%7D%",
        "double-encoded query": urllib.parse.quote(urllib.parse.quote("ASK {}", safe=""), safe=""),
        "query given twice": "ASK%20%7B%7D&query=ASK%20%7B%7D",
        "empty query": "",
        "right-to-left override around the query": "%E2%80%AE" + ask + "%3Fo%20%7D%E2%80%AC",
        "byte order mark before the query": "%EF%BB%BF" + ask + "%3Fo%20%7D",
    }
    cases = []
    for label, raw in encoded.items():
        # the same bytes as a GET and as a form body; allowed: refused, or read with replacement characters
        allowed = frozenset({"4xx", "ok"})
        cases.append(Case(f"{label} [GET]", "GET", "/sparql?query=" + raw, allowed=allowed))
        cases.append(Case(f"{label} [POST form]", "POST", "/sparql", ("query=" + raw).encode(), {"Content-Type": FORM}, allowed))
    bodies = {
        "overlong UTF-8 body": b"ASK { ?s ?p \"\xc0\xaf\" }",
        "CESU-8 surrogate pair body": b"ASK { ?s ?p \"\xed\xa0\xbd\xed\xb8\x80\" }",
        "Latin-1 body declared UTF-8": "ASK { ?s ?p \"caf\u00e9\" }".encode("latin-1"),
        "UTF-16 body": "ASK {}".encode("utf-16"),
        "UTF-16 body declared": "ASK {}".encode("utf-16"),
        "NUL bytes body": b"ASK {}\x00\x00\x00",
        "random binary body": bytes(range(256)) * 4,
    }
    for label, body in bodies.items():
        media = QUERY + ("; charset=utf-16" if label.endswith("declared") else "")
        cases.append(Case(f"{label} [POST sparql-query]", "POST", "/sparql", body, {"Content-Type": media},
                          frozenset({"4xx"})))
        cases.append(Case(f"{label} [POST sparql-update]", "POST", "/sparql", body, {"Content-Type": UPDATE},
                          frozenset({"4xx"})))
    big = max_request_bytes + 1024
    cases += [
        Case("body over the size limit [POST sparql-query]", "POST", "/sparql",
             b"ASK { ?s ?p ?o } #" + b"x" * big, {"Content-Type": QUERY}),
        Case("form over the size limit [POST form]", "POST", "/sparql",
             b"query=ASK%20%7B%7D%23" + b"x" * big, {"Content-Type": FORM}),
        Case("URL over the size limit [GET]", "GET", "/sparql?query=ASK%20%7B%7D%23" + "x" * big),
        Case("URL over waitress's header limit [GET]", "GET", "/sparql?query=ASK%20%7B%7D%23" + "x" * 300_000),
        Case("header over waitress's header limit [GET]", "GET", "/sparql?query=ASK%20%7B%7D",
             headers={"X-Padding": "x" * 300_000}),
        Case("no content type [POST]", "POST", "/sparql", b"ASK {}"),
        Case("unknown content type [POST]", "POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),
        Case("multipart body [POST]", "POST", "/sparql", b"--x\r\n\r\nASK {}\r\n--x--", {"Content-Type": "multipart/form-data; boundary=x"}),
        Case("query and update at once [POST form]", "POST", "/sparql", b"query=ASK%20%7B%7D&update=CLEAR%20ALL", {"Content-Type": FORM}),
        Case("update by GET", "GET", "/sparql?update=CLEAR%20ALL"),
        Case("update without a token [POST]", "POST", "/sparql", b"CLEAR ALL", {"Content-Type": UPDATE}),
        Case("update with a wrong token [POST]", "POST", "/sparql", b"CLEAR ALL",
             {"Content-Type": UPDATE, "Authorization": "Bearer wrong"}),
        Case("LOAD without a token [POST]", "POST", "/sparql", b"LOAD <file:///etc/passwd>", {"Content-Type": UPDATE}),
        Case("PUT to the endpoint", "PUT", "/sparql", b"ASK {}", {"Content-Type": QUERY}),
        Case("DELETE on the endpoint", "DELETE", "/sparql"),
        Case("PATCH on the endpoint", "PATCH", "/sparql", b"ASK {}", {"Content-Type": QUERY}),
        Case("bad timeout parameter", "GET", "/sparql?query=ASK%20%7B%7D&timeout=soon"),
        Case("unknown format parameter", "GET", "/sparql?query=ASK%20%7B%7D&format=excel"),
        Case("Accept nothing we make", "GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": "image/png"}),
        Case("Accept header of ten thousand ranges", "GET", "/sparql?query=ASK%20%7B%7D",
             headers={"Accept": ",".join(f"x/y{i};q=0.{i % 10}" for i in range(10_000))}, allowed=frozenset({"4xx"})),
        Case("invalid default-graph-uri", "GET", "/sparql?query=ASK%20%7B%7D&default-graph-uri=not%20an%20iri"),
        Case("invalid named-graph-uri", "GET", "/sparql?query=ASK%20%7B%7D&named-graph-uri=%3Cbad%3E"),
        Case("thousands of named-graph-uri", "GET", "/sparql?query=ASK%20%7B%7D" + "".join(
            f"&named-graph-uri=http%3A%2F%2Fexample.org%2Fg{i}" for i in range(5000)), allowed=frozenset({"ok", "4xx"})),
        Case("USING with an update WITH", "POST", "/sparql?using-graph-uri=http%3A%2F%2Fexample.org%2Fg",
             b"WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", {"Content-Type": UPDATE}),
    ]
    return cases


def update_cases(token: str) -> list[Case]:
    """Malformed updates, sent with the write token so they reach the parser."""
    texts = {
        "variables in INSERT DATA": "INSERT DATA { ?s ?p ?o }",
        "blank node in DELETE DATA": f"DELETE DATA {{ _:b <{EX}p> 1 }}",
        "INSERT without WHERE": f"INSERT {{ <{EX}s> <{EX}p> ?o }}",
        "unclosed INSERT DATA": f"INSERT DATA {{ <{EX}s> <{EX}p> 1",
        "query text sent as an update": "SELECT * WHERE { ?s ?p ?o }",
        "CLEAR of a literal": 'CLEAR GRAPH "g"',
        "dangling separator": f"INSERT DATA {{ <{EX}s> <{EX}p> 1 }} ; ;",
        "literal as a graph name": f'INSERT DATA {{ GRAPH "g" {{ <{EX}s> <{EX}p> 1 }} }}',
        "SERVICE in an update (disabled)": f"INSERT {{ ?s <{EX}p> ?o }} WHERE {{ SERVICE <http://127.0.0.1:1/> {{ ?s ?p ?o }} }}",
        "USING after WHERE": f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} USING <{EX}g>",
    }
    cases = []
    for label, text in texts.items():
        cases.append(as_direct(label, text, media=UPDATE, token=token))
        cases.append(as_form(label, text, field_name="update", token=token))
    cases.append(as_direct("update that runs past the time limit",
                           f"INSERT {{ GRAPH <{EX}scratch> {{ ?a <{EX}q> ?f }} }} "
                           "WHERE { GRAPH ?x { ?a ?b ?c } GRAPH ?y { ?d ?e ?f } GRAPH ?z { ?g ?h ?i } }",
                           allowed={"timeout"}, media=UPDATE, token=token))
    return cases


def all_cases(max_request_bytes: int, token: str) -> list[Case]:
    return malformed_cases() + deep_cases() + heavy_cases() + byte_cases(max_request_bytes) + update_cases(token)
