"""Full-width and half-width forms read alike: one folding table for every parser.

Guides mix （）：１２ with ():12 freely. Folding maps the full-width ASCII
block and the ideographic space to ASCII one character for one, so a folded
string keeps the original's length and positions found in it slice the
original.
"""

from __future__ import annotations

import re

FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FOLD_TABLE[0x3000] = 0x20
_NEEDS_FOLD_RE = re.compile("[\uff01-\uff5e\u3000]")


def fold(text: str) -> str:
    """Full-width ASCII (（）：１２) to half-width, length-preserving."""
    # translate() with a dict is slow; skip it for text with nothing to fold.
    return text.translate(FOLD_TABLE) if _NEEDS_FOLD_RE.search(text) else text
