"""Sitemaps on the static origin: the monthly index, monthly files, news sitemaps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from newsscraper.sites.moscowtimes.site import parse_iso
from newsscraper.sites.moscowtimes.text import xml_root
from newsscraper.sites.moscowtimes.urls import absolute_url

_MONTH = re.compile(r"/(\d{4})-(\d{1,2})\.xml$")
# sitemaps.org: a sitemap (or an index) lists no more; what lists more is read this far
MAX_SITEMAP_URLS = 50_000


@dataclass
class SitemapEntry:
    """One ``<sitemap>`` or ``<url>`` of a sitemap: where it points and what it says of it."""

    loc: str
    lastmod: datetime | None = None
    year_month: tuple[int, int] | None = None  # monthly files: (2024, 5) from 2024-5.xml
    title: str | None = None  # news sitemaps
    published_at: datetime | None = None  # news sitemaps


@dataclass
class Sitemap:
    """A parsed sitemap: an index of monthly files, or a set of article URLs."""

    kind: str  # "index" or "urlset"
    entries: list[SitemapEntry] = field(default_factory=list)
    truncated: bool = False  # it listed more than MAX_SITEMAP_URLS; the rest is not read


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(body: str | bytes, url: str) -> Sitemap:
    """Parse any of the site's sitemaps. News sitemaps write titles without XML escaping
    (a raw ``&``), so parsing recovers instead of failing; an index is returned sorted by
    the parsed year and month, newest first (the file order is not chronological).
    A body that is no sitemap gives an empty ``urlset``; one that lists more than
    ``MAX_SITEMAP_URLS`` gives the first ones, ``truncated``."""
    root = xml_root(body)
    if root is None:
        return Sitemap("urlset")
    kind = "index" if _local(root.tag) == "sitemapindex" else "urlset"
    entries: list[SitemapEntry] = []
    truncated = False
    for node in root:
        if _local(node.tag) not in ("sitemap", "url"):
            continue
        if len(entries) == MAX_SITEMAP_URLS:
            truncated = True
            break
        fields = {}
        for child in node.iter():
            name = _local(child.tag)
            if name in ("loc", "lastmod", "publication_date", "title") and child.text:
                fields[name] = child.text.strip()
        loc = absolute_url(url, fields.get("loc", ""))
        if not loc:
            continue
        m = _MONTH.search(loc)
        entries.append(SitemapEntry(
            loc=loc, lastmod=parse_iso(fields.get("lastmod")),
            year_month=(int(m.group(1)), int(m.group(2))) if m else None,
            title=fields.get("title"), published_at=parse_iso(fields.get("publication_date")),
        ))
    if kind == "index" and entries and all(e.year_month for e in entries):
        entries.sort(key=lambda e: e.year_month or (0, 0), reverse=True)
    return Sitemap(kind, entries, truncated)


def parse_robots_sitemaps(text: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in order."""
    out = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            out.append(value.strip())
    return out
