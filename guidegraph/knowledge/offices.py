"""The same office across guides: one shared organisation per office, whatever the spelling.

Guides print an office the way their authors like it: 山西省科技厅社会发展处 in
one year, 省科技厅社会发展处 or plain 社会发展科技处 in another. Each guide's
office (a gg:Office in that guide's graph) is a record of what that guide
printed; this linker adds, in the links graph, one org:Organization per real
office, named after the spellings that denote it, and points every guide's
record at it with gg:sharedOffice.

The rule (docs/knowledge.md) is conservative, because a wrong merge is worse
than a missed one:

* a name splits into jurisdiction prefix + authority + desk. The prefix must
  be the guide's own jurisdiction (full 山西省 or short 山西), a bare level
  word that matches the guide's level (省 in a provincial guide, 市 in a
  municipal one), a province, or a division GB/T 2260 names unambiguously;
  any other prefix and the office is left alone;
* the authority must be one of the spellings in ``AUTHORITIES``
  (科技厅 ↔ 科学技术厅, 卫健委 ↔ 卫生健康委员会, ...);
* a desk printed without its authority (社会发展科技处) belongs to the
  guide's issuing authority only when the guide has exactly one;
* two desks are one only when their names agree once the redundant 科技
  before 处 of a 科技 authority is dropped (社会发展科技处 = 社会发展处); an
  abbreviation (高新处 / 高新技术处) or a combined desk (农业科技和社会发展处)
  stays distinct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox

from guidegraph import iris
from guidegraph.config import ONTOLOGY_NS
from guidegraph.iris import normalise_label
from guidegraph.knowledge.vocabulary import ALT_LABEL, ORG_NS, PREF_LABEL, RDF_TYPE, RDFS_LABEL, SKOS_NS

GG = ONTOLOGY_NS
ORG = ORG_NS
SUB_ORGANIZATION_OF = ox.NamedNode(ORG + "subOrganizationOf")
ORGANIZATION = ox.NamedNode(ORG + "Organization")
ORGANIZATIONAL_UNIT = ox.NamedNode(ORG + "OrganizationalUnit")
SHARED_OFFICE = ox.NamedNode(GG + "sharedOffice")
SHARED_OFFICE_CLASS = ox.NamedNode(GG + "SharedOffice")
OFFICE_JURISDICTION = ox.NamedNode(GG + "officeJurisdiction")

# (key, full name, spellings) of the authorities a desk can sit under; longest
# spellings are tried first, so 科学技术厅 is never read as 科学 + 技术厅.
AUTHORITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("科技部", "科学技术部", ("科学技术部", "科技部")),
    ("科技厅", "科学技术厅", ("科学技术厅", "科技厅")),
    ("科技局", "科学技术局", ("科学技术局", "科技局")),
    ("科委", "科学技术委员会", ("科学技术委员会", "科委")),
    ("卫生健康委", "卫生健康委员会", ("卫生健康委员会", "卫生健康委", "卫健委")),
    ("财政部", "财政部", ("财政部",)),
    ("财政厅", "财政厅", ("财政厅",)),
    ("财政局", "财政局", ("财政局",)),
    ("自然科学基金委", "自然科学基金委员会", ("自然科学基金委员会", "自然科学基金委", "基金委")),
)
AUTHORITY_LEVELS = {
    "科技部": {"national"}, "财政部": {"national"}, "自然科学基金委": {"national"},
    "科技厅": {"provincial"}, "财政厅": {"provincial"},
    "科技局": {"municipal", "county"}, "财政局": {"municipal", "county"},
}
SCIENCE_AUTHORITIES = {"科技部", "科技厅", "科技局", "科委"}
# A desk is a 处/室/科 of its authority; other bodies (中心, 所) are institutions, placed under an
# authority only when the name prints it (科技部信息中心).
DESK_END = re.compile(r"(处|室|科)$")
UNIT_END = re.compile(r"(处|室|科|中心)$")
LEVEL_WORDS = {"provincial": ("省", "自治区"), "municipal": ("市",), "county": ("县", "区")}
NATIONAL_PREFIXES = ("中华人民共和国", "国家", "中国")
GOVERNMENT_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "省", "市", "县", "区")

PREFIX = """PREFIX gg: <https://w3id.org/guidegraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
OFFICES_QUERY = PREFIX + """
SELECT ?office ?name ?guide ?jurisdiction ?code ?jname ?level WHERE {
  ?guide gg:jurisdiction ?jurisdiction .
  ?office gg:guide ?guide ; gg:name ?name ; a ?class .
  VALUES ?class { gg:Office gg:AcceptingOffice gg:ResponsibleDepartment gg:ContactDesk gg:IssuingAuthority }
  OPTIONAL { ?jurisdiction skos:notation ?code }
  OPTIONAL { ?jurisdiction skos:prefLabel ?jname }
  OPTIONAL { ?jurisdiction gg:jurisdictionLevel ?level }
}"""
ISSUERS_QUERY = PREFIX + "SELECT ?guide ?issuer WHERE { ?guide gg:issuingAuthority ?issuer }"
LEVEL_NAMES = {GG + name: name for name in ("national", "provincial", "municipal", "county")}


