"""What fuzzing checks on one input, shared by the atheris runner and the test suite.

An input's first byte picks the entry point (as the file-name extension a user
would give, or the parser on decoded text); the rest is the document. For every
input:

- reading either succeeds or raises InputError (a clear, one-line reader
  error); any other exception is a bug;
- the parser never raises, and its coverage accounting is exact: every
  non-space character is counted in chars_total, and chars_assigned plus the
  characters of the unassigned spans is chars_total;
- the CPU time stays within TIME_BASE_S + TIME_PER_MB_S per MB of input.
"""

from __future__ import annotations

import time

# Names the reader sees; the extension only decides HTML against text and
# which container an unrecognisable file was meant to be.
NAMES = ("guide.txt", "guide.html", "guide.docx", "guide.pdf", "guide", None)
PARSER = len(NAMES) - 1  # None: the parser on the bytes decoded as UTF-8

# Generous on purpose (CPU seconds, measured with process_time so other work on
# the machine does not count): the parser does ~3-15 s/MB on the 2-core build
# machine; anything slower is super-linear and a hang in the making.
TIME_BASE_S = 5.0
TIME_PER_MB_S = 40.0


class PropertyViolation(AssertionError):
    """A fuzz property failed (not a reader error: those are fine)."""


def mode_of(data: bytes) -> tuple[str | None, bytes]:
    if not data:
        return NAMES[0], b""
    return NAMES[data[0] % len(NAMES)], data[1:]


def with_mode(name: str | None, document: bytes) -> bytes:
    """The fuzz input that feeds ``document`` to the entry point ``name``."""
    return bytes([NAMES.index(name)]) + document


def budget_seconds(size: int) -> float:
    return TIME_BASE_S + TIME_PER_MB_S * size / 1e6


def non_space(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def check_outline(outline, text: str) -> None:
    cov = outline.coverage
    total = non_space(text.replace("\r\n", "\n").replace("\r", "\n"))
    unassigned = sum(non_space(u.text) for u in cov.unassigned)
    if cov.chars_total != total:
        raise PropertyViolation(f"chars_total {cov.chars_total} != {total} non-space characters")
    if cov.chars_assigned + unassigned != total:
        raise PropertyViolation(
            f"assigned {cov.chars_assigned} + unassigned {unassigned} != total {total}")
    ids = [n.id for n in outline.nodes]
    if len(ids) != len(set(ids)) or any(n.parent is not None and n.parent not in ids for n in outline.nodes):
        raise PropertyViolation("node ids repeat or a parent is missing")
    outline.to_json()


def run_input(data: bytes) -> str:
    """Check one fuzz input; returns "read", "refused" (a clean reader error) or "parsed"."""
    from guidegraph.errors import InputError
    from guidegraph.ingest.pipeline import outline_source, outline_text
    from guidegraph.ingest.readers import read_bytes

    name, document = mode_of(data)
    started = time.process_time()
    if name is None:
        text = document.decode("utf-8", errors="replace")
        check_outline(outline_text(text), text)
        outcome = "parsed"
    else:
        try:
            source = read_bytes(document, name)
        except InputError as exc:
            message = str(exc)
            if "\n" in message or not message.startswith(name):
                raise PropertyViolation(f"reader error is not one line naming the file: {message!r}") from exc
            outcome = "refused"
        else:
            check_outline(outline_source(source), source.text)
            outcome = "read"
    spent = time.process_time() - started
    if spent > budget_seconds(len(data)):
        raise PropertyViolation(f"{spent:.1f} s of CPU for {len(data)} bytes (budget {budget_seconds(len(data)):.1f} s)")
    return outcome


# --- generated inputs: the shapes a byte mutator rarely reaches -----------------

def _seed_documents() -> list[tuple[str | None, bytes]]:
    from pathlib import Path

    corpus = Path(__file__).resolve().parent / "corpus"
    return [mode_of(p.read_bytes()) for p in sorted(corpus.iterdir()) if p.is_file()]


def deep_numbering(depth: int) -> str:
    """Dotted numbers one level deeper per line, then back up: 1 / 1.1 / 1.1.1 ..."""
    lines = [".".join(["1"] * k) + f" 第{k}层标题" for k in range(1, depth + 1)]
    lines += ["（" * k + "一" + "）" * k + "方向" for k in range(1, 50)]
    lines += [f"{'一二三四五六七八九十'[k % 10]}、" * (k % 7 + 1) + "研究内容：开展研究。" for k in range(depth)]
    return "\n".join(lines) + "\n"


def long_lines() -> list[tuple[str, str]]:
    million = 1_000_000
    return [
        ("million CJK characters on one line", "一、" + "研究内容" * (million // 4)),
        ("million ASCII characters on one line", "1." + "a" * million),
        ("million digits and dots", "1." * (million // 2)),
        ("a million-character line between outline lines",
         "一、支持方向\n1.示例方向\n研究内容：" + "开展研究，" * (million // 5) + "\n考核指标：不少于100例。\n"),
    ]


def generated_inputs():
    """(label, fuzz input) pairs: every encoding, deep numbering, huge lines, truncations, concatenations."""
    from random import Random

    outline = "一、支持方向\n（一）新材料领域\n1.示例方向\n研究内容：开展研究。\n考核指标：完成不少于100例。\n"
    for codec in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "gb2312",
                  "big5", "shift_jis", "euc-kr", "euc-jp", "iso2022_jp", "hz", "cp1252", "latin-1", "koi8-r",
                  "utf-7", "cp437", "mac-roman"):
        data = outline.encode(codec, errors="replace")
        for name in ("guide.txt", "guide.html", "guide"):
            yield f"{codec} as {name}", with_mode(name, data)
    yield "deep numbering", with_mode(None, deep_numbering(300).encode("utf-8"))
    yield "deep numbering as a file", with_mode("guide.txt", deep_numbering(300).encode("utf-8"))
    yield "deep HTML nesting", with_mode("guide.html", b"<html><body>" + b"<div>" * 5000 + "一、方向".encode() + b"</div>" * 5000)
    for label, text in long_lines():
        yield label, with_mode("guide.txt", text.encode("utf-8"))
    rng = Random(14)
    seeds = _seed_documents()
    seeds = rng.sample(seeds, min(40, len(seeds)))  # the corpus grows; a sample keeps this bounded
    for name, data in seeds:
        for cut in sorted({7, len(data) // 2, len(data) - 1}):
            if 0 < cut < len(data):
                yield f"{name} cut at {cut}", with_mode(name, data[:cut])
    for _ in range(min(25, len(seeds) ** 2)):
        (name_a, a), (_, b) = rng.choice(seeds), rng.choice(seeds)
        yield f"{name_a} + another seed", with_mode(name_a, a + b)
        yield "parser on two seeds", with_mode(None, a + b"\n" + b)
