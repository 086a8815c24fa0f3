"""Events as an Atom feed (RFC 4287), built as an XML tree (never by pasting strings).

Entry ids are the events' IRIs: permanent, unique, derived from content, so a
feed reader sees one entry per deadline across restarts and re-ingests. The
feed's id is a name-based UUID of what it lists (all deadlines, or one
jurisdiction's) under the data's base, so it does not change with the host a
server answers on.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from lxml import etree

from guidegraph.feeds.entries import Entry

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# XML 1.0 admits no control characters but tab, newline and carriage return
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _el(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{ATOM}}}{name}", {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        child.text = _clean(text)
    return child


def timestamp(moment: dt.datetime) -> str:
    """RFC 3339 in UTC, to the second."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_id(base_iri: str, what: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_iri}feeds/{what}"))


def atom_feed(entries: list[Entry], *, title: str, feed_id: str, self_url: str, alternate_url: str,
              updated: dt.datetime, lang: str, jurisdiction_scheme: str) -> bytes:
    """``updated`` is the feed's own time (used when it has no entries; else the latest entry's)."""
    feed = etree.Element(f"{{{ATOM}}}feed", {XML_LANG: lang}, nsmap={None: ATOM})
    _el(feed, "id", feed_id)
    _el(feed, "title", title)
    _el(feed, "updated", timestamp(max((e.updated for e in entries), default=updated)))
    _el(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    author = _el(feed, "author")
    _el(author, "name", "guidegraph")
    _el(feed, "generator", "guidegraph")
    for item in entries:
        entry = _el(feed, "entry")
        _el(entry, "id", item.uid)
        _el(entry, "title", item.summary, type="text")
        _el(entry, "updated", timestamp(item.updated))
        if item.event.guide.issuer:
            _el(_el(entry, "author"), "name", item.event.guide.issuer)
        _el(entry, "link", rel="alternate", type="text/html", href=item.page)
        _el(entry, "link", rel="related", type="text/html", href=item.guide_page)
        guide = item.event.guide
        if guide.jurisdiction_code:
            _el(entry, "category", term=guide.jurisdiction_code, scheme=jurisdiction_scheme,
                label=guide.jurisdiction_label or guide.jurisdiction_code)
        _el(entry, "category", term=item.event.kind)
        _el(entry, "summary", item.description, type="text")
    return etree.tostring(feed, encoding="utf-8", xml_declaration=True, pretty_print=True)
