"""``guidegraph diff OLD NEW [--format text|json|trig] [--lang zh|en] [--data-dir DIR] [-o FILE]``.

OLD and NEW are guide files (.txt/.docx/.pdf/.html) or IRIs of guides in the
store (``--data-dir``). Exit status as diff(1): 0 the guides are the same, 1
they differ, 2 unusable input or usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from guidegraph.errors import UsageError

FORMATS = ("text", "json", "trig")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from guidegraph.commands.serve import DEFAULT_DATA_DIR

    p = sub.add_parser(
        "diff",
        help="what changed between two guides: directions, thresholds, funding, counts, deadlines, offices",
        description="Compare two guides (files .txt/.docx/.pdf/.html, or guide IRIs in the store) on their RDF: "
        "directions added, removed and changed, indicator thresholds raised or lowered, funding, declared counts, "
        "deadlines and offices. Exit status 0 when the guides are the same, 1 when they differ.",
    )
    p.add_argument("old", metavar="OLD", help="the older guide: a file, or a guide IRI in the store")
    p.add_argument("new", metavar="NEW", help="the newer guide: a file, or a guide IRI in the store")
    p.add_argument("--format", choices=FORMATS, default="text", help="text (default), json, or trig (an RDF change set with PROV)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the text form (default: zh)")
    p.add_argument("--data-dir", default=os.environ.get("GUIDEGRAPH_DATA_DIR", DEFAULT_DATA_DIR),
                   help="embedded store holding guides given by IRI")
    p.add_argument("--base-iri", help="base of the IRIs minted for guide files and the change set")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    p.set_defaults(run=run)


def _is_iri(value: str) -> bool:
    return value.startswith(("http://", "https://", "urn:")) and not Path(value).exists()


def _store_facts(data_dir: str, iris: list[str]):
    from guidegraph.diff.sources import facts_of_stored_guide
    from guidegraph.store import open_store

    if not Path(data_dir).exists():
        raise UsageError(f"no store in {data_dir}; guides given by IRI are read from --data-dir")
    from guidegraph.commands.query import store_in_use

    if store_in_use(Path(data_dir)):
        raise UsageError(f"the store in {data_dir} is held by another process (a running server?); "
                         "stop it, or open /diff on that server")
    with open_store({"data_dir": data_dir, "memory": False}) as store:
        return [facts_of_stored_guide(store, iri) for iri in iris]


def load_sides(args) -> list:
    from guidegraph.diff.sources import facts_of_file

    sides: list = [None, None]
    by_iri = [(i, v) for i, v in enumerate((args.old, args.new)) if _is_iri(v)]
    if by_iri:
        for (i, _), facts in zip(by_iri, _store_facts(args.data_dir, [v for _, v in by_iri])):
            sides[i] = facts
    for i, value in enumerate((args.old, args.new)):
        if sides[i] is None:
            sides[i] = facts_of_file(value, args.base_iri)
    return sides


def render(diff, fmt: str, lang: str, base_iri: str | None) -> bytes:
    if fmt == "json":
        return (json.dumps(diff.to_json(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "trig":
        from guidegraph.diff.changeset import changeset_dataset

        return changeset_dataset(diff, base_iri).serialize(format="trig").encode("utf-8")
    from guidegraph.diff.render_text import render_text

    return render_text(diff, lang).encode("utf-8")


def run(args: argparse.Namespace) -> int:
    from guidegraph.diff import diff_facts

    old, new = load_sides(args)
    diff = diff_facts(old, new)
    body = render(diff, args.format, args.lang, args.base_iri)
    if args.output:
        from guidegraph.formats import write_atomic

        write_atomic(args.output, body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return 0 if diff.same else 1
