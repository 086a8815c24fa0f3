"""Related directions across guides (guidegraph/knowledge/related.py), on the real seeds and variants.

The links are checked in a real store loaded the way the server loads the
bundled corpus (guide graphs, concepts graph, links graph), and the
linker's precision and recall on the hand-labelled pairs must stay at
least at the figures docs/knowledge.md claims.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from guidegraph import iris
from guidegraph.bundled_corpus import load_bundled_corpus
from guidegraph.knowledge import LINKERS, derive_links, related
from guidegraph.namespaces import GG
from guidegraph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://guidegraph.test/id/"
# The figures docs/knowledge.md claims at the published threshold.
CLAIMED_PRECISION = 0.83
CLAIMED_RECALL = 0.64
# The CAR-T directions of the Shanxi 2017, Shanxi 2024 and Jiangsu 2025 seeds, by guide year and title.
CAR_T = {
    ("cn-sx", "2017"): "恶性肿瘤靶向CAR-T细胞治疗技术",
    ("cn-sx", "2024"): "靶向肝癌新型CAR-T细胞疗法的临床前研究",
    ("cn-js", "2025"): "生物（分子靶向）细胞免疫治疗关键技术研发",
}
PREFIX = f"PREFIX gg: <{GG}>\n"


@lru_cache(maxsize=1)
def load_eval_module():
    spec = importlib.util.spec_from_file_location("eval_related", ROOT / "benchmarks" / "eval_related.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_related"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seeded():
    store = open_store({})
    load_bundled_corpus(store, BASE)
    yield store
    store.close()


@pytest.fixture(scope="module")
def evaluation():
    return load_eval_module()


def rows(store, query: str) -> list[dict]:
    answer = store.query(PREFIX + query, result_format="json", graph_format="turtle")
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(answer.body)["results"]["bindings"]]


def links_graph_select(store, pattern: str, variables: str) -> list[dict]:
    return rows(store, f"SELECT {variables} WHERE {{ GRAPH <{iris.links_graph_iri(BASE)}> {{ {pattern} }} }}")


def test_related_is_a_registered_linker():
    assert "related" in LINKERS


def test_the_car_t_directions_of_shanxi_2017_shanxi_2024_and_jiangsu_2025_are_linked(seeded):
    found = {}
    for (jurisdiction, year), title in CAR_T.items():
        hits = rows(seeded, f"""SELECT ?d WHERE {{ ?d gg:title "{title}"@zh ; gg:guide ?g .
            ?g gg:jurisdiction <{BASE}jurisdiction/{jurisdiction}> ; gg:year "{year}"^^<http://www.w3.org/2001/XMLSchema#gYear> }}""")
        assert len(hits) == 1, (jurisdiction, year, hits)
        found[(jurisdiction, year)] = hits[0]["d"]
    linked = {(r["a"], r["b"]) for r in links_graph_select(seeded, "?a gg:relatedDirection ?b", "?a ?b")}
    directions = list(found.values())
    for a in directions:
        for b in directions:
            if a != b:
                assert (a, b) in linked, (a, b)


def test_no_direction_is_linked_inside_its_own_guide(seeded):
    same = rows(seeded, f"""SELECT ?a ?b WHERE {{
        GRAPH <{iris.links_graph_iri(BASE)}> {{ ?a gg:relatedDirection ?b }}
        ?a gg:guide ?g . ?b gg:guide ?g }}""")
    assert same == []
    assert links_graph_select(seeded, "?a gg:relatedDirection ?b", "?a ?b")  # there are links to check


def test_links_are_symmetric_and_each_pair_has_one_scored_similarity(seeded):
    links = {(r["a"], r["b"]) for r in links_graph_select(seeded, "?a gg:relatedDirection ?b", "?a ?b")}
    assert len(links) > 20  # the seeds share many topics (5 guides, ~300 directions)
    assert all((b, a) in links for a, b in links)
    similarities = links_graph_select(
        seeded, "?s a gg:DirectionSimilarity ; gg:similarityScore ?score ; gg:similarityMethod ?method", "?s ?score ?method")
    assert len(similarities) == len(links) // 2  # one node per unordered pair, one score and one method each
    members = {}
    for r in links_graph_select(seeded, "?s gg:similarityOf ?d", "?s ?d"):
        members.setdefault(r["s"], set()).add(r["d"])
    for s in similarities:
        score = float(s["score"])
        assert 0 < score <= 1
        assert score >= related.THRESHOLD
        assert s["method"] == related.METHOD
        pair = members[s["s"]]
        assert len(pair) == 2
        a, b = sorted(pair)
        assert (a, b) in links and s["s"] == related.similarity_iri(a, b, BASE) == related.similarity_iri(b, a, BASE)


def test_links_are_typed_in_the_store_as_the_ontology_says(seeded):
    # every linked resource is a direction of some guide graph, never a dangling IRI
    dangling = rows(seeded, f"""SELECT ?d WHERE {{
        GRAPH <{iris.links_graph_iri(BASE)}> {{ ?s gg:similarityOf ?d }}
        FILTER NOT EXISTS {{ ?d a ?class . VALUES ?class {{ gg:Direction gg:SubDirection }} }} }}""")
    assert dangling == []


def test_output_is_deterministic_whatever_the_load_order():
    from guidegraph.ingest.corpus import corpus_outlines, outline_quads

    outlines = list(corpus_outlines())
    forward, backward = ox.Store(), ox.Store()
    forward.extend(outline_quads(outlines, BASE))
    backward.extend(outline_quads(list(reversed(outlines)), BASE))
    first = list(related.link(forward, BASE))
    assert first == list(related.link(forward, BASE))
    assert first == list(related.link(backward, BASE))
    assert first and first == [t for t in derive_links(forward, BASE) if t in set(first)]


def direction(iri: str, guide: str, title: str, *texts: str) -> related.Direction:
    return related.Direction(iri, guide, title, list(texts))


def test_identical_texts_in_two_guides_score_one_and_unrelated_texts_are_not_linked():
    ds = [
        direction("urn:d:1", "urn:g:a", "恶性肿瘤靶向CAR-T细胞治疗技术", "开展CAR-T细胞制备与临床研究"),
        direction("urn:d:2", "urn:g:b", "恶性肿瘤靶向CAR-T细胞治疗技术", "开展CAR-T细胞制备与临床研究"),
        direction("urn:d:3", "urn:g:c", "茶叶精深加工关键技术", "研究茶叶提取物与茶饮料加工工艺"),
        direction("urn:d:4", "urn:g:d", "高原特色茶叶精深加工", "开发茶叶深加工产品"),
        direction("urn:d:5", "urn:g:e", "智慧港口集装箱自动化装卸系统", "研究集装箱码头自动化装卸设备"),
    ]
    pairs = related.similar_pairs(ds, threshold=0.05)
    assert pairs[(0, 1)] == 1.0
    assert (2, 3) in pairs
    assert not any(4 in pair for pair in pairs)


def test_two_directions_of_one_guide_are_never_paired_however_alike():
    ds = [direction(f"urn:d:{i}", "urn:g:one", "细胞治疗产品质量控制", "建立细胞治疗产品质量控制标准") for i in range(3)]
    ds.append(direction("urn:d:x", "urn:g:other", "页岩气高效压裂技术", "研究页岩气压裂"))
    assert related.similar_pairs(ds, threshold=0.01) == {}


def test_top_k_bounds_the_partners_each_direction_keeps(monkeypatch):
    # one direction, twelve copies of it in other guides: with top_k=3 each copy keeps three partners.
    # Every term is kept (in so small a corpus the copies' terms are in most directions).
    monkeypatch.setattr(related, "MAX_DF", 1.0)
    ds = [direction(f"urn:d:{i:02d}", f"urn:g:{i:02d}", "靶向肝癌CAR-T细胞疗法", "CAR-T细胞体外扩增") for i in range(12)]
    ds += [direction("urn:d:zz", "urn:g:zz", "页岩气高效压裂技术", "研究页岩气压裂"),
           direction("urn:d:zy", "urn:g:zy", "白酒酿造微生物资源", "研究酿酒微生物")]
    pairs = related.similar_pairs(ds, threshold=0.01, top_k=3)
    assert pairs and all(score == 1.0 for score in pairs.values())
    assert len(pairs) <= 12 * 3
    partners = {i: {j for pair in pairs for j in pair if i in pair and j != i} for i in range(12)}
    assert all(len(p) >= 3 for p in partners.values())  # each kept three; others may have kept it too


def test_terms_keep_chinese_words_and_acronyms_and_drop_numbers_and_english_prose():
    words = related.terms("靶向CD20的CAR-T细胞，不少于100例，Quality Control of Cell Therapy，GMP条件，5G-A基站")
    assert {"CD20", "CAR-T", "GMP", "5G-A"} <= set(words)
    assert "细胞" in words and "基站" in words
    assert not {"100", "Quality", "QUALITY", "Control", "OF", "Cell"} & set(words)


def test_an_empty_store_links_nothing():
    assert list(related.link(ox.Store(), BASE)) == []


def test_the_labelled_sample_is_large_mixed_and_names_real_directions(evaluation):
    pairs = evaluation.read_pairs()
    assert len(pairs) >= 100
    positives = sum(p.label for p in pairs)
    assert 30 <= positives <= len(pairs) - 30
    assert sum(not p.label and p.why.startswith("hard") for p in pairs) >= 30  # not only far-apart negatives
    assert all(p.why.strip() for p in pairs)
    resolved = evaluation.resolve(pairs)  # every guide and title exists; raises otherwise
    assert len({key for _, key in resolved}) == len(pairs)  # no pair labelled twice


def test_precision_and_recall_at_the_published_threshold_are_at_least_the_documented_figures(evaluation):
    figures = evaluation.evaluate()
    assert figures.threshold == related.THRESHOLD
    assert figures.precision >= CLAIMED_PRECISION, figures
    assert figures.recall >= CLAIMED_RECALL, figures
    docs = (ROOT / "docs" / "knowledge.md").read_text(encoding="utf-8")
    assert f"{CLAIMED_PRECISION:.2f}" in docs and f"{CLAIMED_RECALL:.2f}" in docs and str(related.THRESHOLD) in docs


def test_the_evaluation_measures_exactly_the_published_links(evaluation):
    store, _ = evaluation.corpus_store()
    published = {frozenset((t.subject.value, t.object.value)) for t in related.link(store)
                 if t.predicate.value == str(GG.relatedDirection)}
    scores, _ = evaluation.scored_pairs()
    assert published == {pair for pair, score in scores.items() if score >= related.THRESHOLD}


def test_the_evaluation_can_fail():
    module = load_eval_module()
    flipped = [type(p)(not p.label, p.guide_a, p.title_a, p.guide_b, p.title_b, p.why) for p in module.read_pairs()]
    figures = module.evaluate(pairs=flipped)
    assert figures.precision < CLAIMED_PRECISION and figures.recall < CLAIMED_RECALL
