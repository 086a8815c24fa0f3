"""``guidegraph ingest FILES... [-o OUT] [--into DATA_DIR] [--report]``: guides in, RDF (and a coverage report) out.

Many files go through one by one behind a progress bar; a file that cannot
be read is reported and skipped, the rest proceed, and the exit status says
something failed (1). The output file is written atomically, only when at
least one guide was ingested, so a failed run never leaves a partial file.
``--into`` writes the guides straight into a store's data directory (as
``guidegraph load`` does), each guide's graph replacing its earlier version.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from guidegraph.errors import GuideGraphError, UsageError
from guidegraph.formats import RDF_FORMATS, rdf_format_for_path, write_atomic
from guidegraph.ingest.model import Outline


def add_parser(sub) -> None:
    p = sub.add_parser(
        "ingest",
        help="ingest guides into RDF (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML)",
        description="Read guides (.txt/.docx/.pdf/.html), recover their structure and write the knowledge graph.",
    )
    p.add_argument("files", nargs="*", help="guide files or folders (default: the bundled demo corpus)")
    p.add_argument("-o", "--output", help="RDF output file; the format follows the extension unless --format is given")
    p.add_argument("-f", "--format", choices=[f.name for f in RDF_FORMATS], help="RDF format of --output")
    p.add_argument("--base-iri", help="base IRI for the data (default: $GUIDEGRAPH_BASE_IRI or the project default)")
    p.add_argument("--into", metavar="DATA_DIR", help="write the guides into the store in this data directory (as serve --data-dir uses), replacing each guide's earlier graph")
    p.add_argument("--report", action="store_true", help="print per-file coverage: how much text was assigned, and what was not and why")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run, native_heavy=lambda args: bool(args.into))


@dataclass
class FileResult:
    path: str
    outline: Outline | None = None
    error: str | None = None


def expand_inputs(items: list[str]) -> list[Path]:
    """Files as given; folders expand to the guide files inside them."""
    from guidegraph.corpus import seed_paths

    if not items:
        return seed_paths()
    suffixes = {".txt", ".docx", ".pdf", ".html", ".htm"}
    paths: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            paths.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in suffixes))
        else:
            paths.append(p)
    return paths


def ingest_files(paths: list[Path], progress: bool = True) -> list[FileResult]:
    from tqdm import tqdm

    from guidegraph.ingest.pipeline import outline_file

    results: list[FileResult] = []
    bar = tqdm(paths, desc="ingest", unit="file", disable=not progress, file=sys.stderr)
    for path in bar:
        bar.set_postfix_str(path.name)
        try:
            results.append(FileResult(str(path), outline=outline_file(path)))
        except GuideGraphError as exc:
            results.append(FileResult(str(path), error=str(exc)))
    return results


def run(args) -> int:
    if args.format and not args.output:
        raise UsageError("--format needs --output")
    fmt = rdf_format_for_path(args.output, args.format) if args.output else None
    paths = expand_inputs(args.files)
    if not paths:
        raise UsageError("no guide files found in the given folders")
    results = ingest_files(paths, progress=not args.no_progress and sys.stderr.isatty())
    failed = [r for r in results if r.error]
    good = [r.outline for r in results if r.outline is not None]
    for r in failed:
        print(f"guidegraph: skipped {r.path}: {r.error}", file=sys.stderr)
    for outline in good:
        for warning in outline.warnings:
            print(f"guidegraph: warning: {outline.source}: {warning}", file=sys.stderr)
    if args.report or not (args.output or args.into):
        print(render_report(results))
    if fmt is not None and good:
        data, statements = _serialize(good, fmt, args.base_iri)
        write_atomic(args.output, data)
        print(f"wrote {len(good)} guide(s) to {args.output} ({fmt.name}, {statements} statements)", file=sys.stderr)
    if args.into and good:
        from guidegraph.bulkload.guides import load_guides

        report = load_guides(args.into, good, args.base_iri, show_progress=not args.no_progress and sys.stderr.isatty())
        print(f"guidegraph: {len(good)} guide(s) into {args.into}: {report.closing_line()}", file=sys.stderr)
    return 1 if failed else 0


def _serialize(outlines: list, fmt, base_iri: str | None) -> tuple[bytes, int]:
    """The guides in ``fmt`` and the number of statements written."""
    from guidegraph.ingest.corpus import FAST_FORMATS, add_outline, serialize_outlines
    from guidegraph.rdf_io import new_dataset, serialize_dataset

    if fmt.name in FAST_FORMATS:
        return serialize_outlines(outlines, fmt.name, base_iri)
    ds = new_dataset()
    for outline in outlines:
        add_outline(ds, outline, base_iri)
    return serialize_dataset(ds, fmt), len(ds)


def render_report(results: list[FileResult]) -> str:
    rows = [("file", "nodes", "directions", "indicators", "offices", "assigned", "total", "coverage")]
    details: list[str] = []
    for r in results:
        if r.outline is None:
            rows.append((Path(r.path).name, "-", "-", "-", "-", "-", "-", "FAILED"))
            continue
        o = r.outline
        directions = [n for n in o.nodes if n.kind in ("direction", "subdirection")]
        cov = o.coverage
        rows.append(
            (
                Path(r.path).name,
                str(len(o.nodes)),
                str(len(directions)),
                str(sum(len(n.indicators) for n in directions)),
                str(len(o.offices)),
                str(cov.chars_assigned),
                str(cov.chars_total),
                f"{cov.ratio:.2%}",
            )
        )
        for u in cov.unassigned:
            where = f"L{u.start_line}" if u.start_line == u.end_line else f"L{u.start_line}-{u.end_line}"
            details.append(f"  {Path(r.path).name} {where}: {u.text!r} — {u.reason}")
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    table = "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows)
    if details:
        table += "\nunassigned text (explained):\n" + "\n".join(details)
    return table
