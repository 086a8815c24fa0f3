"""Related directions across guides: TF-IDF cosine over jieba words, top-k per direction.

A direction's text is its title, research content, indicators and intro
(the unlabelled prose some guides give instead of 研究内容). It is segmented
into words by jieba (rjieba, its Rust port: fast enough for 10^6 triples).
Latin tokens count only as acronyms and codes (CAR-T, CD20, GMP, 5G-A);
numbers are dropped, since 不少于100例 says nothing about the topic.

Weights are (1 + ln tf) x ln(N / df) over all directions of the corpus, rows
are L2-normalised, and the score of two directions is the cosine of their
vectors, in (0, 1]. Terms in more than MAX_DF of all directions (研究, 技术,
开展, 建立 …) are left out: their idf is at most ln 5, a third of a rare
term's or less, and they are what would make the similarity product dense.
Terms of one direction only are left out too: they join nothing.

Each direction keeps its TOP_K best partners in other guides scoring at
least THRESHOLD; a pair is linked when either keeps the other, so the links
are symmetric. The choices (words rather than character bigrams, no extra
weight on titles, THRESHOLD) and the precision and recall they give were
measured on the hand-labelled pairs in tests/data/related_pairs.tsv with
benchmarks/eval_related.py; docs/knowledge.md ("Related directions") has
the figures.

Scale: the vectors are a scipy sparse matrix and the scores of one block of
rows against all rows are one sparse product (an inverted-index join done in
C), so no Python loop runs over pairs; the Python work per direction is one
top-k selection over its non-zero scores.

Published triples (in the links graph): ``a gg:relatedDirection b`` and
``b gg:relatedDirection a``, and one ``gg:DirectionSimilarity`` node per pair
with ``gg:similarityOf`` both directions, ``gg:similarityScore`` (xsd:decimal,
four places) and ``gg:similarityMethod`` (METHOD), so the score can be
queried next to the plain link.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator

import pyoxigraph as ox

from guidegraph import iris
from guidegraph.config import ONTOLOGY_NS
from guidegraph.iris import short_hash
from guidegraph.knowledge.vocabulary import RDF_TYPE, RDFS_LABEL, XSD_DECIMAL

TITLE_WEIGHT = 1  # times a title term counts (body terms count once); 2 and 3 measured worse on the sample
MAX_DF = 0.2
TOP_K = 10
THRESHOLD = 0.22
METHOD = f"tf-idf cosine over jieba words, top-{TOP_K} per direction, threshold {THRESHOLD} (guidegraph related v1)"
BLOCK_CELLS = 4_000_000  # rows per sparse product x all rows: bounds the memory of one block

GG = ONTOLOGY_NS
RELATED = ox.NamedNode(GG + "relatedDirection")
SIMILARITY = ox.NamedNode(GG + "DirectionSimilarity")
SIMILARITY_OF = ox.NamedNode(GG + "similarityOf")
SCORE = ox.NamedNode(GG + "similarityScore")
METHOD_PROPERTY = ox.NamedNode(GG + "similarityMethod")

_PREFIX = f"PREFIX gg: <{GG}>\n"
DIRECTIONS_QUERY = _PREFIX + """SELECT ?direction ?guide ?title WHERE {
  VALUES ?class { gg:Direction gg:SubDirection }
  ?direction a ?class ; gg:guide ?guide .
  OPTIONAL { ?direction gg:title ?title }
}"""
TEXTS_QUERY = _PREFIX + """SELECT ?direction ?text WHERE {
  VALUES ?class { gg:Direction gg:SubDirection }
  VALUES ?part { gg:researchContent gg:indicator gg:intro }
  ?direction a ?class ; ?part ?block .
  ?block gg:text ?text .
}"""

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ACRONYM = re.compile("^(?=.*[A-Za-z])(?:(?=(?:.*[A-Z]){2})|(?=.*[0-9]))[A-Za-z0-9+-]+$")


def terms(text: str) -> list[str]:
    """The words of ``text`` by jieba's segmentation: Chinese words, and Latin acronyms and codes.

    A Latin token counts when it has two capitals or a digit (CAR-T, CD20, GMP, mRNA, 5G-A). English
    words are dropped: in these guides they only translate the Chinese beside them, and would tie the
    few bilingual guides together on words such as International or Evaluation.
    """
    import rjieba

    out = []
    for word in rjieba.cut(unicodedata.normalize("NFKC", text)):
        if _HAN.search(word):
            out.append(word)
        elif _ACRONYM.match(word):
            out.append(word.upper())
    return out


@dataclass
class Direction:
    iri: str
    guide: str
    title: str
    texts: list[str]

    def term_counts(self) -> Counter:
        counts = Counter(terms(" ".join(sorted(self.texts))))
        for term in terms(self.title):
            counts[term] += TITLE_WEIGHT
        return counts


def read_directions(store: ox.Store) -> list[Direction]:
    """Every direction and sub-direction of the corpus with its texts, in IRI order."""
    directions: dict[str, Direction] = {}
    for row in store.query(DIRECTIONS_QUERY, use_default_graph_as_union=True):
        iri = row["direction"].value
        if iri not in directions:  # a node has one guide; a second title (never minted) is ignored
            title = row["title"].value if row["title"] is not None else ""
            directions[iri] = Direction(iri, row["guide"].value, title, [])
    for row in store.query(TEXTS_QUERY, use_default_graph_as_union=True):
        direction = directions.get(row["direction"].value)
        if direction is not None:
            direction.texts.append(row["text"].value)
    return [directions[iri] for iri in sorted(directions)]


def tfidf_matrix(directions: list[Direction]):
    """The L2-normalised TF-IDF rows of ``directions`` (scipy CSR, one row per direction)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    counts = [d.term_counts() for d in directions]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(directions)
    limit = max(2, MAX_DF * n)
    # Terms of one direction only join nothing, and the commonest join everything: both are left out.
    vocabulary = {t: i for i, t in enumerate(sorted(t for t, k in df.items() if 2 <= k <= limit))}
    idf = {t: math.log(n / df[t]) for t in vocabulary}
    indptr, indices, data = [0], [], []
    for c in counts:
        row = sorted((vocabulary[t], (1.0 + math.log(k)) * idf[t]) for t, k in c.items() if t in vocabulary)
        norm = math.sqrt(sum(w * w for _, w in row)) or 1.0
        indices.extend(i for i, _ in row)
        data.extend(w / norm for _, w in row)
        indptr.append(len(indices))
    return csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
                      shape=(n, len(vocabulary)))


