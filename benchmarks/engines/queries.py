"""The benchmark's query mix: eight shapes over the real ontology plus every shipped canned query.

Each query has a weight: "light" (a point lookup, answered from an index in
well under a millisecond of engine time), "heavy" (scans, aggregation, paths,
sorting: the engine's time grows with the data) or "canned" (the files in
queries/, run with their default parameters, as /api/queries/NAME does).

Queries that range over every type filter to guidegraph's own namespace: a
Virtuoso store keeps system graphs of its own in the same quad table, which a
bare ``?s a ?type`` would count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PREFIXES = (
    "PREFIX gg: <https://w3id.org/guidegraph/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)


@dataclass(frozen=True)
class BenchQuery:
    name: str
    weight: str  # light, heavy or canned
    text: str

    @property
    def ordered(self) -> bool:
        """Whether row order is part of the answer (the query sorts)."""
        return re.search(r"\bORDER\s+BY\b", _without_comments(self.text), re.I) is not None

    @property
    def concatenated(self) -> dict[str, str]:
        """Variables bound by GROUP_CONCAT, with their separator: their order of parts is the engine's choice."""
        found = {}
        for m in _GROUP_CONCAT.finditer(_without_comments(self.text)):
            separator = m.group(1) if m.group(1) is not None else m.group(2)
            found[m.group(3)] = " " if separator is None else separator
        return found

    def variant(self, run: int) -> str:
        """The same query with a comment naming the run: equal answers, a different text for any cache."""
        return f"{self.text}\n# run {run}\n"


_GROUP_CONCAT = re.compile(
    r"""GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?(?:;\s*separator\s*=\s*(?:"([^"]*)"|'([^']*)'))?\s*\)\s*AS\s*\?(\w+)""",
    re.I)


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def shape_queries(iris: dict[str, str]) -> list[BenchQuery]:
    guide, direction = iris["guide"], iris["direction"]
    shapes = [
        ("lookup", "light", f"SELECT ?p ?o WHERE {{ <{guide}> ?p ?o }}"),
        ("indicators", "light",
         f"SELECT ?indicator ?text WHERE {{ <{direction}> gg:indicator ?indicator . ?indicator gg:text ?text }}"),
        ("group-count", "heavy",
         "SELECT ?year (COUNT(?direction) AS ?directions) WHERE {\n"
         "  ?direction a gg:Direction ; gg:guide ?guide . ?guide gg:year ?year\n} GROUP BY ?year"),
        ("numeric-filter", "heavy",
         "SELECT ?constraint ?value ?unit WHERE {\n"
         "  ?constraint gg:value ?value ; gg:unit ?unit FILTER(?value >= 100 && ?value < 1000)\n}"),
        # one literal pattern: Virtuoso 7.2 drops the non-ASCII side of an alternation ("关键技术|CAR-T")
        ("text-filter", "heavy",
         'SELECT ?node ?title WHERE {\n  ?node gg:title ?title FILTER(REGEX(STR(?title), "关键技术"))\n}'),
        ("property-path", "heavy",
         "SELECT ?direction ?programme WHERE {\n"
         "  ?direction a gg:Direction ; gg:parentNode+ ?programme . ?programme a gg:SpecialProgramme\n}"),
        ("order-limit", "heavy",
         "SELECT ?constraint ?value WHERE { ?constraint gg:value ?value } ORDER BY DESC(?value) ?constraint LIMIT 20"),
        ("distinct-types", "heavy",
         'SELECT DISTINCT ?type WHERE {\n  ?s a ?type FILTER(STRSTARTS(STR(?type), "https://w3id.org/guidegraph/"))\n}'),
    ]
    return [BenchQuery(name, weight, PREFIXES + text) for name, weight, text in shapes]


def canned_queries() -> list[BenchQuery]:
    """Every shipped canned query with its default parameters (what its API answers when given none)."""
    from guidegraph.queries import load_queries

    return [BenchQuery("canned:" + q.slug, "canned", q.bind({})) for q in load_queries()]


def all_queries(iris: dict[str, str]) -> list[BenchQuery]:
    return shape_queries(iris) + canned_queries()
