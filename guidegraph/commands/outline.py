"""``guidegraph outline FILE``: the recovered structure of one guide, as a tree or as JSON."""

from __future__ import annotations

import json
import sys

from guidegraph.formats import write_atomic
from guidegraph.ingest.model import Outline


def add_parser(sub) -> None:
    p = sub.add_parser(
        "outline",
        help="print the structure recovered from one guide (tree, or --json)",
        description="Read one guide (.txt/.docx/.pdf/.html) and print the structure ingest recovers.",
    )
    p.add_argument("file", help="the guide file")
    p.add_argument("--json", action="store_true", help="print the outline as JSON (the documented shape)")
    p.add_argument("-o", "--output", help="write to this file instead of standard output (atomically)")
    p.set_defaults(run=run)


def run(args) -> int:
    from guidegraph.ingest.pipeline import outline_file

    outline = outline_file(args.file)
    text = json.dumps(outline.to_json(), ensure_ascii=False, indent=2) if args.json else render_tree(outline)
    if args.output:
        write_atomic(args.output, (text + "\n").encode("utf-8"))
    else:
        sys.stdout.write(text + "\n")
    for warning in outline.warnings:
        print(f"guidegraph: warning: {outline.source}: {warning}", file=sys.stderr)
    return 0


def render_tree(outline: Outline) -> str:
    """A readable tree: kind, number, title, tags, indicator counts, source lines."""
    out = [f"{outline.title or outline.source}  ({outline.year or '?'}, {(outline.jurisdiction or {}).get('name', '?')})"]
    if outline.document_kind == "forwarding_notice":
        out.append("  forwarding notice: publishes no directions of its own")
    for key, count in outline.declared_counts.items():
        where = f"  L{count['source'].start_line}" if count.get("source") else ""
        out.append(f"  declares {key}: {count.get('value')}  「{count.get('text', '')}」{where}")
    depth: dict[str | None, int] = {None: -1}
    for n in outline.nodes:
        d = depth.get(n.parent, -1) + 1
        depth[n.id] = d
        tags = f" [{'、'.join(n.tags)}]" if n.tags else ""
        extra = f"  {len(n.indicators)} indicators" if n.indicators else ""
        lines = f"  L{n.source.start_line}-{n.source.end_line}" if n.source else ""
        out.append(f"{'  ' * (d + 1)}{n.kind:<12} {n.number or n.code or '':<6} {n.title}{tags}{extra}{lines}")
    for office in outline.offices:
        phones = ", ".join(p for c in office.contacts for p in c.phones)
        out.append(f"  office ({office.role}) {office.name}  {phones}")
    for deadline in outline.deadlines:
        out.append(f"  deadline {deadline.datetime}  {deadline.label}")
    cov = outline.coverage
    out.append(f"  coverage {cov.chars_assigned}/{cov.chars_total} ({cov.ratio:.2%})")
    return "\n".join(out)
