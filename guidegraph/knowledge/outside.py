"""Links out: jurisdictions and issuing authorities joined to the identifiers other datasets use.

Jurisdictions get their GB/T 2260 code (guidegraph/data/gbt2260.tsv), their
ISO 3166 code (ISO 3166-1 CN for the country, ISO 3166-2:CN for provinces,
which iris.PROVINCES already keys them by) and owl:sameAs their Wikidata
entity (guidegraph/data/jurisdiction_links.tsv). The shared issuing
authorities of guidegraph.knowledge.offices get their Crossref Funder
Registry DOI, ROR record and Wikidata entity where
guidegraph/data/authority_links.tsv has one. Every row of those tables names
its source; nothing is looked up at run time, and an authority without a
checked identifier simply has no link.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Iterable

import pyoxigraph as ox

from guidegraph import iris
from guidegraph.config import ONTOLOGY_NS
from guidegraph.knowledge import offices
from guidegraph.knowledge.vocabulary import SAME_AS

ADMIN_DIVISION_CODE = ox.NamedNode(ONTOLOGY_NS + "adminDivisionCode")
ISO3166_CODE = ox.NamedNode(ONTOLOGY_NS + "iso3166Code")
REGISTRIES = {
    "funder": (ox.NamedNode(ONTOLOGY_NS + "funderRegistryEntry"), "https://doi.org/10.13039/{}"),
    "ror": (ox.NamedNode(ONTOLOGY_NS + "rorRecord"), "https://ror.org/{}"),
    "wikidata": (SAME_AS, "http://www.wikidata.org/entity/{}"),
}
WIKIDATA = "http://www.wikidata.org/entity/{}"

JURISDICTIONS_QUERY = """PREFIX gg: <https://w3id.org/guidegraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?jurisdiction ?code ?name WHERE {
  ?jurisdiction a gg:Jurisdiction ; skos:notation ?code .
  OPTIONAL { ?jurisdiction skos:prefLabel ?name }
}"""


@dataclass(frozen=True)
class AuthorityLink:
    jurisdiction: str
    authority: str
    registry: str
    identifier: str

    @property
    def target(self) -> ox.NamedNode:
        return ox.NamedNode(REGISTRIES[self.registry][1].format(self.identifier))


def _rows(name: str, width: int) -> Iterable[list[str]]:
    text = files("guidegraph.data").joinpath(name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        row = line.split("\t")
        if len(row) != width or not all(cell.strip() for cell in row):
            raise ValueError(f"{name} line {number}: expected {width} non-empty tab-separated columns")
        yield row


@lru_cache(maxsize=1)
def jurisdiction_entities() -> dict[str, str]:
    """Wikidata item by jurisdiction code."""
    found = {}
    for code, item, _name, _source in _rows("jurisdiction_links.tsv", 4):
        if not item.startswith("Q") or not item[1:].isdigit():
            raise ValueError(f"jurisdiction_links.tsv: {item!r} is not a Wikidata item")
        found[code] = item
    return found


@lru_cache(maxsize=1)
def authority_links() -> tuple[AuthorityLink, ...]:
    keys = {key for key, _full, _spellings in offices.AUTHORITIES}
    found = []
    for jurisdiction, authority, registry, identifier, _name, _source in _rows("authority_links.tsv", 6):
        if authority not in keys or registry not in REGISTRIES:
            raise ValueError(f"authority_links.tsv: unknown authority {authority!r} or registry {registry!r}")
        found.append(AuthorityLink(jurisdiction, authority, registry, identifier))
    return tuple(found)


_ISO_BY_CODE = {iso: (short + suffix) for short, (iso, suffix) in iris.PROVINCES.items()}


def iso3166_code(code: str) -> str | None:
    """CN for the country, CN-SX for a province, None below (ISO 3166-2 stops at provinces)."""
    if code == "cn":
        return "CN"
    return code.upper() if code in _ISO_BY_CODE else None


def gbt2260_code(code: str) -> str | None:
    """The six-digit GB/T 2260 code of a jurisdiction keyed by ``code``, if the shipped table has it."""
    if code in _ISO_BY_CODE:
        return iris.division_code(_ISO_BY_CODE[code])
    if len(code) == 6 and code.isdigit() and code in _known_division_codes():
        return code
    return None


@lru_cache(maxsize=1)
def _known_division_codes() -> frozenset[str]:
    text = files("guidegraph.data").joinpath("gbt2260.tsv").read_text(encoding="utf-8")
    return frozenset(line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#"))


def jurisdiction_triples(store: ox.Store) -> list[ox.Triple]:
    triples = []
    entities = jurisdiction_entities()
    for row in store.query(JURISDICTIONS_QUERY, use_default_graph_as_union=True):
        node, code = row["jurisdiction"], row["code"].value
        if (value := gbt2260_code(code)) is not None:
            triples.append(ox.Triple(node, ADMIN_DIVISION_CODE, ox.Literal(value)))
        if (value := iso3166_code(code)) is not None:
            triples.append(ox.Triple(node, ISO3166_CODE, ox.Literal(value)))
        if code in entities:
            triples.append(ox.Triple(node, SAME_AS, ox.NamedNode(WIKIDATA.format(entities[code]))))
    return triples


def authority_triples(store: ox.Store, base_iri: str | None) -> list[ox.Triple]:
    present = {(r.place.code, r.authority) for r in offices.readings(store).values() if r.authority}
    triples = []
    for link in authority_links():
        if (link.jurisdiction, link.authority) in present:
            node = ox.NamedNode(iris.office_iri(link.jurisdiction, f"{link.authority}/", base_iri))
            triples.append(ox.Triple(node, REGISTRIES[link.registry][0], link.target))
    return triples


def link(store: ox.Store, base_iri: str | None = None) -> Iterable[ox.Triple]:
    return jurisdiction_triples(store) + authority_triples(store, base_iri)


__all__ = ["jurisdiction_entities", "authority_links", "iso3166_code", "gbt2260_code", "link"]
