"""Guide-shaped data of any size in guidegraph's own ontology, streamed to an N-Quads file.

The seed is the bundled corpus as ``guidegraph serve`` loads it (every guide's
graph, the concepts graph and the links graph). Replica 0 is the seed as it
is; replica r >= 1 copies every quad that names a guide-owned resource with
that resource renamed (guide code suffixed, year moved), funding and
quantities scaled by a random factor, dates moved with the year and the
phrases of titles and texts shuffled. Shared concepts (fields, tags,
jurisdictions, schemes) are written once, so the data grows the way a
publisher's does: more guides over the same vocabularies. The shipped canned
queries therefore answer at every scale.

Deterministic for a given (triples, seed); files are cached by that key.
Lines are written replica by replica, so 10^7 triples never sit in memory.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path

from guidegraph.config import DEFAULT_BASE_IRI, ONTOLOGY_NS

BASE = DEFAULT_BASE_IRI
GG = ONTOLOGY_NS
FORMAT_VERSION = 1  # bump when the output changes, so cached files are rebuilt

# Resources owned by one guide (or one replica's links): renamed in every replica.
_OWNED = re.compile(
    "<" + re.escape(BASE) + r"(guide/[^/>]+/[^/>]+/[^/>]+|similarity/[^/>]+|office/[^/>]+/[^/>]+)(?=[/>])"
)
_GUIDE_KEY = re.compile(r"guide/([^/]+)/(\d{4})/([^/]+)$")
_LITERAL_LINE = re.compile(r'^(<[^>]*> <([^>]*)> )"((?:[^"\\]|\\.)*)"(.*)$')
NUMERIC = {GG + p for p in ("yuan", "amount", "value", "maxValue")}
DATES = {GG + p for p in ("date", "dateTime", "issueDate")}
YEAR = GG + "year"
TEXTS = {GG + "title", GG + "text"}
_PHRASE_BREAK = re.compile("([、，；])")


def cache_dir() -> Path:
    root = os.environ.get("GUIDEGRAPH_BENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "guidegraph-bench")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def seed_nquads() -> bytes:
    """The bundled corpus plus its links graph, as ``guidegraph serve`` loads a fresh directory."""
    cached = cache_dir() / f"seed-v{FORMAT_VERSION}-{_corpus_digest()}.nq"
    if cached.exists():
        return cached.read_bytes()
    from guidegraph.ingest.corpus import corpus_nquads
    from guidegraph.knowledge import nquads_with_links

    data = nquads_with_links(corpus_nquads(None, BASE), BASE)
    _write_atomic(cached, [data])
    return data


def _corpus_digest() -> str:
    from guidegraph.corpus import seed_paths

    digest = hashlib.sha256()
    for path in sorted(str(p) for p in seed_paths()):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class _Line:
    template: str  # the line with every owned IRI as %(kN)s and literal % doubled
    guide: int  # index of the guide it belongs to (-1: the replica's links)
    kind: str = ""  # "", "numeric", "date", "year", "text"
    lexical: str = ""  # the literal's lexical form (escaped as in N-Quads) for the kinds above


class SeedModel:
    """The seed's lines split into shared ones and per-replica templates, guides smallest first."""

    def __init__(self, data: bytes) -> None:
        self.keys: list[str] = []
        key_index: dict[str, int] = {}
        self.shared: list[str] = []
        lines: list[tuple[str, list[str], str, str]] = []
        for raw in data.decode("utf-8").splitlines():
            if not raw.strip():
                continue
            owned = _OWNED.findall(raw)
            if not owned:
                self.shared.append(raw)
                continue
            for key in owned:
                if key not in key_index:
                    key_index[key] = len(self.keys)
                    self.keys.append(key)
            lines.append((raw, owned, *self._literal(raw)))
        self.guides = sorted({k for k in self.keys if k.startswith("guide/")})
        self.guide_year = {g: int(_GUIDE_KEY.search(g).group(2)) for g in self.guides}
        size = dict.fromkeys(self.guides, 0)
        self.lines: list[_Line] = []
        for raw, owned, predicate, lexical in lines:
            guides = [k for k in owned if k in size]
            # a link between two guides goes with the later one, so both ends exist when it is written
            guide = max((self.guides.index(g) for g in guides), default=-1)
            if guide >= 0:
                size[self.guides[guide]] += 1
            self.lines.append(self._template(raw, key_index, guide, predicate, lexical))
        order = sorted(range(len(self.guides)), key=lambda i: (size[self.guides[i]], self.guides[i]))
        rank = {g: r for r, g in enumerate(order)}
        # guides smallest first, each guide's lines by subject; the replica's own links last
        self.lines.sort(key=lambda ln: (rank.get(ln.guide, len(order)), ln.template))
        self.guide_sizes = [size[self.guides[i]] for i in order]

    @staticmethod
    def _literal(raw: str) -> tuple[str, str]:
        m = _LITERAL_LINE.match(raw)
        return (m.group(2), m.group(3)) if m else ("", "")

    def _template(self, raw: str, key_index: dict[str, int], guide: int, predicate: str, lexical: str) -> _Line:
        kind = ("numeric" if predicate in NUMERIC else "date" if predicate in DATES
                else "year" if predicate == YEAR else "text" if predicate in TEXTS else "")
        if kind:
            m = _LITERAL_LINE.match(raw)
            raw = m.group(1) + '"\x00"' + m.group(4)  # the literal's place, filled per replica
        text = raw.replace("%", "%%")
        text = _OWNED.sub(lambda m: "<" + BASE + "%(k" + str(key_index[m.group(1)]) + ")s", text)
        return _Line(text.replace("\x00", "%(lit)s"), guide, kind, lexical)


