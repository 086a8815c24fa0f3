"""Ingest and validation fidelity on guides nobody tuned the parser to: one table, one row per document.

Each document under tests/variants/<name>/ (and each seed, with the partial
expectations in tests/variants/seeds_expected/<stem>/) has a hand-made
expected outline (expected.json) and the findings validation must report
(findings.json). The parser's outline and the validator's report are compared
with them:

- dir R / dir P: direction and sub-direction recall and precision. An expected
  node matches a parsed node of any kind with the same guide code, or the same
  normalised title and no conflicting number (numbers compare by their core:
  （1） = 1. = 方向1).
- kind: of the matched nodes (every kind the expectation lists), the share
  typed as expected.
- ind R / qty R: indicator statements found under the matched node (by text
  containment) and quantities (comparator, value, value_max, unit) recovered.
- off R / tel R: offices found by name, and their phone numbers.
- decl R: declared direction / project counts, per node and for the guide.
- meta: year, jurisdiction, issuers, document number and deadlines.
- defect R / false: expected findings reported (same shape, severity and
  line, and naming the direction's code where it has one), and Violations /
  Warnings reported that findings.json does not list.

    .venv/bin/python benchmarks/fidelity.py [--only NAME] [--json] [--no-seeds]

The overall rows pool every item of every document; the per-document mean
row weighs each document the same (the generated 1,040-direction guide would
otherwise dominate the pooled direction figures). A column is "–" where the
expectation lists nothing to score. Precision and
false alarms are only scored where the expectation says it is complete
(``"complete": {"directions": false}`` / ``{"findings": false}`` turn them off
for the seeds' partial expectations).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ROOT / "tests" / "variants"
SEEDS_EXPECTED = VARIANTS / "seeds_expected"
DIRECTION_KINDS = ("direction", "subdirection")
REPORTED_SEVERITIES = ("Violation", "Warning")
DOCUMENT_NAMES = ("guide.txt", "guide.docx", "guide.pdf", "guide.html")
_EDGE_PUNCT = "。；;：:，,、.．"


# ---------------------------------------------------------------- normalising


def norm_text(text: str | None) -> str:
    """Compare text the way a reader would: width-folded, no whitespace, case-folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text).casefold()
    return text.strip(_EDGE_PUNCT)


def norm_number(number: str | None) -> str:
    """The core of a printed number: （1） 1. 1、 方向1 -> 1; 一、 专题一 -> 一; I. -> i."""
    if not number:
        return ""
    text = unicodedata.normalize("NFKC", number).casefold()
    return "".join(re.findall(r"[0-9a-zⅠ-ⅿ零〇一二三四五六七八九十百]+", text))


def norm_phone(phone: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))


def quantity_key(q: dict[str, Any]) -> tuple:
    unit = norm_text(q.get("unit")) or None
    value_max = q.get("value_max")
    return (q.get("comparator"), float(q["value"]), float(value_max) if value_max is not None else None, unit)


def count_value(count: Any) -> int | None:
    """A declared count as printed in outline JSON: an int, or {"value": n, ...}."""
    if isinstance(count, dict):
        count = count.get("value")
    if isinstance(count, (int, float)) and not isinstance(count, bool):
        return int(count)
    return None


# ---------------------------------------------------------------- tallies


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.total += 1
        self.hit += int(bool(hit))

    def __iadd__(self, other: "Ratio") -> "Ratio":
        self.hit += other.hit
        self.total += other.total
        return self

    @property
    def value(self) -> float | None:
        return self.hit / self.total if self.total else None

    def cell(self) -> str:
        return "–" if self.value is None else f"{self.value:.3f}"


METRICS = ("dir_recall", "dir_precision", "kind", "tags", "ind_recall", "qty_recall", "office_recall",
           "phone_recall", "declared_recall", "funding_recall", "meta", "defect_recall")