@dataclass(frozen=True)
class Place:
    """A guide's jurisdiction as the rule needs it."""

    iri: str
    code: str
    name: str
    level: str | None


@dataclass(frozen=True)
class Reading:
    """What an office name says: its jurisdiction, authority key and desk (either may be empty)."""

    place: Place
    authority: str  # a key of AUTHORITIES, or "" for an institution outside any authority
    desk: str  # the desk or institution name, normalised; "" for the authority itself
    explicit_authority: bool  # the authority was printed, not inferred from the issuer

    @property
    def key(self) -> str:
        return f"{self.authority}/{self.desk}"


# ---------------------------------------------------------------- reading names


def short_name(full: str) -> str:
    """山西省 -> 山西, 济南市 -> 济南, 广西壮族自治区 -> 广西 (at least two characters kept)."""
    for suffix in GOVERNMENT_SUFFIXES:
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            return full[: -len(suffix)]
    return full


def _split_authority(name: str) -> tuple[str, str, str] | None:
    """(prefix, authority key, rest) at the first authority spelling in ``name``."""
    best: tuple[int, int, str] | None = None
    for key, _full, spellings in AUTHORITIES:
        for spelling in spellings:
            at = name.find(spelling)
            if at >= 0 and (best is None or at < best[0] or (at == best[0] and len(spelling) > best[1])):
                best = (at, len(spelling), key)
    if best is None:
        return None
    at, length, key = best
    return name[:at], key, name[at + length:]


def resolve_prefix(prefix: str, own: Place, places: dict[str, Place]) -> Place | None:
    """The jurisdiction a name prefix denotes, or None when it is not sure."""
    if prefix == "" or prefix in level_words(own):
        return own
    if prefix in (own.name, short_name(own.name)):
        return own
    sibling = own.iri.rsplit("/", 1)[0]
    if prefix in NATIONAL_PREFIXES:
        return places.get("cn") or Place(f"{sibling}/cn", "cn", "中华人民共和国", "national")
    for short, (code, suffix) in iris.PROVINCES.items():
        if prefix in (short, short + suffix):
            return places.get(code) or Place(f"{sibling}/{code}", code, short + suffix, "provincial")
    code = iris.division_code(prefix)
    if code:
        return places.get(code) or Place(f"{sibling}/{code}", code, prefix, None)
    return None


def level_words(place: Place) -> tuple[str, ...]:
    """The bare words by which a guide names its own jurisdiction: 省 in a province, 市 in a city
    and in the four provincial-level municipalities (天津市 says 市科技局)."""
    if place.level == "provincial" and place.name.endswith("市"):
        return ("市",)
    return LEVEL_WORDS.get(place.level or "", ())


