"""Whether running a SPARQL request again on the same data gives the same result."""

from __future__ import annotations

import re

# NOW() differs per run; RAND(), UUID(), STRUUID() per call; LOAD and SERVICE read data from
# elsewhere, which may have changed. (A word inside a string literal also counts: that only
# costs a run that could have been spared.)
_VARIES = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID)\s*\(|\bLOAD\b|\bSERVICE\b", re.IGNORECASE)


def repeats_identically(sparql: str) -> bool:
    return _VARIES.search(sparql) is None