@dataclass
class Score:
    name: str
    fmt: str = ""
    expected_dirs: int = 0
    parsed_dirs: int = 0
    ratios: dict[str, Ratio] = field(default_factory=lambda: {m: Ratio() for m in METRICS})
    false_alarms: int | None = 0
    false_alarm_list: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    macro: dict[str, float | None] | None = None  # per-document means, for the mean rows

    def cell(self, metric: str) -> str:
        if self.macro is not None:
            value = self.macro.get(metric)
            return "–" if value is None else f"{value:.3f}"
        return self.ratios[metric].cell()

    def merge(self, other: "Score") -> None:
        self.expected_dirs += other.expected_dirs
        self.parsed_dirs += other.parsed_dirs
        for m in METRICS:
            self.ratios[m] += other.ratios[m]
        if other.false_alarms is not None:
            self.false_alarms = (self.false_alarms or 0) + other.false_alarms
        self.seconds += other.seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "format": self.fmt,
            "expected_directions": self.expected_dirs,
            "parsed_directions": self.parsed_dirs,
            **({m: {"value": v} for m, v in self.macro.items()} if self.macro is not None else
               {m: {"value": r.value, "hit": r.hit, "total": r.total} for m, r in self.ratios.items()}),
            "false_alarms": self.false_alarms,
            "false_alarm_findings": self.false_alarm_list,
            "missed": self.missed,
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }


# ---------------------------------------------------------------- outline comparison


def match_nodes(expected: list[dict], parsed: list[dict]) -> dict[int, int]:
    """Expected node index -> parsed node index, one to one, kind-insensitive.

    Code and title together first (a duplicated code must pair with the right
    title), then number and title, then the code alone.
    """
    pairs: dict[int, int] = {}
    used: set[int] = set()

    def key_code(n):
        return norm_text(n.get("code"))

    def key_title(n):
        return norm_text(n.get("title"))

    passes = (
        lambda e, p: key_code(e) and key_code(e) == key_code(p) and key_title(e) == key_title(p),
        # a number printed on one side only does not matter; two different numbers do
        lambda e, p: key_title(e) and key_title(e) == key_title(p)
        and (not norm_number(e.get("number")) or not norm_number(p.get("number"))
             or norm_number(e.get("number")) == norm_number(p.get("number"))),
        lambda e, p: key_code(e) and key_code(e) == key_code(p),
    )
    for same in passes:
        by_title: dict[str, list[int]] = {}
        for j, p in enumerate(parsed):
            by_title.setdefault(key_title(p), []).append(j)
        for i, e in enumerate(expected):
            if i in pairs:
                continue
            candidates = by_title.get(key_title(e), []) if same is passes[1] else range(len(parsed))
            for j in candidates:
                if j not in used and same(e, parsed[j]):
                    pairs[i] = j
                    used.add(j)
                    break
    return pairs


def _indicator_hit(expected_text: str, parsed_texts: list[str]) -> bool:
    want = norm_text(expected_text)
    if not want:
        return False
    joined = "".join(parsed_texts)
    return want in joined or any(t and t in want and len(t) >= 0.8 * len(want) for t in parsed_texts)


def _multiset_hits(wanted: list, have: list) -> list[bool]:
    pool = list(have)
    hits = []
    for w in wanted:
        if w in pool:
            pool.remove(w)
            hits.append(True)
        else:
            hits.append(False)
    return hits


def score_nodes(score: Score, expected: dict, parsed: dict, complete_dirs: bool) -> None:
    exp_nodes = expected.get("nodes", [])
    got_nodes = parsed.get("nodes", [])
    pairs = match_nodes(exp_nodes, got_nodes)
    r = score.ratios
    exp_dirs = [i for i, n in enumerate(exp_nodes) if n.get("kind") in DIRECTION_KINDS]
    got_dirs = [j for j, n in enumerate(got_nodes) if n.get("kind") in DIRECTION_KINDS]
    score.expected_dirs = len(exp_dirs)
    score.parsed_dirs = len(got_dirs)
    for i in exp_dirs:
        r["dir_recall"].add(i in pairs)
        if i not in pairs:
            e = exp_nodes[i]
            score.missed.append(f"direction {e.get('code') or e.get('number') or ''} {e.get('title')}".strip())
    if complete_dirs:
        matched_dirs = {pairs[i] for i in exp_dirs if i in pairs}
        for j in got_dirs:
            r["dir_precision"].add(j in matched_dirs)
    for i, e in enumerate(exp_nodes):
        p = got_nodes[pairs[i]] if i in pairs else None
        if p is not None and e.get("kind"):
            r["kind"].add(p.get("kind") == e["kind"])
            if p.get("kind") != e["kind"]:
                score.missed.append(f"kind of {e.get('number') or ''} {e['title']}: {p.get('kind')}, expected {e['kind']}")
        if "tags" in e and (e["tags"] or (p is not None and p.get("tags"))):
            r["tags"].add(p is not None and sorted(p.get("tags") or []) == sorted(e["tags"]))
        parsed_texts = [norm_text(x.get("text")) for x in (p or {}).get("indicators", [])]
        parsed_q = [quantity_key(q) for x in (p or {}).get("indicators", []) for q in x.get("quantities", [])]
        wanted_q = []
        for ind in e.get("indicators", []):
            r["ind_recall"].add(p is not None and _indicator_hit(ind.get("text", ""), parsed_texts))
            wanted_q.extend(quantity_key(q) for q in ind.get("quantities", []))
        for hit in _multiset_hits(wanted_q, parsed_q):
            r["qty_recall"].add(hit)
        for key in ("declared_direction_count", "declared_project_count"):
            want = count_value(e.get(key))
            if want is not None:
                r["declared_recall"].add(p is not None and count_value(p.get(key)) == want)
        parsed_funding = [(round(float(f.get("yuan", 0))), f.get("scope")) for f in (p or {}).get("funding", [])]
        wanted_funding = [(round(float(f["yuan"])), f.get("scope")) for f in e.get("funding", [])]
        for hit in _multiset_hits(wanted_funding, parsed_funding):
            r["funding_recall"].add(hit)


