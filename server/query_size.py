"""Refuse queries and updates whose parse tree would be deep enough to crash the engine.

pyoxigraph's SPARQL parser and evaluator recurse once per nesting level and
once per operator of a left-deep chain (``1+1+…``, ``{…} UNION {…} UNION …``,
MINUS and OPTIONAL sequences, long basic graph patterns). On an 8 MiB thread
stack the engine process dies at about 2,100 nested groups, 4,500 nested
parentheses, 2,600 chained MINUS or 6,300 chained UNION/``+``: a stack
overflow is not an exception, it kills the process and every query in it.

So the text is measured before it is sent anywhere: bracket nesting depth,
and the number of operators outside data blocks (``VALUES`` rows and
``INSERT DATA`` / ``DELETE DATA`` bodies are flat lists, parsed without
recursion, so their size is limited only by the request size). The limits are
far above any query written by hand (the shipped queries stay under 10 levels
and 200 operators) and far below the crash points.
"""

from __future__ import annotations

import re

from guidegraph.server.protocol import ProtocolError
from guidegraph.store.results import mask_opaque

MAX_NESTING = 128
MAX_OPERATORS = 1000

_OPEN, _CLOSE = "({[", ")}]"
_DATA_BLOCK = re.compile(r"\b(?:VALUES|INSERT\s+DATA|DELETE\s+DATA)\s*(?:\?\w+\s*|\(\s*(?:\?\w+\s*)*\)\s*)?\{",
                         re.IGNORECASE)
# Tokens that each add a level to a left-deep chain: operators, separators, group keywords, group openings.
# Commas too: an object list (?s ?p 1, 2, 3 …) is a basic graph pattern of that many triples.
_OPERATOR = re.compile(r"&&|\|\||<=|>=|!=|[-+*/|^!.;,{<>=]|\b(?:UNION|OPTIONAL|MINUS|FILTER|BIND|EXISTS|SERVICE|GRAPH)\b",
                       re.IGNORECASE)


def _outside_data_blocks(masked: str) -> str:
    """``masked`` with the contents of VALUES and INSERT/DELETE DATA blocks cut out."""
    parts, pos = [], 0
    for match in _DATA_BLOCK.finditer(masked):
        if match.start() < pos:
            continue
        parts.append(masked[pos:match.end()])
        depth, i = 1, match.end()
        while i < len(masked) and depth:
            depth += {"{": 1, "}": -1}.get(masked[i], 0)
            i += 1
        pos = i - 1 if depth == 0 else i  # keep the closing brace
    parts.append(masked[pos:])
    return "".join(parts)


def nesting_depth(masked: str) -> int:
    depth = deepest = 0
    for ch in masked:
        if ch in _OPEN:
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch in _CLOSE and depth:
            depth -= 1
    return deepest


def check_query_size(text: str, what: str = "query") -> None:
    """Raise ProtocolError (400) if ``text`` nests or chains beyond what the engine can parse safely."""
    if len(text) <= MAX_OPERATORS and sum(text.count(ch) for ch in _OPEN) <= MAX_NESTING:
        return  # neither limit can be reached: each operator takes a character, each level a bracket
    masked = mask_opaque(text)
    depth = nesting_depth(masked)
    if depth > MAX_NESTING:
        raise ProtocolError(f"the {what} nests {depth} levels deep; at most {MAX_NESTING} are accepted")
    operators = len(_OPERATOR.findall(_outside_data_blocks(masked)))
    if operators > MAX_OPERATORS:
        raise ProtocolError(
            f"the {what} has {operators} operators and groups outside data blocks; at most {MAX_OPERATORS} are accepted "
            "(put long lists of values in VALUES)")
