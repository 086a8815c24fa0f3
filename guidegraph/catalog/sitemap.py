"""Sitemaps (sitemaps.org protocol 0.9) and robots.txt for the resource pages.

A sitemap file may hold at most 50,000 URLs and 50 MiB uncompressed; past
either limit the pages are split into ``sitemap-1.xml``, ``sitemap-2.xml`` …
and ``sitemap.xml`` becomes the index that lists them.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from guidegraph.errors import UsageError

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
MAX_URL_LENGTH = 2048  # the protocol's limit for <loc>

_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_URLSET_OPEN = f'<urlset xmlns="{SITEMAP_NS}">\n'.encode()
_URLSET_CLOSE = b"</urlset>\n"
_INDEX_OPEN = f'<sitemapindex xmlns="{SITEMAP_NS}">\n'.encode()
_INDEX_CLOSE = b"</sitemapindex>\n"
# Characters RFC 3986 allows unescaped in a URL; everything else (non-ASCII
# IRI characters, spaces) is percent-encoded, and existing escapes are kept.
_URL_SAFE = ":/?#[]@!$&'()*+,;=-._~%"
_XML_ENTITIES = {"'": "&apos;", '"': "&quot;"}


def _location(url: str, base_url: str) -> str:
    if not url.startswith(base_url):
        raise UsageError(f"sitemap URL {url!r} is not under the site {base_url!r}")
    encoded = quote(url, safe=_URL_SAFE)
    if len(encoded) > MAX_URL_LENGTH:
        raise UsageError(f"sitemap URL longer than {MAX_URL_LENGTH} characters: {encoded[:80]}…")
    return escape(encoded, _XML_ENTITIES)


def _entry(tag: str, location: str) -> bytes:
    return f"  <{tag}><loc>{location}</loc></{tag}>\n".encode("utf-8")


def sitemap_documents(page_urls: Iterable[str], base_url: str, chunk: int = MAX_URLS) -> dict[str, bytes]:
    """``{"sitemap.xml": …}`` for up to ``chunk`` pages, else the index and its chunk files.

    An empty ``page_urls`` gives a sitemap of the site's root alone, since the
    protocol wants at least one URL per file.
    """
    if not 1 <= chunk <= MAX_URLS:
        raise UsageError(f"sitemap chunk size must be between 1 and {MAX_URLS}, not {chunk}")
    if not base_url.endswith("/") or not urlsplit(base_url).scheme:
        raise UsageError(f"the site's base URL must be absolute and end with '/': {base_url!r}")
    room = MAX_BYTES - len(_HEAD) - len(_URLSET_OPEN) - len(_URLSET_CLOSE)
    chunks: list[list[bytes]] = [[]]
    size = 0
    seen: set[str] = set()
    for url in page_urls:
        location = _location(url, base_url)
        if location in seen:
            continue
        seen.add(location)
        entry = _entry("url", location)
        if len(chunks[-1]) == chunk or size + len(entry) > room:
            chunks.append([])
            size = 0
        chunks[-1].append(entry)
        size += len(entry)
    if not chunks[0]:
        chunks[0].append(_entry("url", _location(base_url, base_url)))

    def urlset(entries: list[bytes]) -> bytes:
        return b"".join([_HEAD, _URLSET_OPEN, *entries, _URLSET_CLOSE])

    if len(chunks) == 1:
        return {"sitemap.xml": urlset(chunks[0])}
    documents = {f"sitemap-{n}.xml": urlset(entries) for n, entries in enumerate(chunks, start=1)}
    index = [_entry("sitemap", _location(base_url + name, base_url)) for name in documents]
    return {"sitemap.xml": b"".join([_HEAD, _INDEX_OPEN, *index, _INDEX_CLOSE]), **documents}


def robots_txt(base_url: str) -> str:
    """robots.txt for a site whose pages live under ``base_url``.

    Crawlers may fetch everything except the SPARQL endpoint: its URL space
    is unbounded (every query is a URL), a query can be expensive, and every
    resource it could return is already reachable through the resource pages,
    the sitemap and the dumps. Only generic crawlers read robots.txt; SPARQL
    clients and harvesters of the service description are not affected.
    """
    parts = urlsplit(base_url)
    if not parts.scheme or not parts.netloc:
        raise UsageError(f"the site's base URL must be absolute: {base_url!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    sitemap = base_url if base_url.endswith("/") else base_url + "/"
    return "\n".join(
        [
            "User-agent: *",
            f"Disallow: {path}sparql",
            f"Allow: {path}",
            "",
            f"Sitemap: {sitemap}sitemap.xml",
            "",
        ]
    )