def similar_pairs(directions: list[Direction], threshold: float | None = None, top_k: int | None = None) -> dict[tuple[int, int], float]:
    """{(i, j): cosine} with i < j, for pairs of different guides where either is among the other's top_k >= threshold."""
    import numpy as np

    threshold = THRESHOLD if threshold is None else threshold
    top_k = TOP_K if top_k is None else top_k
    n = len(directions)
    if n < 2:
        return {}
    matrix = tfidf_matrix(directions)
    transposed = matrix.T.tocsc()
    guide_ids: dict[str, int] = {}
    guide_of = np.array([guide_ids.setdefault(d.guide, len(guide_ids)) for d in directions], dtype=np.int64)
    block = max(1, BLOCK_CELLS // n)
    pairs: dict[tuple[int, int], float] = {}
    for start in range(0, n, block):
        scores = (matrix[start:start + block] @ transposed).tocsr()
        for offset in range(scores.shape[0]):
            i = start + offset
            lo, hi = scores.indptr[offset], scores.indptr[offset + 1]
            # scores are published to 4 places; the threshold applies to what is published
            cols, vals = scores.indices[lo:hi], np.minimum(np.round(scores.data[lo:hi], 4), 1.0)
            keep = (guide_of[cols] != guide_of[i]) & (vals >= threshold)
            cols, vals = cols[keep], vals[keep]
            if len(cols) > top_k:
                # Highest scores first; ties broken by column (IRI order) so the output is deterministic.
                order = np.lexsort((cols, -vals))[:top_k]
                cols, vals = cols[order], vals[order]
            for j, v in zip(cols.tolist(), vals.tolist()):
                key = (i, j) if i < j else (j, i)
                pairs[key] = v
    return pairs


def similarity_iri(a: str, b: str, base_iri: str | None) -> str:
    """The similarity node of a pair: from both IRIs, in either order."""
    first, second = sorted((a, b))
    return f"{iris.base(base_iri)}similarity/{short_hash(first + ' ' + second, 16)}"


def pair_triples(a: str, b: str, score: float, base_iri: str | None,
                 titles: tuple[str, str] | None = None) -> Iterator[ox.Triple]:
    left, right = ox.NamedNode(a), ox.NamedNode(b)
    node = ox.NamedNode(similarity_iri(a, b, base_iri))
    if titles:
        # pages and query results name the pair, not a hash
        yield ox.Triple(node, RDFS_LABEL, ox.Literal(f"{titles[0]} ↔ {titles[1]}（{score:.2f}）", language="zh"))
    yield ox.Triple(left, RELATED, right)
    yield ox.Triple(right, RELATED, left)
    yield ox.Triple(node, RDF_TYPE, SIMILARITY)
    yield ox.Triple(node, SIMILARITY_OF, left)
    yield ox.Triple(node, SIMILARITY_OF, right)
    yield ox.Triple(node, SCORE, ox.Literal(f"{score:.4f}", datatype=XSD_DECIMAL))
    yield ox.Triple(node, METHOD_PROPERTY, ox.Literal(METHOD))


def link(store: ox.Store, base_iri: str | None = None) -> Iterable[ox.Triple]:
    directions = read_directions(store)
    out: list[ox.Triple] = []
    for (i, j), score in sorted(similar_pairs(directions).items()):
        out.extend(pair_triples(directions[i].iri, directions[j].iri, score, base_iri,
                                (directions[i].title, directions[j].title)))
    return out


__all__ = ["THRESHOLD", "TOP_K", "METHOD", "terms", "read_directions", "similar_pairs", "similarity_iri", "link"]