def fits_level(authority: str, place: Place) -> bool:
    """Whether an authority can belong to a jurisdiction of that level (科技厅 is provincial, 科技局 not,
    except in the provincial-level municipalities, whose departments are 局)."""
    level = "national" if place.code == "cn" else place.level
    if level == "provincial" and place.name.endswith("市"):
        level = "municipal"
    wanted = AUTHORITY_LEVELS.get(authority)
    return wanted is None or level is None or level in wanted


def read_office(name: str, own: Place, places: dict[str, Place], issuer: tuple[Place, str] | None) -> Reading | None:
    """How an office name reads under the rule, or None when it must not be linked.

    ``issuer`` is the (jurisdiction, authority key) of the guide's only issuing
    authority, if it has exactly one: a bare desk belongs to it.
    """
    label = normalise_label(name)
    if len(label) < 2:
        return None
    split = _split_authority(label)
    if split:
        prefix, authority, rest = split
        if AUTHORITY_LEVELS.get(authority) == {"national"} and prefix in ("", *NATIONAL_PREFIXES):
            prefix = NATIONAL_PREFIXES[0]
        place = resolve_prefix(prefix, own, places)
        if place is None or not fits_level(authority, place) or (rest and not UNIT_END.search(rest)):
            return None
        return Reading(place, authority, desk_key(rest, authority), True)
    if DESK_END.search(label):
        # A bare desk (社会发展科技处): its authority is the guide's one issuer.
        if issuer is None:
            return None
        return Reading(issuer[0], issuer[1], desk_key(label, issuer[1]), False)
    # An institution (受理服务中心): linked only with an explicit jurisdiction prefix.
    for candidate in _prefixes(label):
        place = resolve_prefix(candidate, own, places)
        rest = label[len(candidate):]
        if candidate and place is not None and len(rest) >= 4:
            return Reading(place, "", rest, False)
    return None


def _prefixes(label: str) -> Iterator[str]:
    """Candidate jurisdiction prefixes of an institution name, longest first."""
    for end in range(min(len(label) - 4, 12), 0, -1):
        yield label[:end]


def desk_key(desk: str, authority: str) -> str:
    """The name two desks of one authority share when they are the same desk."""
    if authority in SCIENCE_AUTHORITIES and desk.endswith("科技处") and len(desk) - 3 >= 2:
        return desk[: -3] + "处"
    return desk


# ---------------------------------------------------------------- the linker


def authority_label(place: Place, authority: str) -> str:
    full = next(f for key, f, _ in AUTHORITIES if key == authority)
    prefix = "" if place.code == "cn" else place.name
    if authority == "自然科学基金委":
        return "国家" + full
    return prefix + full


def shared_label(reading: Reading) -> str:
    if not reading.authority:
        return reading.place.name + reading.desk if reading.place.code != "cn" else reading.desk
    return authority_label(reading.place, reading.authority) + reading.desk


def _place(row) -> Place:
    iri = row["jurisdiction"].value
    code = row["code"].value if row["code"] else iri.rsplit("/", 1)[-1]
    name = normalise_label(row["jname"].value) if row["jname"] else ""
    level = LEVEL_NAMES.get(row["level"].value) if row["level"] else None
    return Place(iri, code, name, level)


def readings(store: ox.Store) -> dict[str, Reading]:
    """Every guide office the rule links, by the IRI of the guide's office record."""
    rows = list(store.query(OFFICES_QUERY, use_default_graph_as_union=True))
    places: dict[str, Place] = {}
    for row in rows:
        place = _place(row)
        places.setdefault(place.code, place)
    issuer_names: dict[str, set[str]] = {}
    names = {(row["office"].value): normalise_label(row["name"].value) for row in rows}
    for row in store.query(ISSUERS_QUERY, use_default_graph_as_union=True):
        if row["issuer"].value in names:
            issuer_names.setdefault(row["guide"].value, set()).add(names[row["issuer"].value])
    own_place = {row["guide"].value: _place(row) for row in rows}
    sole_issuer: dict[str, tuple[Place, str] | None] = {}
    for guide, place in own_place.items():
        found = set()
        for name in issuer_names.get(guide, ()):
            reading = read_office(name, place, places, None)
            if reading and reading.authority and not reading.desk:
                found.add((reading.place, reading.authority))
        sole_issuer[guide] = next(iter(found)) if len(found) == 1 else None
    result: dict[str, Reading] = {}
    for row in rows:
        guide = row["guide"].value
        reading = read_office(row["name"].value, own_place[guide], places, sole_issuer[guide])
        if reading is not None:
            result[row["office"].value] = reading
    return result