class Replica:
    """The renaming and perturbation of one copy of the seed."""

    def __init__(self, model: SeedModel, number: int, seed: int) -> None:
        self.number = number
        self.rng = random.Random(f"{seed}/{number}")
        self.year_shift: list[int] = []
        names: dict[str, str] = {}
        for i, guide in enumerate(model.guides):
            juris, year, code = _GUIDE_KEY.search(guide).groups()
            if number == 0:
                shift = 0
                names[guide] = guide
            else:
                # years 2015-2026, spread over replicas and guides
                shift = (int(year) - 2015 + 5 * number + i) % 12 + 2015 - int(year)
                names[guide] = f"guide/{juris}/{int(year) + shift}/{code}r{number}"
            self.year_shift.append(shift)
        self.mapping = {}
        for idx, key in enumerate(model.keys):
            if key in names:
                self.mapping[f"k{idx}"] = names[key]
            else:
                self.mapping[f"k{idx}"] = key if number == 0 else f"{key}-r{number}"

    def line(self, ln: _Line) -> str:
        if not ln.kind:
            return ln.template % self.mapping
        return ln.template % {**self.mapping, "lit": self.literal(ln)}

    def literal(self, ln: _Line) -> str:
        value = ln.lexical
        if self.number == 0:
            return value
        shift = self.year_shift[ln.guide] if ln.guide >= 0 else 0
        if ln.kind == "numeric":
            return _scaled(value, self.rng.uniform(0.5, 2.0))
        if ln.kind in ("date", "year"):
            return _year_moved(value, shift)
        if ln.kind == "text":
            return _shuffled(value, self.rng)
        return value


def _scaled(lexical: str, factor: float) -> str:
    try:
        number = Decimal(lexical)
    except ArithmeticError:
        return lexical
    if "." not in lexical and "e" not in lexical.lower():
        return str(int(number * Decimal(str(round(factor, 3)))))
    places = len(lexical.partition(".")[2]) or 1
    with localcontext() as ctx:
        ctx.prec = len(lexical) + 20
        out = (number * Decimal(str(round(factor, 3)))).quantize(Decimal(1).scaleb(-places))
    return format(out, "f")


def _year_moved(lexical: str, shift: int) -> str:
    m = re.match(r"^(-?\d{4})(.*)$", lexical)
    if not m or not shift:
        return lexical
    year = int(m.group(1)) + shift
    rest = m.group(2)
    if rest.startswith("-02-29") and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        rest = "-02-28" + rest[6:]
    return f"{year:04d}{rest}"


def _shuffled(lexical: str, rng: random.Random) -> str:
    parts = _PHRASE_BREAK.split(lexical)
    phrases, breaks = parts[0::2], parts[1::2]
    if len(phrases) < 2:
        return lexical
    rng.shuffle(phrases)
    out = [phrases[0]]
    for sep, phrase in zip(breaks, phrases[1:]):
        out += [sep, phrase]
    return "".join(out)


def generated_lines(triples: int, seed: int = 7):
    """Yield exactly ``triples`` N-Quads lines (with newline): shared quads, then replicas."""
    model = SeedModel(seed_nquads())
    written = 0
    for line in model.shared:
        if written == triples:
            return
        yield line + "\n"
        written += 1
    number = 0
    while written < triples:
        replica = Replica(model, number, seed)
        for ln in model.lines:
            if written == triples:
                return
            yield replica.line(ln) + "\n"
            written += 1
        number += 1


def dataset_file(triples: int, seed: int = 7) -> Path:
    """The cached N-Quads file of ``triples`` quads for ``seed`` (generated on first use)."""
    path = cache_dir() / f"guides-v{FORMAT_VERSION}-{_corpus_digest()}-{triples}-s{seed}.nq"
    if not path.exists():
        _write_atomic(path, _chunks(generated_lines(triples, seed)))
    return path


def _chunks(lines, size: int = 20000):
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == size:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def _write_atomic(path: Path, chunks) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def sample_iris(seed: int = 7) -> dict[str, str]:
    """IRIs the light queries look up: in the smallest guide of replica 0 (present at every scale >= 10^4)."""
    model = SeedModel(seed_nquads())
    first = min(range(len(model.guides)), key=lambda i: _guide_size(model, i))
    guide = BASE + model.guides[first]
    prefix = guide + "/"
    direction = None
    replica = Replica(model, 0, seed)
    for ln in model.lines:
        m = re.match(r"^<([^>]*)> <" + re.escape(GG) + r"indicator> ", replica.line(ln))
        if m and m.group(1).startswith(prefix):
            direction = m.group(1) if direction is None else min(direction, m.group(1))
    return {"guide": guide, "direction": direction or guide}


def _guide_size(model: SeedModel, index: int) -> int:
    return sum(1 for ln in model.lines if ln.guide == index)
