"""The library of SPARQL queries answering the project's competency questions (.rq data files).

Each file starts with a comment header::

    # title: Directions mentioning a topic
    # description: ...
    # param: topic string CAR-T -- text to look for
    # param: min_cases integer 500 -- ...
    # param: topic string CAR-T required -- ...

``title@zh``, ``description@zh`` and ``param@zh: NAME -- text`` give the
Chinese wording (pages show it first; English is the fallback).

A parameter marked ``required`` must be given by callers of the API and the
command line (``bind(..., strict=True)``); its default is only there so the
file runs as it is. Other parameters fall back to their default. The header never contains
an update keyword (INSERT, DELETE, ADD, LOAD, ...), not even inside a word:
clients such as SPARQLWrapper guess "query or update" from the first such
word in the text and send a query with "adds" in its comment as an update.

Every parameter appears in the query body in lines
``VALUES ?topic { "CAR-T" }`` holding its default (repeated inside each
group that needs it, since a FILTER sees only its own group), so the file runs as it
is in any SPARQL editor. ``CannedQuery.bind`` replaces that line's value
with a properly escaped RDF term; user input is never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from importlib.resources import files

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from guidegraph.errors import UsageError


class ParameterError(UsageError):
    """A canned query's parameter is missing, unknown or of the wrong type."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter

PARAM_TYPES = ("string", "integer", "decimal", "iri")
_HEADER = re.compile(r"^#\s*(title|description|param)(?:@(zh))?:\s*(.*?)\s*$")
# What clients that sniff the operation look for: the first of these words
# anywhere in the text (outside PREFIX/BASE lines), inside a word too.
_OPERATION_WORDS = re.compile(r"CONSTRUCT|SELECT|ASK|DESCRIBE|INSERT|DELETE|CREATE|CLEAR|DROP|LOAD|COPY|MOVE|ADD", re.I)
_DECLARATION_LINE = re.compile(r"(?im)^\s*(?:PREFIX\s+[^\n]*?:\s*<[^>\n]*>|BASE\s*<[^>\n]*>)\s*$")
_QUERY_FORMS = ("CONSTRUCT", "SELECT", "ASK", "DESCRIBE")
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _string_term(value: str) -> str:
    """A one-line SPARQL string literal: every character that could end or break it is escaped."""
    return '"' + "".join(_STRING_ESCAPES.get(ch, ch) for ch in value) + '"'


@dataclass(frozen=True)
class QueryParameter:
    name: str
    type: str
    default: str
    description: str = ""
    required: bool = False
    description_zh: str = ""

    def description_in(self, lang: str) -> str:
        return (self.description_zh if lang == "zh" else "") or self.description

    def parse(self, value: object) -> str | int | Decimal:
        """``value`` checked against this parameter's type, as a Python value; bad values raise ParameterError."""
        text = str(value).strip()
        if self.type == "string":
            return str(value)
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", text):
                raise ParameterError(f"parameter {self.name} must be an integer, got {text!r}", self.name)
            return int(text)
        if self.type == "decimal":
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ParameterError(f"parameter {self.name} must be a number, got {text!r}", self.name) from None
            if not number.is_finite():
                raise ParameterError(f"parameter {self.name} must be a finite number, got {text!r}", self.name)
            return number
        if self.type == "iri":
            if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or _IRI_FORBIDDEN.search(text):
                raise ParameterError(f"parameter {self.name} must be an absolute IRI, got {text!r}", self.name)
            return text
        raise ParameterError(f"parameter {self.name} has unknown type {self.type!r}", self.name)

    def term(self, value: object) -> str:
        """``value`` as a SPARQL term of this parameter's type; bad values raise ParameterError."""
        parsed = self.parse(value)
        if self.type == "string":
            return _string_term(parsed)
        if self.type == "integer":
            return Literal(parsed, datatype=XSD.integer).n3()
        if self.type == "decimal":
            return Literal(format(parsed, "f"), datatype=XSD.decimal).n3()
        return URIRef(parsed).n3()


