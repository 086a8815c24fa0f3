"""The remote store: any SPARQL 1.1 endpoint with Update (and optionally the Graph Store Protocol).

The remote server's serialisation is passed through unchanged where it is
SPARQL 1.1 (one serialisation, by the server that ran the query); where a
server departs from the standards its dialect (guidegraph/store/remote_dialects.py)
says how, and the difference is made good here. Graph writes are single SPARQL
Update requests, which SPARQL 1.1 servers run atomically, so replacing a guide
stays all-or-nothing.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph

from guidegraph.errors import StoreError
from guidegraph.store.base import (
    Dataset,
    GraphStore,
    QueryAnswer,
    QuerySyntaxError,
    QueryTimeout,
    StoreUnavailable,
    check_iri,
)
from guidegraph.store.dataset_clause import has_dataset_clause, query_dataset, without_dataset_clauses
from guidegraph.store.graph_output import reserialize_ntriples, serialize_quads, serialize_triples
from guidegraph.store.remote_dialects import RemoteDialect, check_choice, detect, dialect_named
from guidegraph.store.remote_http import USER_AGENT, RemoteHttp, RemoteHttpError, with_parameters
from guidegraph.store.results import (
    RESULT_FORMATS,
    EnoughRows,
    TsvSink,
    count_rows_upper_bound,
    exact_tsv,
    rdf_format_by_name,
    result_format_by_name,
    scan_query,
    tsv_as,
)
from guidegraph.syntax_messages import describe

TSV = result_format_by_name("tsv")
XML = result_format_by_name("xml")
JSON = result_format_by_name("json")
NTRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
READ_CHUNK = 1 << 16
DETECT_SECONDS = 10
SERVER_LIMIT_GRACE = 5.0  # seconds
RETRIES = 6  # sends again of a request the server rolled back (a deadlock victim), after 50 ms, 100 ms, …
RETRY_PAUSE = 0.05  # seconds


class RemoteStore(GraphStore):
    kind = "remote"
    tracks_version = False  # others may write to the remote store

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None, gsp_endpoint: str | None = None,
                 user: str | None = None, password: str | None = None, dialect: str | None = "auto",
                 cache_seconds: float = 0.0) -> None:
        super().__init__()
        self.cache_seconds = cache_seconds  # 0: answers from it are never kept
        self.clock = time.time  # what the caching periods are cut from
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.gsp_endpoint = gsp_endpoint
        self._http = RemoteHttp(user, password)
        self._credentials = (user, password)
        choice = check_choice(dialect)
        self._dialect: RemoteDialect | None = None if choice == "auto" else dialect_named(choice)
        self._detecting = threading.Lock()

    # -- the server's dialect ------------------------------------------------
    @property
    def dialect(self) -> RemoteDialect:
        """The configured dialect, else the one its ``Server`` header names (asked once)."""
        if self._dialect is None:
            with self._detecting:
                if self._dialect is None:
                    self._dialect = detect(self._server_header())
        return self._dialect

    def _server_header(self) -> str | None:
        url = with_parameters(self.endpoint, [("query", "ASK {}")])
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": JSON.media_type})
        try:
            with urllib.request.urlopen(request, timeout=DETECT_SECONDS) as response:
                return response.headers.get("Server")
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.headers.get("Server")
        except (urllib.error.URLError, OSError) as exc:
            raise StoreUnavailable(f"cannot reach the remote store at {self.endpoint}: {getattr(exc, 'reason', exc)}") from None

    def cache_version(self) -> tuple[str, int] | None:
        """Answers are kept for at most ``cache_seconds`` (wall-clock periods of that length: all
        are dropped at each period's end) and until our next write; others' writes show within that."""
        if self.cache_seconds <= 0:
            return None
        return (f"{self.version.token}.{int(self.clock() // self.cache_seconds)}", self.version.counter)

    def cache_modified(self) -> float:
        period_started = (self.clock() // self.cache_seconds) * self.cache_seconds if self.cache_seconds > 0 else 0.0
        return max(self.version.modified, period_started)

    def close(self) -> None:
        self._http.close()

    def store_config(self) -> dict:
        """The configuration open_store takes to open this store again (in another process)."""
        user, password = self._credentials
        return {"store": "remote", "endpoint": self.endpoint, "update_endpoint": self.update_endpoint,
                "gsp_endpoint": self.gsp_endpoint, "remote_user": user, "remote_password": password,
                "remote_dialect": self._dialect.name if self._dialect is not None else "auto",
                "remote_cache_seconds": self.cache_seconds}

    def _describe(self, body: str) -> str:
        return describe(self.dialect.error_text(body))

    # -- plumbing ------------------------------------------------------------
    def _send_query(self, sparql: str, accept: str, params: list[tuple[str, str]], timeout: float | None):
        """POST a query; the response (body unread) and its media type."""
        d = self.dialect
        text = sparql
        params = list(params)
        if timeout and d.timeout_parameter_ms:
            params.append((d.timeout_parameter_ms, str(max(1, int(timeout * 1000)))))
        if d.post_query_directly:
            url, data, content_type = with_parameters(self.endpoint, params), text.encode("utf-8"), "application/sparql-query"
        else:
            url, data, content_type = self.endpoint, urllib.parse.urlencode([("query", text), *params]).encode("ascii"), FORM
        # A server that keeps the limit itself gets a moment to say so before we hang up.
        wait = timeout + SERVER_LIMIT_GRACE if timeout and d.timeout_parameter_ms else timeout
        response = self._request(url, data, {"Content-Type": content_type, "Accept": accept}, wait, reuse=True)
        if d.is_partial(response.headers):
            response.close()
            raise QueryTimeout(f"the remote store stopped the query at its time limit of {timeout or 0:g} s")
        content_type = response.headers.get("Content-Type", "")
        return response, content_type.split(";")[0].strip().lower()

    def _request(self, url: str, data: bytes | None, headers: dict[str, str], timeout: float | None, method: str = "POST",
                 reuse: bool = False):
        for attempt in range(RETRIES + 1):
            try:
                return self._http.open(url, data=data, method=method, headers=headers, timeout=timeout,
                                       auth=self.dialect.http_auth, describe=self._describe, reuse=reuse)
            except RemoteHttpError as exc:
                if self.dialect.is_timeout_error(exc.body):
                    raise QueryTimeout(f"the remote store stopped the query at its time limit of {timeout or 0:g} s") from None
                if attempt == RETRIES or not self.dialect.is_retry_error(exc.body):
                    raise
            time.sleep(RETRY_PAUSE * 2 ** attempt + random.random() * RETRY_PAUSE)
        raise AssertionError("unreachable")

    def _read(self, response, timeout: float | None) -> bytes:
        return self._http.read(response, self.endpoint, timeout)

    def _select_json(self, sparql: str) -> list[dict]:
        response, _ = self._send_query(sparql, JSON.media_type, [], None)
        return json.loads(self._read(response, None))["results"]["bindings"]

    def _ask(self, sparql: str) -> bool:
        response, _ = self._send_query(sparql, JSON.media_type, [], None)
        return bool(json.loads(self._read(response, None))["boolean"])

    def _graph_name(self, graph: str | None) -> str | None:
        """The named graph holding ``graph`` on the server (None: its own default graph)."""
        return check_iri(graph) if graph is not None else self.dialect.default_graph

    # -- reading -------------------------------------------------------------
    def run_query(self, sparql, *, result_format, graph_format, dataset=Dataset(), timeout=None, max_rows=None, base_iri=None):
        results = result_format_by_name(result_format)
        rdf = rdf_format_by_name(graph_format)
        d = self.dialect
        form = scan_query(sparql).form
        if not dataset.is_explicit:
            # Sent as protocol parameters, which mean the same as the clauses
            # (§13) on a server whose union default graph would ignore them.
            dataset = query_dataset(sparql, base_iri) or dataset
        if dataset.is_explicit and not d.protocol_dataset_replaces_clauses and has_dataset_clause(sparql):
            sparql = without_dataset_clauses(sparql)
        asked_text = sparql
        if base_iri and _RELATIVE_IRI.search(sparql) and not _DECLARES_BASE.match(sparql):
            # Relative IRIs resolve against our request's URL, not against whatever the remote server
            # takes as its own base (Virtuoso leaves them relative and its N-Triples cannot be read).
            sparql = f"BASE <{check_iri(base_iri)}>\n{sparql}"
        params = [("default-graph-uri", check_iri(iri)) for iri in dataset.default_graphs or ()]
        params += [("named-graph-uri", check_iri(iri)) for iri in dataset.named_graphs or ()]
        if d.empty_graph and dataset.is_explicit:
            # () is an empty part of an explicit dataset, which such a server reads as "all graphs".
            if dataset.default_graphs == () or (dataset.default_graphs is None and dataset.named_graphs):
                params.append(("default-graph-uri", d.empty_graph))
            if dataset.named_graphs == () or (dataset.named_graphs is None and dataset.default_graphs):
                params.append(("named-graph-uri", d.empty_graph))
        returns_graph = form in ("construct", "describe")
        capped_there = max_rows is not None and d.row_cap_parameter is not None and not returns_graph
        if capped_there:
            params.append((d.row_cap_parameter, str(max_rows + 1)))  # one past the cap tells it was cut
        # What to ask for: the wanted format if the server writes it to the
        # standard, else its XML (made into the wanted format here). Capped
        # results from a server with SPARQL 1.1 TSV come as TSV, read only up to the cap.
        own = {"tsv": d.sparql_tsv, "csv": d.sparql_csv}.get(results.name, True)
        asked = results if own else XML
        if max_rows is not None and d.sparql_tsv:
            wanted = f"{TSV.media_type}, {asked.media_type};q=0.9"
        else:
            wanted = asked.media_type
        if d.accept_by_form and form is not None:
            accept = NTRIPLES if returns_graph else wanted
        else:
            # One Accept covering both kinds: the server picks by the query form.
            accept = f"{wanted}, {NTRIPLES};q=0.8"
        try:
            response, media_type = self._send_query(sparql, accept, params, timeout)
        except QuerySyntaxError as exc:
            if d.syntax_error_columns and sparql is asked_text:
                raise
            # The position as in the text the client sent (not in ours with a BASE line added).
            raise QuerySyntaxError(_with_position(str(exc), asked_text, base_iri)) from None
        if media_type == TSV.media_type and max_rows is not None and d.sparql_tsv:
            return self._capped(response, timeout, max_rows, results)
        reached_cap = capped_there and d.row_cap_header is not None and response.headers.get(d.row_cap_header) is not None
        body = self._read(response, timeout)
        if media_type == NTRIPLES:
            return QueryAnswer(self._ntriples_as(body, rdf), rdf.media_type)
        if d.json_typed_literal and media_type == JSON.media_type:
            # Inside a JSON string these quotes would be escaped: only term types match.
            body = body.replace(b'"type": "typed-literal"', b'"type": "literal"')
        fmt = next((f for f in RESULT_FORMATS if f.media_type == media_type), None)
        if fmt is None:
            return QueryAnswer(body, media_type or rdf.media_type)
        boolean = b'"boolean"' in body[:200] or b"<boolean>" in body
        made_here = fmt is asked and fmt is not results  # the server's XML, to be written as the wanted format
        if max_rows is None or boolean or (capped_there and d.row_cap_header and not reached_cap):
            # Nothing to cut (a server that reports reaching the cap did not reach it).
            if made_here:
                body = pyoxigraph.parse_query_results(body, format=fmt.oxigraph).serialize(format=results.oxigraph)
                return QueryAnswer(body, results.media_type)
            return QueryAnswer(body, media_type)
        if made_here:
            cut, truncated = tsv_as(exact_tsv(body, fmt), max_rows, results)
            return QueryAnswer(cut, results.media_type, None, truncated)
        # A server that would not send TSV: cut its whole answer.
        if (count_rows_upper_bound(body, fmt) <= max_rows and not reached_cap) or fmt.name == "csv":
            return QueryAnswer(body, media_type)  # CSV is lossy and cannot be cut exactly; see docs/endpoint.md
        cut, truncated = tsv_as(exact_tsv(body, fmt), max_rows, fmt)
        return QueryAnswer(cut, media_type, None, truncated)

    def _ntriples_as(self, ntriples: bytes, rdf) -> bytes:
        if rdf.name == "ntriples" and self.dialect.ntriples_ascii:
            # Written again so that text is UTF-8, not \u escapes.
            return serialize_triples(pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES), rdf)
        return reserialize_ntriples(ntriples, rdf)

    def _capped(self, response, timeout: float | None, max_rows: int, fmt) -> QueryAnswer:
        """Read a TSV answer only up to the first row past the cap, then hang up."""
        sink = TsvSink(max_rows)
        with self._http.translated(self.endpoint, timeout, str):
            try:
                while chunk := response.read(READ_CHUNK):
                    sink.write(chunk)
            except EnoughRows:
                pass
            finally:
                response.close()
        tsv = sink.value()
        if tsv.strip() in (b"true", b"false"):  # an ASK answer; TSV has no other bare line
            boolean = pyoxigraph.parse_query_results(tsv.strip(), format=pyoxigraph.QueryResultsFormat.TSV)
            return QueryAnswer(boolean.serialize(format=fmt.oxigraph), fmt.media_type)
        body, truncated = tsv_as(tsv, max_rows, fmt)
        return QueryAnswer(body, fmt.media_type, None, truncated)

    def named_graphs(self) -> list[str]:
        rows = self._select_json("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        d = self.dialect
        return sorted(r["g"]["value"] for r in rows if r["g"]["type"] == "uri" and not d.hides(r["g"]["value"]))

    def graph_exists(self, graph: str | None) -> bool:
        if graph is None:
            return True
        return self._ask(f"ASK {{ GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }} }}")

    def get_graph(self, graph, rdf_format):
        rdf = rdf_format_by_name(rdf_format)
        # Read as N-Triples and written here, so graphs look the same from either store.
        if self.gsp_endpoint:
            body = self._gsp_get(graph, NTRIPLES)
            return None if body is None else self._graph_as(graph, body, rdf)
        if graph is not None and not self.graph_exists(graph):
            return None
        # Without a Graph Store endpoint the default graph is read by query, which
        # on a union-default-graph server means the union.
        name = self._graph_name(graph)
        where = "{ ?s ?p ?o }" if name is None else f"{{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        response, _ = self._send_query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {where}", NTRIPLES, [], None)
        return self._graph_as(graph, self._read(response, None), rdf)

    def _graph_as(self, graph: str | None, ntriples: bytes, rdf) -> bytes:
        if not rdf.datasets or rdf.name == "jsonld":
            return self._ntriples_as(ntriples, rdf)
        name = pyoxigraph.DefaultGraph() if graph is None else pyoxigraph.NamedNode(graph)
        quads = (pyoxigraph.Quad(t.subject, t.predicate, t.object, name)
                 for t in pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES))
        return serialize_quads(quads, rdf)

    def _gsp_url(self, graph: str | None) -> str:
        name = self._graph_name(graph)
        return f"{self.gsp_endpoint}?" + ("default" if name is None else urllib.parse.urlencode({"graph": name}))

    def _gsp_get(self, graph: str | None, media_type: str) -> bytes | None:
        url = self._gsp_url(graph)
        try:
            response = self._request(url, None, {"Accept": media_type}, None, method="GET", reuse=True)
        except RemoteHttpError as exc:
            if exc.status == 404:
                return None
            raise StoreError(f"the remote graph store answered {exc.status}") from None
        return self._http.read(response, url, None)

    def triple_count(self, graph=None) -> int:
        where = "GRAPH ?g { ?s ?p ?o }" if graph is None else f"GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }}"
        rows = self._select_json(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    # -- writing -------------------------------------------------------------
    def update(self, sparql, *, base_iri=None, timeout=None):
        text = self.dialect.update_text(sparql)
        try:
            response = self._request(self.update_endpoint, text.encode("utf-8"),
                                     {"Content-Type": "application/sparql-update"}, timeout)
            self._http.read(response, self.update_endpoint, timeout)
        finally:
            self.version.bump()

    def _insert(self, graphs: dict[str | None, bytes]) -> str:
        """One update adding N-Triples to each graph (None: the default graph)."""
        d = self.dialect
        if d.blank_nodes_in_insert_data and d.insert_data_triples is None:
            blocks = [self._block(graph, ntriples.decode("utf-8")) for graph, ntriples in graphs.items()]
            return f"INSERT DATA {{ {' '.join(blocks)} }}"
        # Triples with blank nodes go in one template, whose labels are fresh per
        # request and shared by all its graphs, as in INSERT DATA; the others in
        # INSERT DATA operations small enough for the server's parser.
        operations, templated = [], []
        step = d.insert_data_triples or 1 << 62
        for graph, ntriples in graphs.items():
            lines = ntriples.decode("utf-8").splitlines()
            plain = [line for line in lines if d.blank_nodes_in_insert_data or "_:" not in line]
            if len(plain) != len(lines):
                templated.append(self._block(graph, "\n".join(line for line in lines if "_:" in line)))
            for at in range(0, len(plain), step):
                operations.append(f"INSERT DATA {{ {self._block(graph, chr(10).join(plain[at:at + step]))} }}")
        if templated:
            operations.append(f"INSERT {{ {' '.join(templated)} }} WHERE {{ }}")
        return " ;\n".join(operations) or "INSERT DATA { }"

    def _block(self, graph: str | None, body: str) -> str:
        name = self._graph_name(graph)
        return body if name is None else f"GRAPH <{name}> {{ {body} }}"

    def _drop(self, graph: str | None) -> str:
        name = self._graph_name(graph)
        return "CLEAR SILENT DEFAULT" if name is None else f"DROP SILENT GRAPH <{name}>"

    def replace_graph(self, graph, ntriples):
        existed = self.graph_exists(graph)
        self.update(f"{self._drop(graph)} ;\n{self._insert({graph: ntriples})}")
        return existed

    def add_to_graph(self, graph, ntriples):
        existed = self.graph_exists(graph)
        self.update(self._insert({graph: ntriples}))
        return existed

    def delete_graph(self, graph):
        existed = self.graph_exists(graph)
        self.update(self._drop(graph))
        return existed

    def bulk_load_nquads(self, nquads: bytes) -> None:
        if self.gsp_endpoint and self.dialect.gsp_nquads:
            try:
                response = self._request(self.gsp_endpoint, nquads, {"Content-Type": "application/n-quads"}, None)
                self._http.read(response, self.gsp_endpoint, None)
            finally:
                self.version.bump()
            return
        by_graph: dict[str | None, list[bytes]] = {}
        for quad in pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS):
            name = None if isinstance(quad.graph_name, pyoxigraph.DefaultGraph) else quad.graph_name.value
            by_graph.setdefault(name, []).append(str(quad.triple).encode() + b" .\n")
        if not by_graph:
            return
        if self.gsp_endpoint:
            # One POST of N-Triples per graph: the server's own parser, no query text to compile.
            try:
                for graph, lines in by_graph.items():
                    url = self._gsp_url(graph)
                    response = self._request(url, b"".join(lines), {"Content-Type": NTRIPLES}, None)
                    self._http.read(response, url, None)
            finally:
                self.version.bump()
            return
        self.update(self._insert({g: b"".join(lines) for g, lines in by_graph.items()}))


_PARSER = pyoxigraph.Store()  # always empty; only its SPARQL parser is used


# An IRI reference with no scheme: <s>, <../x>, <#frag>, <> (never "< ?b && ?c >": no spaces in IRIs).
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\"{}|^`\\\s]*>")
# A BASE among the query's leading declarations (comments and PREFIXes may come first).
_DECLARES_BASE = re.compile(r"(?is)^(?:\s|#[^\n]*\n|PREFIX\s+[^:\s]*:\s*<[^>]*>)*BASE\b")


def _with_position(message: str, sparql: str, base_iri: str | None) -> str:
    """A syntax error from a server that names no column, with the position our parser finds.

    The query is only parsed: pyoxigraph evaluates lazily and the result is never read."""
    try:
        _PARSER.query(sparql, base_iri=base_iri)
    except SyntaxError as exc:
        prefix = "the remote store rejected the request: "
        remote = message[len(prefix):] if message.startswith(prefix) else message
        return f"{prefix}{describe(str(exc))} (the remote store says: {remote})"
    except (ValueError, OSError):
        pass
    return message
