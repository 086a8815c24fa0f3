"""Precision and recall of the related-directions linker on the hand-labelled pairs.

The corpus is the seed guides (corpus/) and every committed variant guide
(tests/variants/*/guide.*), ingested into one store as the server loads a
corpus. tests/data/related_pairs.tsv names each labelled pair by guide
(``corpus/<file>`` or ``variants/<folder>``) and exact direction title.

A pair counts as predicted related when the linker publishes it. Links are
top-k per direction, so the published set at threshold t is the top-k set
computed at threshold 0 restricted to scores >= t: the table over thresholds
is exact, not an approximation.

    .venv/bin/python benchmarks/eval_related.py [--json]

Prints precision, recall and F1 at the published threshold
(guidegraph.knowledge.related.THRESHOLD) and a PR table over thresholds.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "related_pairs.tsv"
TABLE_THRESHOLDS = (0.05, 0.1, 0.15, 0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3, 0.35, 0.4, 0.5)


@dataclass(frozen=True)
class LabelledPair:
    label: bool
    guide_a: str
    title_a: str
    guide_b: str
    title_b: str
    why: str


def read_pairs(path: Path = PAIRS) -> list[LabelledPair]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return [LabelledPair(row["label"] == "1", row["guide_a"], row["title_a"], row["guide_b"], row["title_b"], row["why"])
                for row in rows]


def guide_paths() -> dict[str, Path]:
    """Sample guide names -> files: the seeds, then every committed variant."""
    from guidegraph.corpus import seed_paths

    paths = {f"corpus/{Path(p).name}": Path(p) for p in seed_paths()}
    for doc in sorted((ROOT / "tests" / "variants").glob("*/guide.*")):
        paths[f"variants/{doc.parent.name}"] = doc
    return paths


@lru_cache(maxsize=1)
def corpus_store() -> tuple[ox.Store, dict[str, str]]:
    """The evaluation corpus in a store, and each sample guide name's guide IRI."""
    from guidegraph import iris
    from guidegraph.ingest.corpus import outline_quads
    from guidegraph.ingest.pipeline import outline_file

    outlines, guide_iris = [], {}
    for name, path in guide_paths().items():
        outline = outline_file(path)
        outlines.append(outline)
        guide_iris[name] = iris.guide_iri(outline)
    store = ox.Store()
    store.extend(outline_quads(outlines))
    return store, guide_iris


@lru_cache(maxsize=1)
def scored_pairs() -> tuple[dict[frozenset, float], dict[tuple[str, str], str]]:
    """The linker's top-k pairs at threshold 0 ({pair of IRIs: score}) and (guide IRI, title) -> direction IRI."""
    from guidegraph.knowledge import related

    store, _ = corpus_store()
    directions = related.read_directions(store)
    pairs = related.similar_pairs(directions, threshold=1e-9)
    scores = {frozenset((directions[i].iri, directions[j].iri)): s for (i, j), s in pairs.items()}
    by_title: dict[tuple[str, str], str] = {}
    for d in directions:
        by_title.setdefault((d.guide, d.title), d.iri)
    return scores, by_title


def resolve(pairs: list[LabelledPair]) -> list[tuple[LabelledPair, frozenset]]:
    """Each labelled pair with its two direction IRIs; a name or title the corpus lacks is an error."""
    _, guide_iris = corpus_store()
    _, by_title = scored_pairs()
    out = []
    for pair in pairs:
        iris_ = []
        for guide, title in ((pair.guide_a, pair.title_a), (pair.guide_b, pair.title_b)):
            if guide not in guide_iris:
                raise SystemExit(f"{PAIRS.name}: no guide {guide!r}")
            iri = by_title.get((guide_iris[guide], title))
            if iri is None:
                raise SystemExit(f"{PAIRS.name}: {guide} has no direction titled {title!r}")
            iris_.append(iri)
        out.append((pair, frozenset(iris_)))
    return out


@dataclass(frozen=True)
class Figures:
    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(threshold: float | None = None, pairs: list[LabelledPair] | None = None) -> Figures:
    """Precision and recall of the links published at ``threshold`` (default: the linker's)."""
    from guidegraph.knowledge import related

    threshold = related.THRESHOLD if threshold is None else threshold
    scores, _ = scored_pairs()
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for pair, key in resolve(pairs if pairs is not None else read_pairs()):
        linked = scores.get(key, 0.0) >= threshold
        counts[("t" if linked == pair.label else "f") + ("p" if linked else "n")] += 1
    return Figures(threshold, **counts)


def errors(threshold: float | None = None) -> list[tuple[LabelledPair, float]]:
    """The labelled pairs the linker gets wrong at ``threshold``, with their scores."""
    from guidegraph.knowledge import related

    threshold = related.THRESHOLD if threshold is None else threshold
    scores, _ = scored_pairs()
    return [(pair, scores.get(key, 0.0)) for pair, key in resolve(read_pairs())
            if (scores.get(key, 0.0) >= threshold) != pair.label]


def main(argv: list[str] | None = None) -> int:
    from guidegraph.knowledge import related

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list the pairs misjudged at the published threshold")
    args = parser.parse_args(argv)
    pairs = read_pairs()
    published = evaluate()
    table = [evaluate(t) for t in sorted(set(TABLE_THRESHOLDS) | {related.THRESHOLD})]
    if args.json:
        row = lambda f: {"threshold": f.threshold, "precision": round(f.precision, 4), "recall": round(f.recall, 4),  # noqa: E731
                         "f1": round(f.f1, 4), "tp": f.tp, "fp": f.fp, "fn": f.fn, "tn": f.tn}
        print(json.dumps({"pairs": len(pairs), "positives": sum(p.label for p in pairs), "method": related.METHOD,
                          "published": row(published), "table": [row(f) for f in table]}, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(pairs)} labelled pairs ({sum(p.label for p in pairs)} related), method: {related.METHOD}")
    print(f"published threshold {related.THRESHOLD}: precision {published.precision:.3f}  recall {published.recall:.3f}  "
          f"F1 {published.f1:.3f}  (tp {published.tp}, fp {published.fp}, fn {published.fn}, tn {published.tn})")
    print()
    print(f"{'threshold':>9}  {'precision':>9}  {'recall':>6}  {'F1':>5}  {'tp':>3}  {'fp':>3}  {'fn':>3}")
    for f in table:
        mark = "  <- published" if f.threshold == related.THRESHOLD else ""
        print(f"{f.threshold:>9.2f}  {f.precision:>9.3f}  {f.recall:>6.3f}  {f.f1:>5.3f}  {f.tp:>3}  {f.fp:>3}  {f.fn:>3}{mark}")
    if args.errors:
        print()
        for pair, score in errors():
            kind = "missed" if pair.label else "false link"
            print(f"{kind:>10}  {score:.3f}  {pair.title_a} | {pair.title_b}  ({pair.why})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