@dataclass(frozen=True)
class CannedQuery:
    name: str  # file name without .rq, e.g. "08_topic_search"
    title: str
    description: str
    text: str
    parameters: tuple[QueryParameter, ...] = field(default_factory=tuple)
    title_zh: str = ""
    description_zh: str = ""

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` ("zh" or "en"), English where no Chinese is given."""
        return (self.title_zh if lang == "zh" else "") or self.title

    def description_in(self, lang: str) -> str:
        return (self.description_zh if lang == "zh" else "") or self.description

    @property
    def slug(self) -> str:
        """The name without its ordering prefix: "topic_search"."""
        return re.sub(r"^\d+_", "", self.name)

    @property
    def form(self) -> str:
        """The query form (SELECT, CONSTRUCT, ASK or DESCRIBE), as a client sniffing the text would see it."""
        return sniffed_operation(self.text)

    def bind(self, values: dict[str, object] | None = None, *, strict: bool = False, **more: object) -> str:
        """The query text with parameter values substituted (defaults for the rest).

        ``strict``: a required parameter must be given (callers outside the
        file: the API and the command line); empty values count as not given."""
        given = {**(values or {}), **more}
        known = {p.name for p in self.parameters}
        unknown = sorted(set(given) - known)
        if unknown:
            raise ParameterError(f"query {self.slug} has no parameter {unknown[0]!r}; it takes: {', '.join(sorted(known)) or 'none'}", unknown[0])
        if strict:
            given = {k: v for k, v in given.items() if v is not None and str(v) != ""}
            for param in self.parameters:
                if param.required and param.name not in given:
                    raise ParameterError(f"query {self.slug} needs parameter {param.name} ({param.type}): {param.description or 'no description'}", param.name)
        text = self.text
        for param in self.parameters:
            if param.name not in given or given[param.name] is None:
                continue
            term = param.term(given[param.name])
            text = _values_line(param.name).sub(lambda m: f"{m.group(1)}{{ {term} }}", text)
        return text


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _values_line(param: str) -> re.Pattern[str]:
    """The VALUES line carrying a parameter: the variable is the camelCase name + a role suffix or the name itself."""
    return re.compile(r"(VALUES\s+\?(?:%s)\s*)\{[^}\n]*\}" % "|".join(re.escape(v) for v in _variables(param)))


def _variables(param: str) -> list[str]:
    camel = _camel(param)
    return [camel, camel + "Text", param]


def parse_query(name: str, text: str) -> CannedQuery:
    """Read the header block of one .rq file."""
    title = description = ""
    zh: dict[str, str] = {}
    param_zh: dict[str, str] = {}
    params: list[QueryParameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, in_zh, value = m.groups()
        if in_zh and key == "param":
            param_name, sep, doc = value.partition("--")
            if not sep or not param_name.strip():
                raise ValueError(f"{name}: bad param@zh line {line!r}; expected '# param@zh: NAME -- text'")
            param_zh[param_name.strip()] = doc.strip()
        elif in_zh:
            zh[key] = value
        elif key == "title":
            title = value
        elif key == "description":
            description = value
        else:
            spec, _, doc = value.partition("--")
            parts = spec.split()
            required = parts[3:] == ["required"]
            if len(parts) != 3 + required or parts[1] not in PARAM_TYPES:
                raise ValueError(f"{name}: bad param line {line!r}; expected '# param: NAME TYPE DEFAULT [required] -- text'")
            params.append(QueryParameter(parts[0], parts[1], parts[2], doc.strip(), required))
    unknown = sorted(set(param_zh) - {p.name for p in params})
    if unknown:
        raise ValueError(f"{name}: param@zh names {unknown[0]!r}, which has no '# param:' line")
    params = [replace(p, description_zh=param_zh.get(p.name, "")) for p in params]
    if not title:
        raise ValueError(f"{name}: missing '# title:' header")
    for param in params:
        if not _values_line(param.name).search(text):
            raise ValueError(f"{name}: parameter {param.name} has no 'VALUES ?{_camel(param.name)} {{ ... }}' line")
    form = sniffed_operation(text)
    if form not in _QUERY_FORMS:
        raise ValueError(
            f"{name}: a client guessing the operation from the text would take this for {form or 'nothing'}: "
            f"keep update words ({form}) out of the header comments, even inside other words"
        )
    return CannedQuery(name=name, title=title, description=description, text=text, parameters=tuple(params),
                       title_zh=zh.get("title", ""), description_zh=zh.get("description", ""))


def sniffed_operation(text: str) -> str | None:
    """The first operation word in ``text`` outside PREFIX/BASE declarations, upper-cased
    (what SPARQLWrapper and similar clients base "query or update" on)."""
    m = _OPERATION_WORDS.search(_DECLARATION_LINE.sub("", text))
    return m.group(0).upper() if m else None


def load_queries() -> list[CannedQuery]:
    """Every shipped query, in file-name order."""
    root = files(__name__)
    entries = sorted((p for p in root.iterdir() if p.name.endswith(".rq")), key=lambda p: p.name)
    return [parse_query(p.name[:-3], p.read_text(encoding="utf-8")) for p in entries]


def get_query(name: str) -> CannedQuery:
    """A query by file name ("08_topic_search") or slug ("topic_search")."""
    for query in load_queries():
        if name in (query.name, query.slug):
            return query
    names = ", ".join(q.slug for q in load_queries())
    raise UsageError(f"no query named {name!r}; choose one of: {names}")
