"""What is true of The Moscow Times as a site, written once for parsers, spider and replica.

Origins, sections and their aliases, the section labels the breadcrumb shows, the
organisation's name, the appeals that are never article text, how authors are joined in
a byline, the stored ``_id`` format, and the one reader of the site's ISO 8601 times.
URL shapes (ids, article paths, URL dates) are in :mod:`.urls`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# the publisher key of items and stored ids is the item's (items sit below the site)
from newsscraper.items import SITE
from newsscraper.items import document_id as stored_id

REAL_WWW = "https://www.themoscowtimes.com"
REAL_STATIC = "https://static.themoscowtimes.com"  # sitemaps and images
ORGANISATION = "The Moscow Times"  # meta and JSON-LD name it when no person wrote the piece

try:  # naive times on the site (gallery bylines, URL dates) are Moscow local time
    MOSCOW: tzinfo = ZoneInfo("Europe/Moscow")
except ZoneInfoNotFoundError:  # no tz database: +03:00 has held since October 2014
    MOSCOW = timezone(timedelta(hours=3))

# listing paths of the sections (/news, /opinion, ... and their /{path}/{offset} pages)
SECTION_PATHS = ("news", "opinion", "business", "meanwhile", "arts-and-life", "climate",
                 "diaspora", "features", "ukraine-war", "lectures")
# feed, news-sitemap and internal names that differ from the section's listing path
SECTION_ALIASES = {"city": "arts-and-life", "in-depth": "features", "indepth": "features",
                   "ukraine_war": "ukraine-war", "lecture_series": "lectures"}
# the lecture series' breadcrumb is a template typo; readers see the series' name
LECTURE_TYPO = "section.ecture_series"
LECTURE_LABEL = "TMT Lecture Series"

# donation and newsletter appeals that slip into bodies: never article text
PROMO_PREFIXES = (
    "A Message from The Moscow Times", "Dear readers", "Support The Moscow Times",
    "… we have a small favor to ask", "... we have a small favor to ask",
    "Sign up for our free weekly newsletter", "Our weekly newsletter contains",
)
# how a byline joins names: "A, B and C"; older pages and feeds also write "A & B"
AUTHOR_SEPARATORS = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")


def section_path(name: str) -> str:
    """The listing path of a section, feed or news-sitemap name (``city`` ->
    ``arts-and-life``); other names are returned as given."""
    return SECTION_ALIASES.get(name, name)


def section_label(breadcrumb: str) -> str:
    """The reader-facing section label of a breadcrumb name (the lecture typo fixed)."""
    return LECTURE_LABEL if breadcrumb == LECTURE_TYPO else breadcrumb


def document_id(article_id: int) -> str:
    """The stored ``_id`` of an article: ``moscowtimes:<article_id>``."""
    return stored_id(SITE, article_id)


def parse_iso(value: object, naive: tzinfo | None = None) -> datetime | None:
    """A timezone-aware datetime from an ISO 8601 string as the site writes it (PHP
    ``date('c')``, a ``Z`` suffix in feeds). A time without offset takes ``naive`` (the
    site's Moscow time where the page says so) or gives ``None``; so does anything
    unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=naive) if naive is not None else None
    return dt
