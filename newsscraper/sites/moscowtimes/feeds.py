"""RSS feeds (``/rss/{section}``, ``/rss/all``, the windows-1251 Yandex feed)."""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from newsscraper.sites.moscowtimes.text import collapse, xml_root
from newsscraper.sites.moscowtimes.urls import absolute_url


@dataclass
class FeedEntry:
    """One feed item: where the article is, its title as the feed shows it (``/rss/all``
    prefixes opinion titles with "Author: "), and its ``pubDate``."""

    url: str
    title: str
    published_at: datetime | None


def _date(raw: str | None) -> datetime | None:
    try:
        dt = parsedate_to_datetime(raw.strip()) if raw else None
    except (TypeError, ValueError, IndexError):
        return None
    return dt if dt is not None and dt.tzinfo else None


def parse_rss(body: str | bytes, url: str) -> list[FeedEntry]:
    """Entries of an RSS 2.0 feed, in feed order; ``[]`` for a body that is no feed.

    The XML declaration names the encoding (windows-1251 for the Yandex feed); links
    are resolved against the feed's ``url``."""
    root = xml_root(body)
    if root is None:
        return []
    out = []
    for item in root.iter("item"):
        link = absolute_url(url, collapse(item.findtext("link") or item.findtext("guid") or ""))
        if not link:
            continue
        # titles are HTML-escaped before the XML escaping: "&#039;" arrives as text
        title = html_lib.unescape(collapse(item.findtext("title") or ""))
        out.append(FeedEntry(url=link, title=title,
                             published_at=_date(item.findtext("pubDate"))))
    return out
