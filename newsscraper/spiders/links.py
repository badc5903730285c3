"""Links, triaged once: what an article link found on a page is, on the crawl's origins.

The same related and "Read more" links recur on page after page (a 3,000-article crawl
is offered 13,000 related links for 3,000 articles), so the answers for the most recent
ones are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from newsscraper.sites.moscowtimes import (
    article_id_from_url,
    is_skipped_url,
    is_slug_only_url,
    url_date,
    url_slug,
)
from newsscraper.spiders.offsite import origin
from newsscraper.spiders.starts import Origins

# links whose triage is remembered (~300 bytes each): the "Read more" cluster and the
# related links of the last few hundred pages
CACHE_SIZE = 4096


class Link(NamedTuple):
    """A link as the spider sees it. ``kind``: ``article`` (with ``article_id`` and the
    ``day`` of its path), ``slug`` (a slug-only link, resolved by its redirect) or what
    is not followed, named as its stat: ``skipped_url``, ``offsite``,
    ``not_article_url``."""

    url: str  # on the crawl's origins (real-site URLs moved onto a replica)
    kind: str
    article_id: int | None = None
    day: date | None = None
    slug: str | None = None


class LinkTriage:
    """Triages links for a crawl over ``origins``; ``allowed`` are the origins
    (``scheme://host:port``) a link may point to."""

    def __init__(self, origins: Origins, allowed: Iterable[str],
                 cache_size: int = CACHE_SIZE) -> None:
        self.origins = origins
        self.allowed = frozenset(allowed)
        self.prefixes = (f"{origins.base_url}/", f"{origins.static_url}/")  # the fast path
        self.of = lru_cache(maxsize=cache_size)(self.triage)

    def triage(self, raw: str) -> Link:
        """What ``raw`` is (not remembered: :attr:`of` is the remembering one)."""
        url = self.origins.rewrite(raw)
        if is_skipped_url(url):
            return Link(url, "skipped_url")
        if not url.startswith(self.prefixes) and origin(url) not in self.allowed:
            # not only the offsite middleware's job: an offsite URL must not claim an id
            return Link(url, "offsite")
        if is_slug_only_url(url):
            return Link(url, "slug", slug=url_slug(url))
        article_id = article_id_from_url(url)
        if article_id is None:
            return Link(url, "not_article_url")
        return Link(url, "article", article_id, url_date(url))
