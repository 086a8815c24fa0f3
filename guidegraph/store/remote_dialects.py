"""What the remote store does differently for a given SPARQL server.

A dialect is a handful of facts about a server, each used in one place of
guidegraph/store/remote.py; no other module asks which server it talks to.
``standard`` is a SPARQL 1.1 server that follows the Protocol (Oxigraph,
Fuseki, GraphDB, QLever for reads). ``virtuoso`` is OpenLink Virtuoso 7, which
differs in these ways (docs/remote-engines.md has the table):

- a direct POST of ``application/sparql-query`` is never answered (7.2.5), so
  queries go as forms;
- its TSV is not SPARQL 1.1 TSV (quoted strings for IRIs, a quoted header) and
  its CSV quotes every field, so both are made here from its XML results;
- its JSON uses the old ``"typed-literal"`` term type; it is renamed ``"literal"``;
- its N-Triples escape every non-ASCII character (``\\u4E09``): they are written
  again so that Chinese text stays readable;
- given ``Accept`` with both results and RDF types it may serialise a SELECT as
  RDF, so only the types of the query's own form are offered;
- the store holds its own graphs (quad-map metadata, the service description,
  LDP terms), which readers see unless the administrator makes them private
  (docs/remote-engines.md); they are never listed as graphs of the data.
  (The ``define input:*-graph-exclude`` pragmas would hide them per query, but
  in 7.2.5 they make every ``GRAPH <iri>`` pattern match nothing.);
- a protocol dataset (``default-graph-uri``) is added to the query's FROM
  clauses instead of replacing them (SPARQL 1.1 Protocol §2.1.4), so the
  clauses are blanked out once they have been turned into protocol parameters;
- there is no plain default graph to write to: guidegraph's default graph is
  kept in the named graph ``VIRTUOSO_DEFAULT_GRAPH`` (not listed among the
  graphs, part of the union default graph like any other, but seen by GRAPH ?g),
  and a data-only update's triples without GRAPH go there (``define
  input:default-graph-uri``, which also empties the named graphs of a WHERE);
- ``INSERT DATA`` refuses blank nodes, so triples with blank nodes go in as one
  ``INSERT {…} WHERE {}`` (slow: about 250 triples/s); its SPARQL parser runs out
  of memory on a few thousand triples in one operation, so data goes in as
  INSERT DATA operations of 1000 triples, all in one request;
- one update request is all-or-nothing for readers only when the server runs
  with ``DefaultIsolation = 4`` (repeatable read) in virtuoso.ini: by default
  readers see a replaced graph half written. Its Graph Store PUT is two
  transactions (readers see the graph empty), so guidegraph never writes through it;
- its Graph Store endpoint wants a graph name (no ``?default``) and no N-Quads;
- row caps and time limits are protocol parameters (``maxrows``, ``timeout`` in
  ms); an answer that reached its ``maxrows`` carries ``X-SPARQL-MaxRows``; a query stopped by its time limit comes back as a *partial* 200 answer
  marked ``X-SQL-State: S1TAT``, which is turned into a timeout here; when the
  limit strikes at another moment of the evaluation it answers 500 with ``SR203
  Async statement killed by SQLCancel`` instead, which is a timeout too;
- ``/sparql-auth`` and ``/sparql-graph-crud-auth`` take HTTP digest authentication;
- an empty default graph (a query with FROM NAMED alone) cannot be asked for:
  the protocol names a graph that holds nothing instead;
- its errors are ``Virtuoso <state> Error <code>: <text>`` followed by the query,
  and a syntax error names the line only: the position (line and column) comes
  from our own SPARQL parser when it rejects the query too.

``detect`` names the dialect from a response's ``Server`` header; the setting
``remote_dialect`` ("auto", the default, "standard" or "virtuoso") overrides it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from guidegraph.errors import UsageError
from guidegraph.store.results import KEYWORD_EDGE_AFTER, KEYWORD_EDGE_BEFORE, mask_opaque

# Graphs a fresh Virtuoso 7 database holds before anything is loaded.
VIRTUOSO_OWN_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)

# Where guidegraph keeps "the default graph" on a server that has none of its own.
VIRTUOSO_DEFAULT_GRAPH = "urn:x-guidegraph:default-graph"

_WHERE = re.compile(KEYWORD_EDGE_BEFORE + r"WHERE" + KEYWORD_EDGE_AFTER, re.IGNORECASE)
_VIRTUOSO_ERROR = re.compile(r"Virtuoso \w+ Error (\w+): *(.*)")


@dataclass(frozen=True)
class RemoteDialect:
    name: str
    http_auth: str = "basic"  # "basic": credentials sent up front; "digest": answer the server's challenge
    post_query_directly: bool = True  # POST application/sparql-query, else a form
    sparql_tsv: bool = True  # answers text/tab-separated-values as SPARQL 1.1 TSV
    sparql_csv: bool = True  # answers text/csv as SPARQL 1.1 CSV (quotes only where needed)
    ntriples_ascii: bool = False  # writes N-Triples with \u escapes for all non-ASCII text
    json_typed_literal: bool = False  # writes the old "typed-literal" term type in JSON results
    accept_by_form: bool = False  # offer only the media types of the query's form
    own_graphs: tuple[str, ...] = ()  # graphs of the server itself, not of the data
    blank_nodes_in_insert_data: bool = True
    insert_data_triples: int | None = None  # most triples its parser takes in one INSERT DATA; None: no limit
    protocol_dataset_replaces_clauses: bool = True
    empty_graph: str | None = None  # a graph name holding nothing, to say "no default graph" (FROM NAMED alone)
    syntax_error_columns: bool = True  # its syntax errors give line and column
    default_graph: str | None = None  # named graph standing in for the default graph; None: the server's own
    gsp_nquads: bool = True  # the Graph Store endpoint takes a POST of N-Quads for the whole dataset
    row_cap_parameter: str | None = None  # protocol parameter capping the rows on the server
    row_cap_header: str | None = None  # response header present when the cap was reached
    timeout_parameter_ms: str | None = None  # protocol parameter with the time limit in milliseconds
    partial_answer_header: tuple[str, str] | None = None  # (header, value) marking an answer cut by its time limit
    timeout_error_codes: tuple[str, ...] = ()  # error codes in an error body that mean "time limit"
    # Error codes meaning the server rolled the request's transaction back and it may simply be sent again.
    retry_error_codes: tuple[str, ...] = ()
    _update_pragmas: str = field(default="", repr=False)

    def update_text(self, sparql: str) -> str:
        """The update as sent: in data-only updates (no WHERE), triples without
        GRAPH go to the stand-in default graph.

        Virtuoso reads the pragma as FROM, which leaves no named graphs to
        match, so an update with a WHERE clause goes unchanged (and one writing
        the default graph from a pattern is refused by the server). The pragma
        goes on the first line, so line numbers of syntax errors stay right."""
        if not self._update_pragmas or _WHERE.search(mask_opaque(sparql)):
            return sparql
        return self._update_pragmas + sparql

    def hides(self, graph: str) -> bool:
        """Whether a named graph is the server's own or the stand-in default graph."""
        return graph in self.own_graphs or graph == self.default_graph

    def is_partial(self, headers: Mapping[str, str]) -> bool:
        if self.partial_answer_header is None:
            return False
        name, value = self.partial_answer_header
        return (headers.get(name) or "").strip().upper() == value

    def is_timeout_error(self, text: str) -> bool:
        return any(code in text for code in self.timeout_error_codes)

    def is_retry_error(self, text: str) -> bool:
        return any(code in text for code in self.retry_error_codes)

    def error_text(self, body: str) -> str:
        """The server's error without the echo of the request."""
        if self.name == "virtuoso":
            for line in body.splitlines():
                match = _VIRTUOSO_ERROR.search(line)
                if match:
                    return f"{match.group(1)}: {match.group(2).strip()}"
            return body.split("\n\nSPARQL query:", 1)[0].strip()
        return body


