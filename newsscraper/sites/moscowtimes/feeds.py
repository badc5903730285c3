"""RSS feeds (``/rss/{section}``, ``/rss/all``, the windows-1251 Yandex feed)."""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from newsscraper.sites.moscowtimes.text import collapse


@dataclass
class FeedEntry:
    url: str
    title: str
    published_at: datetime | None


def parse_rss(body: bytes, url: str) -> list[FeedEntry]:
    """Entries of an RSS 2.0 feed, in feed order. The XML declaration names the
    encoding (windows-1251 for the Yandex feed); lxml decodes accordingly."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=False)
    root = etree.fromstring(body, parser=parser)
    if root is None:
        return []
    out = []
    for item in root.iter("item"):
        link = collapse(item.findtext("link") or item.findtext("guid") or "")
        if not link:
            continue
        raw_date = item.findtext("pubDate")
        try:
            published = parsedate_to_datetime(raw_date) if raw_date else None
        except (TypeError, ValueError):
            published = None
        out.append(FeedEntry(url=link, title=html_lib.unescape(collapse(item.findtext("title") or "")),
                             published_at=published))
    return out
