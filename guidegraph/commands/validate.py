"""``guidegraph validate FILE... [--format text|json|turtle|csv] [--lang zh|en] [--strict] [--issuer NAME] [--jurisdiction NAME]``.

Guides (.txt/.docx/.pdf/.html) are ingested first; RDF files are validated as
they are. A draft often names neither its issuer nor its jurisdiction; an
officer gives them with --issuer / --jurisdiction (the text wins where it
names them). Exit status: 0 conforms (warnings allowed unless --strict), 1 a
violation (or, with --strict, a warning), 2 unusable input or usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

from guidegraph.errors import InputError, UsageError

REPORT_FORMATS = ("text", "json", "turtle", "csv")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check guides against the completeness shapes (SHACL) and report findings",
        description="Validate guides (.txt/.docx/.pdf/.html, or RDF .ttl/.nt/.nq/.trig/.jsonld) against the "
        "guidegraph SHACL shapes and print the findings with their source lines.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="guide or RDF files")
    p.add_argument("--format", choices=REPORT_FORMATS, default="text", help="report format (default: text)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="message language (default: zh)")
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument("--issuer", metavar="NAME", help="issuing authority of a draft whose text names none (e.g. 山西省科学技术厅)")
    p.add_argument("--jurisdiction", metavar="NAME", help="jurisdiction of a draft whose text names none (e.g. 山西省)")
    p.set_defaults(run=run)


def run(args) -> int:
    from guidegraph.validation import validate

    paths = [Path(f) for f in args.files]
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if path.is_dir():
            raise UsageError(f"{path}: is a directory; give guide or RDF files")
    # Validate every file before printing, so bad input fails with one line and no partial report.
    reports = [validate(path, lang=args.lang, issuer=args.issuer, jurisdiction=args.jurisdiction).report for path in paths]
    outputs = [report.render(args.format) for report in reports]
    if args.format == "json" and len(outputs) > 1:
        sys.stdout.write("[\n" + ",\n".join(outputs) + "\n]\n")
    else:
        sys.stdout.write("\n".join(out.rstrip("\n") for out in outputs) + "\n")
    failed = any(not r.conforms or (args.strict and r.counts()["Warning"]) for r in reports)
    return 1 if failed else 0
