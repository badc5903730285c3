"""Offsite filtering by origin: scheme, host and port, for links and redirects alike."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
# scheme://authority: where urlsplit ends the netloc (at the first / ? or #)
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def origin(url: str) -> str | None:
    """``scheme://host:port`` of ``url``, the port written out (``https://a.b:443``);
    None for a URL without a host or with an unreadable port. Every request passes here:
    the answer for each ``scheme://authority`` is kept."""
    m = _AUTHORITY.match(url)
    return _origin(m.group() if m else url)


@lru_cache(maxsize=1024)
def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or scheme not in DEFAULT_PORTS:
        return None
    return f"{scheme}://{parts.hostname}:{port or DEFAULT_PORTS[scheme]}"


def origins(urls: Iterable[str]) -> frozenset[str]:
    """The origins of ``urls`` (unreadable ones left out)."""
    return frozenset(o for o in map(origin, urls) if o)


class OriginOffsiteMiddleware(OffsiteMiddleware):
    """Scrapy's offsite middleware, comparing whole origins when the spider names them in
    ``allowed_origins``: a link or a redirect to the same host on another port (a local
    database, another service) is another site. ``dont_filter`` requests are checked too
    (only ``allow_offsite`` in the meta lets a request through), since a redirect keeps
    the flag of the request it came from. Spiders without ``allowed_origins`` get
    Scrapy's host rule. Stats: ``offsite/filtered``, ``offsite/domains``.
    """

    def process_request(self, request: Request) -> None:  # type: ignore[override]
        spider = self.crawler.spider
        assert spider is not None
        if not getattr(spider, "allowed_origins", None):
            return super().process_request(request)
        if request.meta.get("allow_offsite") or self.should_follow(request, spider):
            return None
        where = origin(request.url) or request.url
        if where not in self.domains_seen:
            self.domains_seen.add(where)
            logger.info("not following %s: %s is not one of the crawl's origins",
                        request.url, where)
            self.stats.inc_value("offsite/domains")
        self.stats.inc_value("offsite/filtered")
        raise IgnoreRequest(f"Filtered offsite request to {where!r}")

    def should_follow(self, request: Request, spider) -> bool:
        allowed = getattr(spider, "allowed_origins", None)
        if not allowed:
            return super().should_follow(request, spider)
        return origin(request.url) in allowed
