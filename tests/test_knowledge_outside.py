"""Links out (guidegraph.knowledge.outside): codes and registry identifiers from shipped tables, nothing invented."""

from __future__ import annotations

import re
from importlib.resources import files

import pyoxigraph as ox
import pytest

from guidegraph import iris
from guidegraph.ingest.corpus import corpus_nquads
from guidegraph.knowledge import outside

BASE = "http://example.org/id/"
GG = "https://w3id.org/guidegraph/ontology#"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def table_lines(name):
    text = files("guidegraph.data").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_every_table_row_names_its_source():
    for name, width in (("jurisdiction_links.tsv", 4), ("authority_links.tsv", 6)):
        rows = table_lines(name)
        assert rows
        for row in rows:
            assert len(row) == width and len(row[-1]) > 20, row  # a source, not a placeholder


def test_identifiers_have_their_registries_shape():
    for item in outside.jurisdiction_entities().values():
        assert re.fullmatch(r"Q[1-9]\d*", item)
    for link in outside.authority_links():
        pattern = {"funder": r"501100\d{6}|100\d{6}", "ror": r"0[a-z0-9]{6}\d{2}", "wikidata": r"Q[1-9]\d*"}[link.registry]
        assert re.fullmatch(pattern, link.identifier), link


def test_jurisdiction_table_keys_are_jurisdiction_codes():
    provinces = {iso for iso, _suffix in iris.PROVINCES.values()}
    for code in outside.jurisdiction_entities():
        assert code == "cn" or code in provinces, code
    assert len(set(outside.jurisdiction_entities().values())) == len(outside.jurisdiction_entities())


@pytest.mark.parametrize("code, iso, gbt", [
    ("cn", "CN", None), ("cn-sx", "CN-SX", "140000"), ("cn-js", "CN-JS", "320000"), ("370100", None, "370100"),
    ("cn-4f3a2b1c", None, None), ("999999", None, None),
])
def test_codes_come_from_the_shipped_tables(code, iso, gbt):
    assert outside.iso3166_code(code) == iso
    assert outside.gbt2260_code(code) == gbt


@pytest.fixture(scope="module")
def seed_links():
    store = ox.Store()
    store.bulk_load(corpus_nquads(None, BASE), format=ox.RdfFormat.N_QUADS)
    return outside.link(store, BASE)


def about(triples, iri):
    return {(t.predicate.value, t.object.value) for t in triples if t.subject.value == iri}


def test_seed_jurisdictions_link_out(seed_links):
    shanxi = about(seed_links, BASE + "jurisdiction/cn-sx")
    assert shanxi == {(GG + "adminDivisionCode", "140000"), (GG + "iso3166Code", "CN-SX"),
                      (OWL_SAME_AS, "http://www.wikidata.org/entity/Q46913")}
    assert (OWL_SAME_AS, "http://www.wikidata.org/entity/Q16963") in about(seed_links, BASE + "jurisdiction/cn-js")
    assert about(seed_links, BASE + "jurisdiction/cn") == {(GG + "iso3166Code", "CN"),
                                                          (OWL_SAME_AS, "http://www.wikidata.org/entity/Q148")}
    # Jinan: its GB/T 2260 code, but no ISO 3166-2 code and no checked Wikidata item
    assert about(seed_links, BASE + "jurisdiction/370100") == {(GG + "adminDivisionCode", "370100")}


def test_authorities_without_a_checked_identifier_get_no_link(seed_links):
    jiangsu_department = iris.office_iri("cn-js", "科技厅/", BASE)
    assert about(seed_links, jiangsu_department) == set()


def test_a_listed_authority_gets_its_registry_links():
    guide = f"<{BASE}guide/cn/2025/a>"
    graph = f"<{BASE}guide/cn/2025/a/graph>"
    nquads = "\n".join([
        f"{guide} <{GG}jurisdiction> <{BASE}jurisdiction/cn> {graph} .",
        f'<{BASE}jurisdiction/cn> <http://www.w3.org/2004/02/skos/core#notation> "cn" <{BASE}graph/concepts> .',
        f"<{BASE}jurisdiction/cn> <{GG}jurisdictionLevel> <{GG}national> <{BASE}graph/concepts> .",
        f"<{BASE}jurisdiction/cn> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{GG}Jurisdiction> <{BASE}graph/concepts> .",
        f"<{BASE}o/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{GG}IssuingAuthority> {graph} .",
        f"<{BASE}o/1> <{GG}guide> {guide} {graph} .",
        f'<{BASE}o/1> <{GG}name> "国家自然科学基金委员会"@zh {graph} .',
    ]) + "\n"
    store = ox.Store()
    store.bulk_load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    links = about(outside.link(store, BASE), iris.office_iri("cn", "自然科学基金委/", BASE))
    assert links == {(GG + "funderRegistryEntry", "https://doi.org/10.13039/501100001809"),
                     (GG + "rorRecord", "https://ror.org/01h0zpd94")}
