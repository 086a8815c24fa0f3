"""Contact rows broken by a page: put a wrapped phone number back on its row.

A PDF re-wraps a contact row so that its number (or the rest of it) lands on
the next page, behind a page number. Office reading works line by line, so
the number is joined back to its row first.
"""

from __future__ import annotations

import re

from guidegraph.ingest.parse.contacts import is_org_name, parse_phones, person_names
from guidegraph.ingest.parse.lines import PAGE_MARKER_RE

_PHONE_CUT = re.compile(r"(?:(?:联系)?电话|Tel\.?|手机)\s*[:：]?\s*$|(?<![\d-])\d{3,4}\s*[-－]\s*$", re.I)
_PHONE_REST = re.compile(r"^\s*\d[\d\s\-－/、，,转]*\d\s*(?:[(（][^)）]{0,8}[)）])?\s*$")


def reflow_contacts(lines: list[str]) -> tuple[list[str], set[int]]:
    """Lines as an office reader needs them: a number cut off by a page break is put back.

    A PDF re-wraps a contact row so that its phone number (or the rest of it)
    lands on the next page, behind a page number: "…卢晓东 0351-" / "- 12 -" /
    "4043343". The page-number line is skipped and the number joined to its row;
    the line it came from is left blank, so line numbers stay where they were.
    """
    out = list(lines)
    moved: set[int] = set()
    for i, line in enumerate(out):
        tail = line.rstrip()[-16:]
        if not tail or not (_PHONE_CUT.search(tail) or (("  " in line or "\t" in line) and _ends_with_person(line))):
            continue
        j, crossed = i + 1, False
        while j < len(out) and j <= i + 4 and (not out[j].strip() or PAGE_MARKER_RE.match(out[j])):
            crossed = crossed or bool(PAGE_MARKER_RE.match(out[j]))
            j += 1
        if j < len(out) and (crossed or j == i + 1) and _PHONE_REST.match(out[j]):
            glue = "" if re.search(r"[-－]\s*$", line) else " "
            out[i] = line.rstrip() + glue + out[j].strip()
            for k in range(i + 1, j + 1):
                out[k] = ""  # the page number read past, and the moved number
                moved.add(k)
    return out, moved


def _ends_with_person(line: str) -> bool:
    """An office row whose last cell is a person (its number wrapped away): "山西省…中心  卢晓霞"."""
    cells = [c for c in re.split(r"\s{2,}|\t", line.strip()) if c]
    return len(cells) >= 2 and is_org_name(cells[0]) and not parse_phones(line) and bool(person_names(cells[-1]))


