"""Reading discovery pages: sitemaps, the dates in article URLs, and when a listing's
"View more" paging goes on."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from newsscraper.sites.moscowtimes import Listing
from newsscraper.sites.moscowtimes import url_date as url_day  # noqa: F401 - the spider imports it here
from newsscraper.sites.moscowtimes.sitemaps import MAX_SITEMAP_URLS

logger = logging.getLogger(__name__)


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


class SitemapRead(NamedTuple):
    kind: str  # "sitemapindex" or "urlset"
    entries: list[tuple[str, str | None]]  # (loc, lastmod)
    truncated: bool  # it lists more than were read


def read_sitemap(response: Response, stats) -> SitemapRead:
    """The entries of a sitemap or sitemap index, by Scrapy's reader (it recovers from
    the raw ``&`` of the news sitemaps' titles); a body that is no sitemap reads as an
    empty ``urlset``. No more than ``MAX_SITEMAP_URLS`` entries are read (Scrapy's
    reader streams: the rest is never parsed); a sitemap that lists more is logged and
    counted (``sitemap/truncated``)."""
    entries: list[tuple[str, str | None]] = []
    try:
        sitemap = Sitemap(response.body)
        for e in sitemap:
            if not e.get("loc"):
                continue
            if len(entries) == MAX_SITEMAP_URLS:
                stats.inc_value("sitemap/truncated")
                logger.warning("sitemap %s lists more than %d URLs (the sitemaps.org limit); "
                               "read the first %d", response.url, MAX_SITEMAP_URLS,
                               MAX_SITEMAP_URLS)
                return SitemapRead(sitemap.type, entries, True)
            entries.append((absolute(response, e["loc"]), e.get("lastmod")))
    except Exception:  # lxml gives up on some bodies (empty, binary) with various errors
        return SitemapRead("urlset", [], False)
    return SitemapRead(sitemap.type, entries, False)


def absolute(response: Response, loc: str) -> str:
    """A sitemap's ``<loc>`` as an absolute URL: as written when it is one (every loc of
    the site's sitemaps), else joined to the sitemap's URL."""
    if loc.startswith(("https://", "http://")) and " " not in loc and "/." not in loc:
        return loc
    return response.urljoin(loc)
