"""The remote store: any SPARQL 1.1 endpoint with Update (and optionally the Graph Store Protocol).

Queries and updates go through SPARQLWrapper; the remote server's serialisation
is passed through unchanged (one serialisation, by the server that ran the query).
Graph writes are single SPARQL Update requests, which SPARQL 1.1 servers run
atomically, so replacing a guide stays all-or-nothing.
"""

from __future__ import annotations

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
from guidegraph.store.results import (
    RESULT_FORMATS,
    count_rows_upper_bound,
    exact_tsv,
    rdf_format_by_name,
    result_format_by_name,
    truncate_solutions,
)

USER_AGENT = "guidegraph (SPARQLWrapper)"


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
        try:
            result = sw.query()
            body = result.response.read()
            content_type = result.response.headers.get("Content-Type", "")
            return body, content_type.split(";")[0].strip().lower()
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
    def query(self, sparql, *, result_format, graph_format, dataset=Dataset(), timeout=None, max_rows=None, base_iri=None):
        results = result_format_by_name(result_format)
        rdf = rdf_format_by_name(graph_format)
        sw = self._wrapper(timeout)
        sw.setQuery(sparql)
        for iri in dataset.default_graphs or ():
            sw.addDefaultGraph(check_iri(iri))
        for iri in dataset.named_graphs or ():
            sw.addNamedGraph(check_iri(iri))
        # One Accept covering both kinds: the server picks by the query form.
        sw.addCustomHttpHeader("Accept", f"{results.media_type}, {rdf.media_type};q=0.9")
        body, media_type = self._run(sw, timeout)
        fmt = next((f for f in RESULT_FORMATS if f.media_type == media_type), None)
        if fmt is None or max_rows is None or b'"boolean"' in body[:200] or b"<boolean>" in body:
            return QueryAnswer(body, media_type or rdf.media_type)
        if count_rows_upper_bound(body, fmt) <= max_rows:
            return QueryAnswer(body, media_type)
        if fmt.name == "csv":
            return QueryAnswer(body, media_type)  # lossy, cannot be cut exactly; see docs/endpoint.md
        cut = truncate_solutions(exact_tsv(body, fmt), max_rows, fmt)
        if cut is None:
            return QueryAnswer(body, media_type)
        return QueryAnswer(cut, media_type, None, True)

    def named_graphs(self) -> list[str]:
        rows = self._select_json("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(r["g"]["value"] for r in rows if r["g"]["type"] == "uri")

    def graph_exists(self, graph: str | None) -> bool:
        if graph is None:
            return True
        return self._ask(f"ASK {{ GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }} }}")

    def get_graph(self, graph, rdf_format):
        rdf = rdf_format_by_name(rdf_format)
        if self.gsp_endpoint:
            return self._gsp_get(graph, rdf.media_type)
        if graph is not None and not self.graph_exists(graph):
            return None
        # Without a Graph Store endpoint the default graph is read by query, which
        # on a union-default-graph server means the union.
        where = "{ ?s ?p ?o }" if graph is None else f"{{ GRAPH <{check_iri(graph)}> {{ ?s ?p ?o }} }}"
        sw = self._wrapper(None)
        sw.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {where}")
        sw.addCustomHttpHeader("Accept", rdf.media_type)
        body, _ = self._run(sw, None)
        return body

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
