"""The IRI scheme: every IRI guidegraph mints, derived from content under one base.

The mapping, the server (to dereference), the dumps and the catalogue all
read this module, so an IRI is spelt in one place. IRIs come from the
content, never from counters over the corpus, so re-ingesting the same file
yields the same IRIs:

    {base}guide/{jurisdiction}/{year}/{key}            a guide
    {base}guide/{jurisdiction}/{year}/{key}/graph      its named graph
    {guide}/node/{node id}                             outline nodes
    {node}/indicator/{n}, {node}/content/{n}, ...      parts, numbered in reading order
    {base}field/{hash}, {base}tag/{hash}               shared concepts (hash of the normalised label)
    {base}jurisdiction/{code}                          cn; ISO 3166-2:CN for provinces (cn-sx);
                                                       GB/T 2260 for cities and counties (370100)
    {base}scheme/{name}                                the concept schemes
    {base}graph/concepts                               the named graph of the shared concepts
    {base}dataset, {base}catalog                       the dataset and its catalogue

``{base}`` is a setting (``--base-iri``, the server's ``base_iri``); its
default comes from guidegraph.config.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import URIRef

from guidegraph.config import base_iri as configured_base_iri

if TYPE_CHECKING:
    from guidegraph.ingest.model import Outline

# ISO 3166-2:CN codes of the provincial-level divisions, by short name, with the
# suffix that makes the full name (山西 -> 山西省, 广西 -> 广西壮族自治区).
PROVINCES = {
    "北京": ("cn-bj", "市"), "天津": ("cn-tj", "市"), "河北": ("cn-he", "省"), "山西": ("cn-sx", "省"),
    "内蒙古": ("cn-nm", "自治区"), "辽宁": ("cn-ln", "省"), "吉林": ("cn-jl", "省"), "黑龙江": ("cn-hl", "省"),
    "上海": ("cn-sh", "市"), "江苏": ("cn-js", "省"), "浙江": ("cn-zj", "省"), "安徽": ("cn-ah", "省"),
    "福建": ("cn-fj", "省"), "江西": ("cn-jx", "省"), "山东": ("cn-sd", "省"), "河南": ("cn-ha", "省"),
    "湖北": ("cn-hb", "省"), "湖南": ("cn-hn", "省"), "广东": ("cn-gd", "省"), "广西": ("cn-gx", "壮族自治区"),
    "海南": ("cn-hi", "省"), "重庆": ("cn-cq", "市"), "四川": ("cn-sc", "省"), "贵州": ("cn-gz", "省"),
    "云南": ("cn-yn", "省"), "西藏": ("cn-xz", "自治区"), "陕西": ("cn-sn", "省"), "甘肃": ("cn-gs", "省"),
    "青海": ("cn-qh", "省"), "宁夏": ("cn-nx", "回族自治区"), "新疆": ("cn-xj", "维吾尔自治区"),
    "台湾": ("cn-tw", "省"), "香港": ("cn-hk", "特别行政区"), "澳门": ("cn-mo", "特别行政区"),
}
NATIONAL_NAMES = ("国家", "全国", "中国", "中华人民共和国")
CONCEPTS_GRAPH_PATH = "graph/concepts"
LINKS_GRAPH_PATH = "graph/links"


def base(base_iri: str | None = None) -> str:
    """``base_iri`` (or the configured default) ending in / or #."""
    value = base_iri or configured_base_iri()
    return value if value.endswith(("/", "#")) else value + "/"


