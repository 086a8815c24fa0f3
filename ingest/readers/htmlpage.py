"""Main text of an HTML page, without the site's navigation chrome.

Block elements (p, div, li, h1-h6, tr, br...) end lines, table cells are
separated by tabs, whitespace is collapsed as a browser would (a line break
in the source between two Chinese characters disappears), and empty lines
are dropped: a web page's source lines mean nothing to the guide.
"""

from __future__ import annotations

import codecs
import re

from bs4 import BeautifulSoup, NavigableString, Tag

from guidegraph.errors import InputError

from .cjk import implausible_chinese
from .text import bom_encoding, ensure_textual, normalise_newlines

# -- charset ------------------------------------------------------------------

_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.I)
# As browsers do (WHATWG Encoding): GB2312/GBK labels mean GBK, of which GB18030 is a superset,
# and Latin-1/ASCII labels mean windows-1252; a UTF-16 label without a BOM means UTF-8.
_LABEL_CODEC = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
}


def declared_charset(data: bytes) -> str | None:
    """The charset label of the first <meta charset> / http-equiv Content-Type, if any."""
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None


def _codec_for(label: str) -> str | None:
    codec = _LABEL_CODEC.get(label, label)
    try:
        return codecs.lookup(codec).name
    except LookupError:
        return None


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """(markup, codec) from the BOM, else the meta charset, else strict UTF-8, else plausible GB18030."""
    bom = bom_encoding(data)
    if bom:
        try:
            return normalise_newlines(data.decode(bom)), bom
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: starts with a {bom.upper()} byte-order mark but is not valid {bom.upper()} "
                f"({exc.reason} at offset {exc.start})"
            ) from None
    label = declared_charset(data)
    codec = _codec_for(label) if label else None
    declared_problem = None
    if codec:
        try:
            markup = data.decode(codec)
        except UnicodeDecodeError as exc:
            bad = f"byte 0x{data[exc.start]:02X} at offset {exc.start}"
            declared_problem = f"declares charset {label} but {bad} is not valid {label}"
        else:
            # GB18030 decodes nearly anything, so a GB label on Big5 or Shift-JIS bytes needs the same check.
            gb_problem = implausible_chinese(_visible_guess(markup)) if codec == "gb18030" else None
            if gb_problem is None:
                return normalise_newlines(markup), codec
            declared_problem = f"declares charset {label} but is not plausible {label} text ({gb_problem})"
        if codec == "utf-8":
            raise InputError(f"{name}: {declared_problem}")
    try:
        # A wrong declaration is common (templates copied between sites); valid UTF-8 is unmistakable.
        return normalise_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_problem = f"invalid byte 0x{data[exc.start]:02X} at offset {exc.start}"
    if declared_problem:
        raise InputError(f"{name}: {declared_problem}, and it is not UTF-8 either ({utf8_problem})")
    try:
        markup = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        gb_problem = f"invalid byte 0x{data[exc.start]:02X} at offset {exc.start}"
    else:
        gb_problem = implausible_chinese(_visible_guess(markup))
        if gb_problem is None:
            return normalise_newlines(markup), "gb18030"
    raise InputError(
        f"{name}: no charset declared, not UTF-8 ({utf8_problem}) and not plausible GB18030 ({gb_problem}); "
        "add <meta charset> or re-save it as UTF-8"
    )


def _visible_guess(markup: str) -> str:
    """Markup minus tags, scripts and styles, enough to judge what language it is in."""
    markup = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", markup, flags=re.I | re.S)
    return re.sub(r"<[^>]*>", " ", markup)


# -- chrome removal -------------------------------------------------------------

_DROP_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "nav", "aside", "form", "iframe", "svg", "math",
    "button", "select", "textarea", "input", "object", "embed", "canvas", "map", "dialog", "menu",
})
_LANDMARK_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"})
# A class or id is chrome if one of its words is one of these...
_CHROME_WORDS = frozenset({
    "nav", "navbar", "navigation", "topnav", "subnav", "menu", "menubar", "submenu", "breadcrumb", "breadcrumbs",
    "crumb", "crumbs", "sidebar", "sidenav", "footer", "copyright", "toolbar", "share", "social", "pagination",
    "pager", "cookie", "skip", "advert", "ads", "banner", "sitemap",
})
# ...or if the whole name is one of these (as words inside longer names they are too ambiguous:
# "article-header" holds the title).
_CHROME_NAMES = frozenset({
    "header", "head", "top", "bottom", "foot", "left", "right", "side", "links", "friendlink", "location",
    "position", "site-header", "page-header", "site-footer", "page-footer", "top-bar",
})
_CONTENT_WORDS = frozenset({"content", "article", "main", "zoom", "detail", "post", "entry", "text"})
# Structural tags never removed as chrome, however they are named.
_KEEP_TAGS = frozenset({"html", "body", "main", "article"})
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _names(tag: Tag) -> list[str]:
    raw = list(tag.get("class") or [])
    if tag.get("id"):
        raw.append(str(tag["id"]))
    return [_CAMEL.sub("-", n).lower() for n in raw]


def _is_chrome(tag: Tag, in_article: bool) -> bool:
    if str(tag.get("role", "")).lower() in _LANDMARK_ROLES:
        return True
    names = _names(tag)
    if any(_CHROME_WORDS.intersection(_WORD_SPLIT.split(name)) for name in names):
        return True
    # Inside an article a block called "header" or "bottom" is the article's own.
    return not in_article and any(name in _CHROME_NAMES for name in names)


