"""Whether running a SPARQL request again on the same data gives the same result."""

from __future__ import annotations

import re

# NOW() differs per run; RAND(), UUID(), STRUUID() per call; LOAD and SERVICE read data from
# elsewhere, which may have changed. (A word inside a string literal also counts: that only
# costs a run that could have been spared.)
_VARIES = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID)\s*\(|\bLOAD\b|\bSERVICE\b", re.IGNORECASE)


_WORDS = ("now", "rand", "uuid", "load", "service")  # what _VARIES needs, as a test that is quicker to fail


def repeats_identically(sparql: str) -> bool:
    lowered = sparql.lower()
    if not any(word in lowered for word in _WORDS):
        return True
    return _VARIES.search(sparql) is None