GUIDE_COUNT_KEYS = {  # expected.json key -> key in the outline's declared_counts
    "declared_direction_count": "directions",
    "declared_project_count": "projects",
    "declared_field_count": "fields",
}


def score_guide_counts(score: Score, expected: dict, parsed: dict) -> None:
    """A guide-level declared count: the outline's declared_counts, a top-level key, or a root node's count."""
    roots = [n for n in parsed.get("nodes", []) if not n.get("parent")]
    declared = parsed.get("declared_counts") or {}
    for key, short in GUIDE_COUNT_KEYS.items():
        want = count_value(expected.get(key))
        if want is None:
            continue
        have = {count_value(parsed.get(key)), count_value(declared.get(short))} | {count_value(n.get(key)) for n in roots}
        score.ratios["declared_recall"].add(want in have)
        if want not in have:
            score.missed.append(f"guide-level {key} {want}")


def match_offices(expected: list[dict], parsed: list[dict]) -> dict[int, int]:
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for exact in (True, False):
        for i, e in enumerate(expected):
            if i in pairs:
                continue
            want = norm_text(e.get("name"))
            for j, p in enumerate(parsed):
                have = norm_text(p.get("name"))
                if j in used or not want or not have:
                    continue
                # A looser match allows a prefix (省科技厅高新处 / 山西省科技厅高新处), never a
                # missing desk: 广东省科学技术厅 is not its 对外合作处.
                if have == want or (not exact and min(len(have), len(want)) >= 3
                                    and (want.endswith(have) or have.endswith(want))):
                    pairs[i] = j
                    used.add(j)
                    break
    return pairs


def score_offices(score: Score, expected: dict, parsed: dict) -> None:
    exp_offices = expected.get("offices", [])
    got_offices = parsed.get("offices", [])
    pairs = match_offices(exp_offices, got_offices)
    r = score.ratios
    for i, e in enumerate(exp_offices):
        p = got_offices[pairs[i]] if i in pairs else None
        r["office_recall"].add(p is not None)
        if p is None:
            score.missed.append(f"office {e.get('name')}")
        have = [norm_phone(ph) for c in (p or {}).get("contacts", []) for ph in c.get("phones", [])]
        for contact in e.get("contacts", []):
            for phone in contact.get("phones", []):
                hit = norm_phone(phone) in have
                r["phone_recall"].add(hit)
                if not hit:
                    score.missed.append(f"phone {phone} of {e.get('name')}")


