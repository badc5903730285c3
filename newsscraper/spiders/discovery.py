"""Reading discovery pages: sitemaps, the dates in article URLs, and when a listing's
"View more" paging goes on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from newsscraper.sites.moscowtimes import Listing


def next_listing_page(listing: Listing, stats, *, offset: int, template: str | None,
                      step: int, progress: bool, caught_up: bool, budget_left: bool,
                      since: date | None,
                      days: Iterable[date | None]) -> tuple[str, dict[str, Any]] | None:
    """The next page's URL and callback arguments, or None when paging stops: past the
    end (an empty fragment), the same cards again (an ignored offset), out of budget,
    caught up (nothing new and stored articles: the rest is older), or before ``since``.
    """
    template = listing.more_template or template
    step = listing.more_step or step
    if not listing.urls:
        stats.inc_value("spider/listing_end")
        return None
    if not template:
        return None
    if not progress:
        stats.inc_value("spider/listing_no_progress")
        return None
    if not budget_left:
        return None
    if caught_up:
        stats.inc_value("spider/listing_caught_up")
        return None
    known_days = [d for d in days if d]
    if since and known_days and max(known_days) < since:
        stats.inc_value("spider/listing_before_since")
        return None
    if offset == 0 and listing.more_template and listing.more_start is not None:
        next_offset = listing.more_start
    else:
        next_offset = offset + step
    url = template.replace("{{offset}}", str(next_offset))
    return url, {"offset": next_offset, "template": template, "step": step}


def read_sitemap(response: Response) -> tuple[str, list[tuple[str, str | None]]]:
    """``(type, [(loc, lastmod)])`` of a sitemap or sitemap index, by Scrapy's reader (it
    recovers from the raw ``&`` of the news sitemaps' titles); a body that is no sitemap
    reads as an empty ``urlset``."""
    try:
        sitemap = Sitemap(response.body)
        entries = [(response.urljoin(e["loc"]), e.get("lastmod")) for e in sitemap if e.get("loc")]
    except Exception:  # lxml gives up on some bodies (empty, binary) with various errors
        return "urlset", []
    return sitemap.type, entries


def url_day(url: str) -> date | None:
    """The publication date in an article URL's path (Moscow time), if it has one."""
    parts = urlsplit(url).path.split("/")
    try:
        return date(int(parts[1]), int(parts[2]), int(parts[3]))
    except (IndexError, ValueError):
        return None
