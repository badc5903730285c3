"""What became of a crawl's requests, read from Scrapy's own stats: whether the site
answered at all, refused or failed them, or shut the crawler out with robots.txt.

Scrapy counts attempts (``downloader/request_count``, ``downloader/response_status_count/*``,
``downloader/exception_type_count/*``) and the retries among them (``retry/count``,
``retry/reason_count/*``, the reason being the status line or the exception's class), so
a request is counted here once, by how its last attempt ended: a 503 retried into a 200
was answered. robots.txt fetches are Scrapy's own (``robotstxt/*``) and no page of the
site; the requests robots.txt forbade (``robotstxt/forbidden``) never reached the
downloader.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newsscraper.crawl.unreachable import kind_named

REFUSED_STATUSES = frozenset({403, 429})  # and every 5xx
ANSWERED_STATUSES = frozenset({404, 410})  # and every 2xx: the site said what a page is

EXCEPTIONS = "downloader/exception_type_count/"
STATUSES = "downloader/response_status_count/"
RETRIES = "retry/reason_count/"


@dataclass
class Requests:
    """A crawl's requests, each counted once."""

    made: int = 0  # requests sent (retries are the same request), robots.txt included
    robots: int = 0  # of which robots.txt fetches
    answered: int = 0  # pages (not robots.txt) answered 2xx, 404 or 410
    # those that ended unreachable, by cause: "HTTP 403", "CannotResolveHostError" -> n
    unreachable: Counter[str] = field(default_factory=Counter)
    forbidden: int = 0  # not sent: robots.txt forbade them

    @property
    def pages(self) -> int:
        return self.made - self.robots

    def causes(self) -> str:
        """``"64 DownloadConnectionRefusedError, 3 HTTP 503"``: the commonest first."""
        return ", ".join(f"{n} {cause}" for cause, n in self.unreachable.most_common() if n)


def requests_of(stats: Mapping[str, Any]) -> Requests:
    """The crawl's requests by how they ended, from its stats."""
    out = Requests(made=_n(stats, "downloader/request_count") - _n(stats, "retry/count"),
                   robots=_n(stats, "robotstxt/request_count"),
                   forbidden=_n(stats, "robotstxt/forbidden"))
    for key in stats:
        if key.startswith(EXCEPTIONS):
            name = key[len(EXCEPTIONS):]
            if network_error(name):
                out.unreachable[name.rsplit(".", 1)[-1]] += _last(stats, key, name)
        elif key.startswith(STATUSES) and key[len(STATUSES):].isdigit():
            status = int(key[len(STATUSES):])
            if status in REFUSED_STATUSES or 500 <= status < 600:
                # the retry reason is the status line, "503 Service Unavailable"
                out.unreachable[f"HTTP {status}"] += _last(stats, key, f"{status} ",
                                                           prefix=True)
            elif 200 <= status < 300 or status in ANSWERED_STATUSES:
                out.answered += max(0, _n(stats, key) - _n(
                    stats, f"robotstxt/response_status_count/{status}"))
    return out


def network_error(name: str) -> bool:
    """Whether the exception class Scrapy's stats name (``module.Class``) means the site
    was not reached: a timeout, a name that does not resolve, a connection refused or
    dropped (:data:`newsscraper.crawl.unreachable.KINDS`)."""
    return kind_named(name) is not None


def _last(stats: Mapping[str, Any], key: str, reason: str, prefix: bool = False) -> int:
    """The attempts counted under ``key`` that were the last of their request: less the
    retries for ``reason`` (the whole reason, or its start with ``prefix``)."""
    retried = 0
    for k in stats:
        if k.startswith(RETRIES):
            given = k[len(RETRIES):]
            if given == reason or (prefix and given.startswith(reason)):
                retried += _n(stats, k)
    return max(0, _n(stats, key) - retried)


def _n(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return value if isinstance(value, int) else 0