def score_meta(score: Score, expected: dict, parsed: dict) -> None:
    meta = score.ratios["meta"]

    def check(label: str, ok: bool) -> None:
        meta.add(ok)
        if not ok:
            score.missed.append(label)

    if "year" in expected:
        check(f"year {expected['year']}", parsed.get("year") == expected["year"])
    if "jurisdiction" in expected:
        want, have = expected["jurisdiction"] or {}, parsed.get("jurisdiction") or {}
        check(f"jurisdiction {want}", all(have.get(k) == v for k, v in want.items()) if want else not have)
    if "issuers" in expected:
        check(f"issuers {expected['issuers']}",
              sorted(map(norm_text, parsed.get("issuers") or [])) == sorted(map(norm_text, expected["issuers"])))
    if "doc_number" in expected:
        check(f"doc_number {expected['doc_number']}", norm_text(parsed.get("doc_number")) == norm_text(expected["doc_number"]))
    have_deadlines = {d.get("datetime") for d in parsed.get("deadlines", [])}
    for d in expected.get("deadlines", []):
        check(f"deadline {d['datetime']}", d["datetime"] in have_deadlines)


# ---------------------------------------------------------------- findings comparison


def resolve_lines(findings: list[dict], lines: list[str]) -> list[dict]:
    """Give every expected finding located by an anchor (text on its line) the line number."""
    out = []
    for f in findings:
        f = dict(f)
        if f.get("line") is None and f.get("anchor"):
            anchor = norm_text(f["anchor"])
            f["line"] = next((k for k, line in enumerate(lines, 1) if anchor and anchor in norm_text(line)), -1)
        out.append(f)
    return out


def finding_matches(expected: dict, found: dict) -> bool:
    shapes = expected["shape"] if isinstance(expected["shape"], list) else [expected["shape"]]
    if found.get("shape") not in shapes or found.get("severity") != expected.get("severity"):
        return False
    # A finding about a coded direction must name the code (issue 11: name the direction by code and title).
    code = expected.get("code")
    named = " ".join(found.get(k) or "" for k in ("number", "title", "value", "message", "excerpt"))
    if code and code not in named:
        return False
    line = expected.get("line")
    if line is None:
        return True
    start = found.get("start_line")
    end = found.get("end_line") or start
    return start is not None and start <= line <= end


def score_findings(score: Score, expected: list[dict], found: list[dict], complete: bool) -> None:
    used: set[int] = set()
    for e in expected:
        hit = next((j for j, f in enumerate(found) if j not in used and finding_matches(e, f)), None)
        score.ratios["defect_recall"].add(hit is not None)
        if hit is None:
            where = f"L{e['line']}" if e.get("line") is not None else "guide"
            score.missed.append(f"finding {e['severity']} {e['shape']} {where} {e.get('code') or ''} {e.get('title') or ''}".rstrip())
        else:
            used.add(hit)
    if not complete:
        score.false_alarms = None
        return
    for j, f in enumerate(found):
        if j not in used and f.get("severity") in REPORTED_SEVERITIES:
            score.false_alarms = (score.false_alarms or 0) + 1
            who = " ".join(x for x in (f.get("number"), f.get("title")) if x)
            score.false_alarm_list.append(f"{f['severity']} {f['shape']} {f.get('lines') or 'no line'} {who}".strip())


# ---------------------------------------------------------------- documents


@dataclass
class Case:
    name: str
    document: Path
    expected: dict
    findings: list[dict]


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def variant_document(folder: Path) -> Path | None:
    return next((folder / n for n in DOCUMENT_NAMES if (folder / n).exists()), None)


def variant_cases(build_dir: Path) -> list[Case]:
    """Every variant with its document; generated variants are written into build_dir first."""
    sys.path.insert(0, str(ROOT / "tests"))
    import variant_builders

    generated = variant_builders.write_generated(build_dir)
    cases = []
    names = {p.name for p in VARIANTS.iterdir() if p.is_dir() and p.name != SEEDS_EXPECTED.name} | set(generated)
    for name in sorted(names):
        source = generated.get(name, VARIANTS / name)
        document = variant_document(source)
        if document is None or not (source / "expected.json").exists():
            continue
        cases.append(Case(name, document, _load_json(source / "expected.json"),
                          _load_json(source / "findings.json")))
    return cases


def seed_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in SEEDS_EXPECTED.iterdir() if p.is_dir()) if SEEDS_EXPECTED.is_dir() else []:
        expected = _load_json(folder / "expected.json")
        cases.append(Case("seed " + folder.name[:3], ROOT / expected["source"], expected,
                          _load_json(folder / "findings.json")))
    return cases