def link(store: ox.Store, base_iri: str | None = None) -> Iterable[ox.Triple]:
    names = {row["office"].value: normalise_label(row["name"].value)
             for row in store.query(OFFICES_QUERY, use_default_graph_as_union=True)}
    triples: list[ox.Triple] = []
    labels: dict[ox.NamedNode, set[str]] = {}
    spellings: dict[ox.NamedNode, set[str]] = {}
    found = readings(store)
    for office, reading in sorted(found.items()):
        shared = ox.NamedNode(iris.office_iri(reading.place.code, reading.key, base_iri))
        triples.append(ox.Triple(ox.NamedNode(office), SHARED_OFFICE, shared))
        triples.extend(_describe(shared, reading))
        labels.setdefault(shared, set()).add(shared_label(reading))
        spellings.setdefault(shared, set()).add(names[office])
        if reading.authority and reading.desk:
            parent = Reading(reading.place, reading.authority, "", True)
            parent_node = ox.NamedNode(iris.office_iri(reading.place.code, parent.key, base_iri))
            triples.append(ox.Triple(shared, SUB_ORGANIZATION_OF, parent_node))
            triples.extend(_describe(parent_node, parent))
            labels.setdefault(parent_node, set()).add(shared_label(parent))
            spellings.setdefault(parent_node, set())
    triples.extend(_places_outside_corpus(store, {r.place for r in found.values()}))
    for node, candidates in labels.items():
        label = sorted(candidates)[0]
        triples.append(ox.Triple(node, PREF_LABEL, ox.Literal(label, language="zh")))
        triples.append(ox.Triple(node, RDFS_LABEL, ox.Literal(label, language="zh")))
        for spelling in sorted(spellings[node] - {label}):
            triples.append(ox.Triple(node, ALT_LABEL, ox.Literal(spelling, language="zh")))
    return triples


def _places_outside_corpus(store: ox.Store, places: set[Place]) -> list[ox.Triple]:
    """A jurisdiction named only in an office name (山东省 in a Jinan guide) still gets a description,
    so the office's gg:officeJurisdiction dereferences."""
    known = {row["jurisdiction"].value for row in store.query(OFFICES_QUERY, use_default_graph_as_union=True)}
    triples = []
    for place in sorted(places, key=lambda p: p.code):
        if place.iri in known:
            continue
        node = ox.NamedNode(place.iri)
        triples += [
            ox.Triple(node, RDF_TYPE, ox.NamedNode(GG + "Jurisdiction")),
            ox.Triple(node, ox.NamedNode(SKOS_NS + "notation"), ox.Literal(place.code)),
            ox.Triple(node, PREF_LABEL, ox.Literal(place.name, language="zh")),
            ox.Triple(node, RDFS_LABEL, ox.Literal(place.name, language="zh")),
        ]
        if place.level:
            triples.append(ox.Triple(node, ox.NamedNode(GG + "jurisdictionLevel"), ox.NamedNode(GG + place.level)))
    return triples


def _describe(node: ox.NamedNode, reading: Reading) -> list[ox.Triple]:
    kind = ORGANIZATIONAL_UNIT if reading.authority and reading.desk else ORGANIZATION
    return [
        ox.Triple(node, RDF_TYPE, SHARED_OFFICE_CLASS),
        ox.Triple(node, RDF_TYPE, kind),
        ox.Triple(node, OFFICE_JURISDICTION, ox.NamedNode(reading.place.iri)),
    ]


__all__ = ["AUTHORITIES", "Place", "Reading", "read_office", "desk_key", "readings", "link"]
