"""The search index: one SQLite file with an FTS5 table of bigram tokens, ranked by bm25.

The FTS5 table is contentless (it keeps the tokens' positions, not the
text); the original text sits in an ordinary table beside it for snippets.
A file is written once, whole, under a temporary name and renamed into place,
so a reader sees the old index or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from guidegraph.search.documents import FIELDS, SearchDocument
from guidegraph.search.snippets import Snippet, make_snippet
from guidegraph.search.tokens import Term, find_hits, index_text, match_expression, term_keys, text_key

# bm25 weight of each field in the table of all fields, in FIELDS order.
FIELD_WEIGHTS = {"title": 4.0, "content": 2.0, "indicators": 1.0, "other": 1.0}
# FTS5's bm25 normalises by the length of the whole row, so a direction with a long
# research content would lose to a bare heading holding the same words in its title.
# Titles therefore also get a table of their own, whose bm25 (normalised by title
# length, so short titles that are mostly the query win) is added with this weight.
TITLE_WEIGHT = 2.0
SCHEMA_VERSION = 3


def build_index(path: Path, documents: list[SearchDocument], version: str, made_from: str | None = None) -> None:
    """Write the index of ``documents`` to ``path`` atomically; ``made_from`` names the data for
    a later run (index_made_from), None when it cannot be named."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(f"""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE items (id INTEGER PRIMARY KEY, iri TEXT, type TEXT, guide TEXT, title_key TEXT,
                                {", ".join(f"{f} TEXT" for f in FIELDS)});
            CREATE VIRTUAL TABLE fts USING fts5({", ".join(FIELDS)}, content='', tokenize='unicode61 remove_diacritics 0');
            CREATE VIRTUAL TABLE titles USING fts5(title, content='', tokenize='unicode61 remove_diacritics 0');
        """)
        meta = [("version", version), ("schema", str(SCHEMA_VERSION))] + ([("made_from", made_from)] if made_from else [])
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        conn.executemany(
            f"INSERT INTO items VALUES (?, ?, ?, ?, ?, {', '.join('?' for _ in FIELDS)})",
            ((i, d.iri, d.type, d.guide, text_key(d.label), *(d.text(f) for f in FIELDS)) for i, d in enumerate(documents, 1)),
        )
        conn.executemany(
            f"INSERT INTO fts (rowid, {', '.join(FIELDS)}) VALUES (?, {', '.join('?' for _ in FIELDS)})",
            ((i, *(index_text(d.text(f)) for f in FIELDS)) for i, d in enumerate(documents, 1)),
        )
        conn.executemany("INSERT INTO titles (rowid, title) VALUES (?, ?)",
                         ((i, index_text(d.text("title"))) for i, d in enumerate(documents, 1)))
        conn.execute("CREATE INDEX items_iri ON items (iri)")
        conn.execute("CREATE INDEX items_title_key ON items (title_key)")
        for table in ("fts", "titles"):
            conn.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
        conn.commit()
    finally:
        conn.close()
    os.replace(tmp, path)


@dataclass(frozen=True)
class Hit:
    iri: str
    type: str
    guide: str
    label: str
    label_marks: tuple[tuple[int, int], ...]
    snippet: Snippet
    matched: tuple[str, ...]  # the fields the terms were found in
    score: float  # -bm25 over the weighted fields: higher is better
    exact_title: bool  # the title is the query (such hits come first, whatever their score)


@dataclass(frozen=True)
class Page:
    total: int
    hits: list[Hit]


def open_index(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def index_made_from(path: Path) -> str | None:
    """What an index file was built from (build_index's ``made_from``), or None if there is no usable one."""
    if not path.exists():
        return None
    try:
        conn = open_index(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return meta.get("made_from") if meta.get("schema") == str(SCHEMA_VERSION) else None


def search_index(conn: sqlite3.Connection, terms: list[Term], limit: int, offset: int) -> Page:
    """One page of hits, best first: a title equal to the query first, then by score
    (weighted bm25 over all fields plus TITLE_WEIGHT times bm25 over the title alone)."""
    expression = match_expression(terms)
    keys = term_keys(terms)
    weights = ", ".join(str(FIELD_WEIGHTS[f]) for f in FIELDS)
    (total,) = conn.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expression,)).fetchone()
    exact = [row[0] for row in conn.execute("SELECT id FROM items WHERE title_key = ?", ("".join(keys),))]
    # Rank rowids only, then fetch the texts of the one page: sorting whole rows with their
    # research content and indicators would cost more than the ranking.
    rows = conn.execute(
        f"""WITH ranked AS (
                SELECT fts.rowid AS id, bm25(fts, {weights}) + {TITLE_WEIGHT} * coalesce(t.rank, 0) AS rank,
                       fts.rowid IN (SELECT value FROM json_each(?)) AS exact
                FROM fts LEFT JOIN (SELECT rowid, bm25(titles) AS rank FROM titles WHERE titles MATCH ?) AS t
                     ON t.rowid = fts.rowid
                WHERE fts MATCH ? ORDER BY exact DESC, rank LIMIT ? OFFSET ?)
            SELECT items.iri, items.type, items.guide, {", ".join(f"items.{f}" for f in FIELDS)}, ranked.rank, ranked.exact
            FROM ranked JOIN items ON items.id = ranked.id ORDER BY ranked.exact DESC, ranked.rank""",
        (json.dumps(exact), expression, expression, limit, offset),
    ).fetchall()
    hits = []
    for iri, kind, guide, *texts, rank, is_exact in rows:
        parts = dict(zip(FIELDS, texts))
        marks = {f: find_hits(parts[f], keys) for f in FIELDS}
        hits.append(Hit(
            iri, kind, guide, parts["title"], tuple(marks["title"]),
            make_snippet(parts, marks), tuple(f for f in FIELDS if marks[f]),
            round(-rank, 4), bool(is_exact),
        ))
    return Page(total, hits)


def index_labels(conn: sqlite3.Connection, iris: set[str]) -> dict[str, str]:
    wanted = sorted(iris)
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    return dict(conn.execute(f"SELECT iri, title FROM items WHERE iri IN ({marks})", wanted))