def score_case(case: Case) -> Score:
    from guidegraph.ingest.pipeline import outline_file
    from guidegraph.ingest.readers import read_source
    from guidegraph.validation import validate

    score = Score(case.name, case.document.suffix.lstrip("."))
    started = time.perf_counter()
    try:
        src = read_source(case.document)
        charset = src.encoding.lower().split(":")[-1]  # "utf-8", "gb18030", "html:gb18030", "docx"
        if score.fmt in ("txt", "html") and charset not in ("", "utf-8", "html"):
            score.fmt += f" {charset}"
        outline = outline_file(case.document)
        # Given the file's path, validation quotes the source lines in its excerpts, as
        # `guidegraph validate FILE` does, without parsing the guide a second time.
        report = validate(dataclasses.replace(outline, source=str(case.document))).report
    except Exception as exc:  # a crash is a result of the measure, not the end of the table
        score.error = f"{type(exc).__name__}: {exc}"
        score.seconds = time.perf_counter() - started
        return score
    score.seconds = time.perf_counter() - started
    parsed = outline.to_json()
    complete = case.expected.get("complete", {})
    score_nodes(score, case.expected, parsed, complete.get("directions", True))
    score_guide_counts(score, case.expected, parsed)
    score_offices(score, case.expected, parsed)
    score_meta(score, case.expected, parsed)
    expected_findings = resolve_lines(case.findings, src.lines())
    found = [f.to_json() for f in report.findings]
    score_findings(score, expected_findings, found, complete.get("findings", True))
    return score


# ---------------------------------------------------------------- table


COLUMNS = ("document", "format", "dirs exp/got", "dir R", "dir P", "kind", "tags", "ind R", "qty R", "off R",
           "tel R", "decl R", "fund R", "meta", "defect R", "false", "s")


def table_row(s: Score) -> list[str]:
    if s.error:
        return [s.name, s.fmt, "ERROR", s.error[:60]] + [""] * (len(COLUMNS) - 4)
    cells = [s.cell(m) for m in ("dir_recall", "dir_precision", "kind", "tags", "ind_recall", "qty_recall",
                                 "office_recall", "phone_recall", "declared_recall", "funding_recall", "meta",
                                 "defect_recall")]
    return [s.name, s.fmt, f"{s.expected_dirs}/{s.parsed_dirs}", *cells,
            "–" if s.false_alarms is None else str(s.false_alarms), f"{s.seconds:.2f}"]


def overall(name: str, scores: list[Score]) -> Score:
    """Pooled over the documents: every direction, office, finding counts once."""
    total = Score(name)
    for s in scores:
        if not s.error:
            total.merge(s)
    return total


def per_document_mean(name: str, scores: list[Score]) -> Score:
    """Each document weighs the same, so the 1,040-direction guide cannot hide a failing small one."""
    mean = overall(name, scores)
    mean.macro = {}
    for m in METRICS:
        values = [s.ratios[m].value for s in scores if not s.error and s.ratios[m].value is not None]
        mean.macro[m] = sum(values) / len(values) if values else None
    return mean


def render_table(scores: list[Score], totals: list[Score]) -> str:
    rows = [table_row(s) for s in scores] + [table_row(t) for t in totals]
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="NAME", help="score only the documents whose name contains NAME")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON instead of the table")
    parser.add_argument("--no-seeds", action="store_true", help="score the variants only")
    parser.add_argument("--details", action="store_true", help="list what each document missed and its false alarms")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="guidegraph-variants-") as tmp:
        cases = ([] if args.no_seeds else seed_cases()) + variant_cases(Path(tmp))
        if args.only:
            cases = [c for c in cases if args.only in c.name]
        scores = [score_case(c) for c in cases]
    seeds = [s for s in scores if s.name.startswith("seed ")]
    variants = [s for s in scores if not s.name.startswith("seed ")]
    totals = [t for t, group in ((overall("**overall seeds**", seeds), seeds),
                                 (overall("**overall variants**", variants), variants),
                                 (overall("**overall**", scores), scores),
                                 (per_document_mean("**per-document mean**", scores), scores)) if group]
    if args.json:
        print(json.dumps({"documents": [s.to_json() for s in scores], "overall": [t.to_json() for t in totals]},
                         ensure_ascii=False, indent=2))
        return 0
    print(render_table(scores, totals))
    if args.details:
        for s in scores:
            if s.missed or s.false_alarm_list:
                print(f"\n## {s.name}")
                for m in s.missed:
                    print(f"- missed: {m}")
                for f in s.false_alarm_list:
                    print(f"- false alarm: {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
