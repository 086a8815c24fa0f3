"""The remote store: any SPARQL 1.1 endpoint with Update (and optionally the Graph Store Protocol).

Queries and updates go through SPARQLWrapper; the remote server's serialisation
is passed through unchanged (one serialisation, by the server that ran the query).
Graph writes are single SPARQL Update requests, which SPARQL 1.1 servers run
atomically, so replacing a guide stays all-or-nothing.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

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
from guidegraph.store.dataset_clause import query_dataset
from guidegraph.store.graph_output import reserialize_ntriples, serialize_quads
from guidegraph.store.results import (
    RESULT_FORMATS,
    EnoughRows,
    TsvSink,
    count_rows_upper_bound,
    exact_tsv,
    rdf_format_by_name,
    result_format_by_name,
    tsv_as,
)

USER_AGENT = "guidegraph (SPARQLWrapper)"
TSV = result_format_by_name("tsv")
NTRIPLES = "application/n-triples"
READ_CHUNK = 1 << 16


def _insert_data(graph: str | None, ntriples: bytes) -> str:
    body = ntriples.decode("utf-8")
    return f"INSERT DATA {{ {body} }}" if graph is None else f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}"


class RemoteStore(GraphStore):
    kind = "remote"
    tracks_version = False  # others may write to the remote store

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None, gsp_endpoint: str | None = None,
                 user: str | None = None, password: str | None = None) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.gsp_endpoint = gsp_endpoint
        self._credentials = (user, password) if user else None

    # -- plumbing ------------------------------------------------------------
    def _wrapper(self, timeout: float | None) -> SPARQLWrapper:
        sw = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_endpoint, agent=USER_AGENT)
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
        sw.setOnlyConneg(True)
        if timeout:
            sw.setTimeout(max(1, int(round(timeout))))
        if self._credentials:
            sw.setCredentials(*self._credentials)
        return sw

    def _run(self, sw: SPARQLWrapper, timeout: float | None) -> tuple[bytes, str]:
        response, media_type = self._open(sw, timeout)
        return self._read(response, timeout), media_type

    def _open(self, sw: SPARQLWrapper, timeout: float | None):
        """Send the request; the response and its media type, the body still unread."""
        with self._translated(timeout):
            response = sw.query().response
        content_type = response.headers.get("Content-Type", "")
        return response, content_type.split(";")[0].strip().lower()

    @contextlib.contextmanager
    def _translated(self, timeout: float | None):
        """Failures of the remote store as our own errors, while sending or while reading."""
        try:
            yield
        except QueryBadFormed as exc:
            raise QuerySyntaxError(f"the remote store rejected the request: {_remote_message(exc)}") from None
        except SPARQLWrapperException as exc:
            raise StoreError(f"the remote store failed: {_remote_message(exc)}") from None
        except (socket.timeout, TimeoutError):
            raise QueryTimeout(f"the remote store did not answer within {timeout:g} s") from None
        except urllib.error.HTTPError as exc:
            if exc.code in (503, 504) or exc.code == 408:
                raise QueryTimeout(f"the remote store gave up ({exc.code})") from None
            raise StoreError(f"the remote store answered {exc.code}: {exc.read()[:300]!r}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                raise QueryTimeout(f"the remote store did not answer within {timeout:g} s") from None
            raise StoreUnavailable(f"cannot reach the remote store at {self.endpoint}: {exc.reason}") from None
        except (http.client.HTTPException, ConnectionError) as exc:
            raise StoreUnavailable(f"the remote store broke off its answer: {exc}") from None

    def _select_json(self, sparql: str) -> list[dict]:
        sw = self._wrapper(None)
        sw.setQuery(sparql)
        sw.addCustomHttpHeader("Accept", "application/sparql-results+json")
        body, _ = self._run(sw, None)
        return json.loads(body)["results"]["bindings"]

    def _ask(self, sparql: str) -> bool:
        sw = self._wrapper(None)
        sw.setQuery(sparql)
        sw.addCustomHttpHeader("Accept", "application/sparql-results+json")
        body, _ = self._run(sw, None)
        return bool(json.loads(body)["boolean"])

    # -- reading -------------------------------------------------------------
    def run_query(self, sparql, *, result_format, graph_format, dataset=Dataset(), timeout=None, max_rows=None, base_iri=None):
        results = result_format_by_name(result_format)
        rdf = rdf_format_by_name(graph_format)
        if not dataset.is_explicit:
            # Sent as protocol parameters, which mean the same as the clauses
            # (§13) on a server whose union default graph would ignore them.
            dataset = query_dataset(sparql, base_iri) or dataset
        sw = self._wrapper(timeout)
        sw.setQuery(sparql)
        for iri in dataset.default_graphs or ():
            sw.addDefaultGraph(check_iri(iri))
        for iri in dataset.named_graphs or ():
            sw.addNamedGraph(check_iri(iri))
        # One Accept covering both kinds: the server picks by the query form.
        # Graphs come as N-Triples and are written here, with our prefixes and
        # JSON-LD context; capped results come as TSV, read only up to the cap.
        wanted = f"{TSV.media_type}, {results.media_type};q=0.9" if max_rows is not None else results.media_type
        sw.addCustomHttpHeader("Accept", f"{wanted}, {NTRIPLES};q=0.8")
        response, media_type = self._open(sw, timeout)
        if media_type == TSV.media_type and max_rows is not None:
            return self._capped(response, timeout, max_rows, results)
        body = self._read(response, timeout)
        if media_type == NTRIPLES:
            return QueryAnswer(reserialize_ntriples(body, rdf), rdf.media_type)
        fmt = next((f for f in RESULT_FORMATS if f.media_type == media_type), None)
        if fmt is None or max_rows is None or b'"boolean"' in body[:200] or b"<boolean>" in body:
            return QueryAnswer(body, media_type or rdf.media_type)
        # A server that would not send TSV: cut its whole answer.
        if count_rows_upper_bound(body, fmt) <= max_rows or fmt.name == "csv":
            return QueryAnswer(body, media_type)  # CSV is lossy and cannot be cut exactly; see docs/endpoint.md
        cut, truncated = tsv_as(exact_tsv(body, fmt), max_rows, fmt)
        return QueryAnswer(cut, media_type, None, truncated)

    def _read(self, response, timeout: float | None) -> bytes:
        with self._translated(timeout):
            try:
                return response.read()
            finally:
                response.close()

    def _capped(self, response, timeout: float | None, max_rows: int, fmt) -> QueryAnswer:
        """Read a TSV answer only up to the first row past the cap, then hang up."""
        sink = TsvSink(max_rows)
        with self._translated(timeout):
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
        return sorted(r["g"]["value"] for r in rows if r["g"]["type"] == "uri")

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
        where = "{ ?s ?p ?o }" if graph is None else f"{{ GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }} }}"
        sw = self._wrapper(None)
        sw.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {where}")
        sw.addCustomHttpHeader("Accept", NTRIPLES)
        body, _ = self._run(sw, None)
        return self._graph_as(graph, body, rdf)

    @staticmethod
    def _graph_as(graph: str | None, ntriples: bytes, rdf) -> bytes:
        if not rdf.datasets or rdf.name == "jsonld":
            return reserialize_ntriples(ntriples, rdf)
        name = pyoxigraph.DefaultGraph() if graph is None else pyoxigraph.NamedNode(graph)
        quads = (pyoxigraph.Quad(t.subject, t.predicate, t.object, name)
                 for t in pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES))
        return serialize_quads(quads, rdf)

    def _gsp_get(self, graph: str | None, media_type: str) -> bytes | None:
        query = "default" if graph is None else urllib.parse.urlencode({"graph": check_iri(graph)})
        request = urllib.request.Request(f"{self.gsp_endpoint}?{query}", headers={"Accept": media_type, "User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise StoreError(f"the remote graph store answered {exc.code}") from None
        except urllib.error.URLError as exc:
            raise StoreUnavailable(f"cannot reach the remote graph store at {self.gsp_endpoint}: {exc.reason}") from None

    def triple_count(self, graph=None) -> int:
        where = "GRAPH ?g { ?s ?p ?o }" if graph is None else f"GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }}"
        rows = self._select_json(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    # -- writing -------------------------------------------------------------
    def update(self, sparql, *, base_iri=None, timeout=None):
        sw = self._wrapper(timeout)
        sw.setQuery(sparql)
        sw.queryType = "INSERT"  # SPARQLWrapper routes by type; the server parses the real request
        try:
            self._run(sw, timeout)
        finally:
            self.version.bump()

    def replace_graph(self, graph, ntriples):
        existed = self.graph_exists(graph)
        clear = "CLEAR SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{check_iri(graph)}>"
        self.update(f"{clear} ; {_insert_data(graph, ntriples)}")
        return existed

    def add_to_graph(self, graph, ntriples):
        existed = self.graph_exists(graph)
        self.update(_insert_data(graph and check_iri(graph), ntriples))
        return existed

    def delete_graph(self, graph):
        existed = self.graph_exists(graph)
        self.update("CLEAR SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{check_iri(graph)}>")
        return existed

    def bulk_load_nquads(self, nquads: bytes) -> None:
        if self.gsp_endpoint:
            request = urllib.request.Request(self.gsp_endpoint, data=nquads, method="POST",
                                             headers={"Content-Type": "application/n-quads", "User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request) as response:
                    response.read()
            except urllib.error.URLError as exc:
                raise StoreError(f"bulk load into {self.gsp_endpoint} failed: {exc}") from None
            finally:
                self.version.bump()
            return
        by_graph: dict[str | None, list[bytes]] = {}
        for quad in pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS):
            name = None if isinstance(quad.graph_name, pyoxigraph.DefaultGraph) else quad.graph_name.value
            by_graph.setdefault(name, []).append(str(quad.triple).encode() + b" .\n")
        parts = [_insert_data(g, b"".join(lines)) for g, lines in by_graph.items()]
        if parts:
            self.update(" ;\n".join(parts))


def _remote_message(exc: Exception) -> str:
    """The remote server's own error text, on one line."""
    from guidegraph.store.embedded import readable_syntax_message

    response = getattr(exc, "response", None)
    if isinstance(response, bytes):
        text = response.decode("utf-8", "replace")
    else:
        text = str(response or exc)
    return readable_syntax_message(text)[:500]