def _is_hidden(tag: Tag) -> bool:
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return tag.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style


# bs4's find_all is slow on pages with thousands of elements; plain tree walks are not.
def _elements(root: Tag) -> list[Tag]:
    return [node for node in root.descendants if isinstance(node, Tag)]


def _text_size(tag: Tag) -> int:
    """Visible characters under ``tag``, whitespace not counted."""
    return sum(len("".join(node.split())) for node in tag.descendants if type(node) is NavigableString)


def _strip_chrome(root: Tag) -> None:
    for tag in _elements(root):
        if tag.name in _DROP_TAGS:
            tag.decompose()
    total = _text_size(root) or 1
    stack = [(root, root.name in ("article", "main"))]
    while stack:
        parent, in_article = stack.pop()
        for tag in [child for child in parent.children if isinstance(child, Tag)]:
            if tag.name not in _KEEP_TAGS and (
                _is_hidden(tag)
                or (tag.name in ("header", "footer") and not in_article)
                # The size guard keeps a content block whose name merely mentions a sidebar.
                or (_is_chrome(tag, in_article) and _text_size(tag) < total / 2)
            ):
                tag.decompose()
            else:
                stack.append((tag, in_article or tag.name in ("article", "main")))


def _main_container(root: Tag) -> Tag:
    """The outermost <main>/<article>/content block holding most of the text, else ``root``."""
    total = _text_size(root)
    for tag in _elements(root):
        is_candidate = tag.name in ("main", "article") or str(tag.get("role", "")).lower() == "main" or any(
            _CONTENT_WORDS.intersection(_WORD_SPLIT.split(n)) for n in _names(tag)
        )
        if is_candidate and _text_size(tag) * 2 > total:
            return tag  # in document order, so the first hit is the outermost
    return root


# -- rendering ----------------------------------------------------------------

_BLOCK_TAGS = frozenset({
    "address", "article", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li",
    "main", "ol", "p", "pre", "section", "summary", "ul", "caption", "table", "tbody", "thead", "tfoot", "tr",
})
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\n\f]*\n[ \t\n\f]*(?=[{_CJK}])")
_WHITESPACE = re.compile(r"[ \t\n\f\r]+")
_SPACES = re.compile(r"[ \xa0]+")
_SPACED_TAB = re.compile(r" ?\t ?")


MAX_DATA_CELL_LINES = 3


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []

    def add(self, text: str) -> None:
        self.current.append(text)

    def end(self) -> None:
        self.lines.append("".join(self.current))
        self.current = []

    def result(self) -> list[str]:
        if self.current:
            self.end()
        out = []
        for line in self.lines:
            # Tabs left here are cell separators: source whitespace was collapsed on the way in.
            line = _SPACED_TAB.sub("\t", _SPACES.sub(" ", line)).strip(" \u3000\xa0")
            if line.strip():
                out.append(line)
        return out


def _render(node: Tag, out: _Lines, pre: bool = False) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is not NavigableString:
                continue  # comments, doctype, CDATA
            text = str(child)
            if pre:
                first, *rest = text.split("\n")
                out.add(first)
                for part in rest:
                    out.end()
                    out.add(part)
            else:
                out.add(_WHITESPACE.sub(" ", _CJK_BREAK.sub("", text)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            out.end()
        elif name == "table":
            out.end()
            layout = _is_layout_table(child)
            for row in _table_rows(child):
                cells = row.find_all(["td", "th"], recursive=False)
                if layout:
                    for cell in cells:
                        _render(cell, out, pre)
                        out.end()
                else:
                    out.add("\t".join(_cell_text(cell) for cell in cells))
                    out.end()
        elif name in _BLOCK_TAGS:
            out.end()
            _render(child, out, pre or name == "pre")
            out.end()
        elif name in ("td", "th"):
            out.add(" " + _cell_text(child) + " ")
        else:
            _render(child, out, pre)


def _table_rows(table: Tag) -> list[Tag]:
    rows = []
    for child in table.find_all(["tr", "thead", "tbody", "tfoot"], recursive=False):
        rows.extend(child.find_all("tr", recursive=False) if child.name != "tr" else [child])
    return rows


def _cell_lines(cell: Tag) -> list[str]:
    inner = _Lines()
    _render(cell, inner)
    return inner.result()


def _cell_text(cell: Tag) -> str:
    return " ".join(line.replace("\t", " ") for line in _cell_lines(cell))


def _is_layout_table(table: Tag) -> bool:
    """A table used for page layout (old sites put whole articles in cells), not data.

    Its cells hold tables or several paragraphs; a data table's cells hold a
    value or a short phrase, so one row per line keeps its structure.
    """
    for row in _table_rows(table):
        for cell in row.find_all(["td", "th"], recursive=False):
            if cell.find("table") or len(_cell_lines(cell)) > MAX_DATA_CELL_LINES:
                return True
    return False


def html_to_text(markup: str) -> str:
    """The page's main text, one line per block."""
    soup = BeautifulSoup(markup, "lxml")
    root = soup.body or soup
    _strip_chrome(root)
    out = _Lines()
    _render(_main_container(root), out)
    return "\n".join(out.result())


def read_html(data: bytes, name: str) -> tuple[str, str]:
    """(main text, codec) of an HTML page."""
    markup, codec = decode_html(data, name)
    ensure_textual(markup, name)
    text = html_to_text(markup)
    if not text.strip():
        raise InputError(f"{name}: the HTML page has no main text")
    return text, codec
