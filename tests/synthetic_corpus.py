"""A guide-shaped corpus of any size, from the seed guides' real outlines.

Each copy of a seed outline gets its own document number and year, so its
IRIs are new while every resource kind (guides, programmes, fields,
directions, indicators with quantities, offices, contacts, spans) occurs as
in real guides. The mapping is the real one; nothing here shapes triples.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from guidegraph.ingest.corpus import outline_quads
from guidegraph.ingest.model import Outline


@lru_cache(maxsize=1)
def seed_outlines() -> tuple[Outline, ...]:
    from guidegraph.ingest.corpus import corpus_outlines

    return tuple(corpus_outlines())


def synthetic_outlines(copies: int) -> list[Outline]:
    """``copies`` outlines: the seeds in turn, each renumbered (copy i of a seed is its i-th edition)."""
    seeds = seed_outlines()
    out = []
    for i in range(copies):
        outline = copy.copy(seeds[i % len(seeds)])
        edition = i // len(seeds)
        if edition:
            outline.doc_number = f"合成〔{2000 + edition}〕{i}号"
            outline.year = (outline.year or 2020) - edition % 20
            outline.title = f"{outline.title or '指南'}（第{edition}版）"
        out.append(outline)
    return out


def synthetic_nquads(min_triples: int) -> tuple[bytes, int]:
    """N-Quads of at least ``min_triples`` statements (whole guides), and the guide count."""
    import pyoxigraph as ox

    per_round = len(outline_quads(seed_outlines()))
    rounds = -(-min_triples // per_round)
    outlines = synthetic_outlines(rounds * len(seed_outlines()))
    quads = outline_quads(outlines)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS), len(outlines)
