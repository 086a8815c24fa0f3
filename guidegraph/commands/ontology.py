"""``guidegraph ontology``: print the ontology, write its HTML documentation, check it with HermiT."""

from __future__ import annotations

import argparse
import sys

from guidegraph.errors import UsageError
from guidegraph.formats import rdf_format, write_atomic


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ontology", help="print the guidegraph ontology, write its documentation or check it")
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    show = actions.add_parser("show", help="print the ontology (core, alignments and schemes) as RDF")
    show.add_argument("--format", default="turtle", help="turtle (default), ntriples, rdfxml, jsonld ...")
    show.add_argument("--core", action="store_true", help="only our own terms, without the alignments")
    show.add_argument("-o", "--output", help="write to this file instead of stdout")
    show.set_defaults(run=run_show)

    docs = actions.add_parser("docs", help="write the HTML documentation generated from the ontology")
    docs.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the page (default zh)")
    docs.add_argument("-o", "--output", help="write to this file instead of stdout")
    docs.set_defaults(run=run_docs)

    check = actions.add_parser("check", help="run the HermiT reasoner (needs Java) over the ontology and optional RDF files")
    check.add_argument("files", nargs="*", help="RDF data files (.ttl .nt .nq .trig .jsonld) to check together with the ontology")
    check.set_defaults(run=run_check)

    p.set_defaults(run=lambda args: (p.print_help(), 2)[1])


def _emit(data: bytes, output: str | None) -> None:
    if output:
        write_atomic(output, data)
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def run_show(args: argparse.Namespace) -> int:
    from guidegraph.ontology import core_graph, ontology_graph

    fmt = rdf_format(args.format)
    if fmt.name in ("nquads", "trig"):
        raise UsageError("the ontology is one graph: choose turtle, ntriples, rdfxml or jsonld")
    graph = core_graph() if args.core else ontology_graph()
    _emit(graph.serialize(format=fmt.rdflib, encoding="utf-8"), args.output)
    return 0


def run_docs(args: argparse.Namespace) -> int:
    from guidegraph.ontology.docs import render_ontology_html

    _emit(render_ontology_html(args.lang).encode("utf-8"), args.output)
    return 0


def run_check(args: argparse.Namespace) -> int:
    import shutil

    from rdflib import Graph

    from guidegraph.rdf_io import parse_rdf, union_graph
    from guidegraph.ontology import check_consistency

    if shutil.which("java") is None:
        raise UsageError("the HermiT reasoner needs Java: install a JRE (e.g. default-jre-headless)")
    data = Graph()
    for path in args.files:
        for triple in union_graph(parse_rdf(path)):
            data.add(triple)
    check_consistency(data if args.files else None)
    what = f"the ontology and {len(args.files)} file(s) ({len(data)} triples)" if args.files else "the ontology"
    print(f"consistent: {what}")
    return 0