def _virtuoso() -> RemoteDialect:
    return RemoteDialect(
        name="virtuoso",
        http_auth="digest",
        post_query_directly=False,
        sparql_tsv=False,
        sparql_csv=False,
        json_typed_literal=True,
        ntriples_ascii=True,
        accept_by_form=True,
        own_graphs=VIRTUOSO_OWN_GRAPHS,
        blank_nodes_in_insert_data=False,
        insert_data_triples=1000,
        protocol_dataset_replaces_clauses=False,
        empty_graph="urn:x-guidegraph:no-graph",
        syntax_error_columns=False,
        default_graph=VIRTUOSO_DEFAULT_GRAPH,
        gsp_nquads=False,
        row_cap_parameter="maxrows",
        row_cap_header="X-SPARQL-MaxRows",
        timeout_parameter_ms="timeout",
        partial_answer_header=("X-SQL-State", "S1TAT"),
        timeout_error_codes=("S1TAT", "SR203"),
        # A deadlock victim is rolled back whole (one HTTP request is one transaction there),
        # so sending it again cannot apply it twice.
        retry_error_codes=("SR172",),
        _update_pragmas=f"define input:default-graph-uri <{VIRTUOSO_DEFAULT_GRAPH}> ",
    )


DIALECTS: dict[str, RemoteDialect] = {
    "standard": RemoteDialect("standard"),
    "virtuoso": _virtuoso(),
}
CHOICES = ("auto", *DIALECTS)


def dialect_named(name: str) -> RemoteDialect:
    try:
        return DIALECTS[name]
    except KeyError:
        raise UsageError(f"unknown remote dialect {name!r}; choose one of {', '.join(CHOICES)}") from None


def detect(server_header: str | None) -> RemoteDialect:
    """The dialect of the server that sent this ``Server`` header."""
    if server_header and server_header.strip().lower().startswith("virtuoso"):
        return DIALECTS["virtuoso"]
    return DIALECTS["standard"]


def check_choice(name: str | None) -> str:
    name = name or "auto"
    if name != "auto":
        dialect_named(name)
    return name