def normalise_label(text: str) -> str:
    """The form two labels must share to denote the same concept."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def field_label(text: str) -> str:
    """A field heading reduced to its name: 先进制造领域 and 先进制造 are one field."""
    label = normalise_label(text)
    return re.sub(r"(领域|方面)$", "", label) or label


def short_hash(text: str, length: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


# ---------------------------------------------------------------- jurisdictions


@lru_cache(maxsize=1)
def _division_codes() -> dict[str, list[str]]:
    """GB/T 2260 names -> codes (a name such as 朝阳区 recurs in several provinces)."""
    table: dict[str, list[str]] = {}
    text = files("guidegraph.data").joinpath("gbt2260.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")
            table.setdefault(name, []).append(code)
    return table


def _province_prefix(name: str) -> tuple[str, str] | None:
    """(ISO code, GB/T 2260 two-digit prefix) of the province a full name starts with."""
    for short, (iso, suffix) in PROVINCES.items():
        if name.startswith(short + suffix):
            codes = _division_codes().get(short + suffix, [])
            return iso, codes[0][:2] if codes else ""
    return None


def division_code(name: str, level: str | None = None) -> str | None:
    """The GB/T 2260 code of a city or county named in full (济南市, 山东省济南市), or None
    when the name is unknown or ambiguous."""
    province = _province_prefix(name)
    local = name
    if province:
        for short, (iso, suffix) in PROVINCES.items():
            if iso == province[0]:
                local = name[len(short + suffix):] or name
    codes = _division_codes().get(local, [])
    if province and province[1]:
        codes = [c for c in codes if c.startswith(province[1])]
    if level == "municipal" and len(codes) > 1:
        codes = [c for c in codes if c.endswith("00")] or codes
    elif level == "county" and len(codes) > 1:
        codes = [c for c in codes if not c.endswith("00")] or codes
    return codes[0] if len(codes) == 1 else None


def jurisdiction_code(jurisdiction: dict | None) -> str:
    """cn for national guides, ISO 3166-2:CN for provinces, GB/T 2260 for cities and counties.

    A name no table knows gets ``{province or cn}-{hash}``, so it still has a
    stable IRI.
    """
    if not jurisdiction:
        return "unknown"
    if jurisdiction.get("code"):
        return quote(str(jurisdiction["code"]).lower(), safe="-")
    name = normalise_label(str(jurisdiction.get("name") or ""))
    level = jurisdiction.get("level")
    if level == "national" or name in NATIONAL_NAMES:
        return "cn"
    if not name:
        return "unknown"
    for short, (code, suffix) in PROVINCES.items():
        if name in (short, short + suffix) and level in (None, "provincial"):
            return code
        if level == "provincial" and name.startswith(short):
            return code
    found = division_code(name, level)
    if found:
        return found
    province = _province_prefix(name)
    return f"{province[0] if province else 'cn'}-{short_hash(name, 8)}"


# ---------------------------------------------------------------- resources


def _guide_key(outline: "Outline") -> str:
    if outline.doc_number:
        return "d" + short_hash(normalise_label(outline.doc_number), 8)
    if outline.title:
        return "t" + short_hash(normalise_label(outline.title + (outline.subtitle or "")), 8)
    if outline.sha256:
        return "s" + outline.sha256[:8]
    return "s" + short_hash(outline.source, 8)


def guide_iri(outline: "Outline", base_iri: str | None = None) -> str:
    """The guide's IRI: {base}guide/{jurisdiction}/{year}/{key}."""
    year = str(outline.year) if outline.year else "undated"
    return f"{base(base_iri)}guide/{jurisdiction_code(outline.jurisdiction)}/{year}/{_guide_key(outline)}"


def graph_iri(outline: "Outline", base_iri: str | None = None) -> str:
    """The named graph holding one guide: its guide IRI + "/graph"."""
    return guide_iri(outline, base_iri) + "/graph"


def node_iri(guide: str, node_id: str) -> str:
    return f"{guide}/node/{quote(node_id, safe='/-._~')}"


# Concept IRIs are rdflib URIRefs (they are used as RDF terms at once); guide and
# graph IRIs are plain strings, compared with graph names and request paths.
def field_iri(label: str, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{base(base_iri)}field/{short_hash(field_label(label))}")


def tag_iri(label: str, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{base(base_iri)}tag/{short_hash(normalise_label(label))}")


def jurisdiction_iri(jurisdiction: dict | None, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{base(base_iri)}jurisdiction/{jurisdiction_code(jurisdiction)}")


def scheme_iri(name: str, base_iri: str | None = None) -> URIRef:
    return URIRef(f"{base(base_iri)}scheme/{name}")


def concepts_graph_iri(base_iri: str | None = None) -> str:
    """The one named graph holding the concepts guides share (fields, tags, jurisdictions, schemes)."""
    return base(base_iri) + CONCEPTS_GRAPH_PATH


def links_graph_iri(base_iri: str | None = None) -> str:
    """The one named graph of links derived across guides (guidegraph.knowledge)."""
    return base(base_iri) + LINKS_GRAPH_PATH


def dataset_iri(base_iri: str | None = None) -> str:
    return base(base_iri) + "dataset"


def catalog_iri(base_iri: str | None = None) -> str:
    return base(base_iri) + "catalog"


def is_graph_name(iri: str) -> bool:
    """Whether ``iri`` names a graph (its description is the graph's catalogue entry)."""
    return iri.endswith("/graph") or iri.endswith("/" + CONCEPTS_GRAPH_PATH) or iri.endswith("/" + LINKS_GRAPH_PATH)


__all__ = [
    "PROVINCES", "base", "normalise_label", "field_label", "short_hash", "division_code", "jurisdiction_code",
    "guide_iri", "graph_iri", "node_iri", "field_iri", "tag_iri", "jurisdiction_iri", "scheme_iri",
    "concepts_graph_iri", "links_graph_iri", "dataset_iri", "catalog_iri", "is_graph_name",
]


def office_iri(jurisdiction: str, key: str, base_iri: str | None = None) -> str:
    """An office shared across guides (guidegraph.knowledge.offices): {base}office/{jurisdiction}/{hash of key}.

    ``key`` is the office's normalised authority/desk, so every spelling the
    rule reads as one office gets one IRI.
    """
    return f"{base(base_iri)}office/{quote(jurisdiction, safe='-')}/{short_hash(key)}"


def discipline_iri(code: str, base_iri: str | None = None) -> str:
    """A discipline of GB/T 13745-2009 (guidegraph/data/gbt13745.tsv): {base}scheme/gbt13745/{code}."""
    return f"{base(base_iri)}scheme/gbt13745/{quote(code, safe='')}"
