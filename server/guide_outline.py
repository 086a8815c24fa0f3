"""A guide's outline as a tree, and its funding per programme, for the guide page.

Two grouped queries per guide (cached with the page's description for the
dataset version): the outline nodes with their parents, and the programmes'
announced budgets. The tree counts the directions under every node.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from guidegraph.namespaces import GG, RDFS
from guidegraph.store.base import GraphStore, check_iri

KIND_BY_CLASS = {
    str(GG.Category): "category", str(GG.Programme): "programme", str(GG.SpecialProgramme): "programme",
    str(GG.FieldSection): "field", str(GG.Direction): "direction", str(GG.SubDirection): "subdirection",
}


@dataclass
class TreeNode:
    iri: str
    kind: str
    label: str
    code: str = ""
    indicators: int = 0
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def directions(self) -> int:
        """Directions at or below this node."""
        return (self.kind == "direction") + sum(child.directions for child in self.children)


def _select(store: GraphStore, query: str) -> list[dict[str, str]]:
    answer = store.query(query, result_format="json", graph_format="turtle", timeout=30, max_rows=None)
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(answer.body)["results"]["bindings"]]


def _natural(text: str) -> list:
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def guide_outline(store: GraphStore, guide: str) -> list[TreeNode]:
    """The top nodes of ``guide``'s outline, each with its subtree, in reading order."""
    check_iri(guide)
    classes = " ".join(f"<{c}>" for c in KIND_BY_CLASS)
    rows = _select(store, f"""
        SELECT ?n ?type (SAMPLE(?l) AS ?label) (SAMPLE(?p) AS ?parent) (SAMPLE(?c) AS ?code) (COUNT(DISTINCT ?i) AS ?indicators)
        WHERE {{ ?n <{GG.guide}> <{guide}> ; a ?type . VALUES ?type {{ {classes} }}
                 OPTIONAL {{ ?n <{RDFS.label}> ?l }} OPTIONAL {{ ?n <{GG.parentNode}> ?p }}
                 OPTIONAL {{ ?n <{GG.code}> ?c }} OPTIONAL {{ ?n <{GG.indicator}> ?i }} }}
        GROUP BY ?n ?type""")
    nodes = {r["n"]: TreeNode(r["n"], KIND_BY_CLASS[r["type"]], r.get("label", ""), r.get("code", ""), int(r["indicators"]))
             for r in rows}
    roots = []
    for row in sorted(rows, key=lambda r: _natural(r["n"])):
        node = nodes[row["n"]]
        parent = nodes.get(row.get("parent", ""))
        (parent.children if parent else roots).append(node)
    return roots


def programme_funding(store: GraphStore, guide: str) -> list[dict]:
    """Each programme's announced total budget (the largest gg:totalBudget figure), in yuan."""
    check_iri(guide)
    rows = _select(store, f"""
        SELECT ?p (SAMPLE(?l) AS ?label) (MAX(?yuan) AS ?total) WHERE {{
          ?p <{GG.guide}> <{guide}> ; a ?t ; <{GG.funding}> ?f . VALUES ?t {{ <{GG.Programme}> <{GG.SpecialProgramme}> }}
          ?f <{GG.fundingScope}> <{GG.totalBudget}> ; <{GG.yuan}> ?yuan . OPTIONAL {{ ?p <{RDFS.label}> ?l }}
        }} GROUP BY ?p ORDER BY DESC(?total)""")
    return [{"iri": r["p"], "label": r.get("label", r["p"]), "yuan": float(r["total"])} for r in rows]
