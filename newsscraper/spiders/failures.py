"""What went wrong with a request, counted and logged: one bad page never ends a crawl."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from newsscraper.crawl.unreachable import kind_of

logger = logging.getLogger(__name__)

GONE = (404, 410)
# what the log says of each kind of newsscraper.crawl.unreachable
SAID = {"timeout": "timed out", "dns_error": "DNS lookup failed",
        "connection_error": "connection failed"}


def http_status(failure) -> int | None:
    return failure.value.response.status if failure.check(HttpError) else None


def count_failure(failure, stats) -> None:
    """One stat per kind (``spider/http_503``, ``spider/timeout``, ...) and a log line.
    Scrapy counts the exception types itself (``downloader/exception_type_count/*``);
    these say what they mean for the crawl."""
    request = failure.request
    status = http_status(failure)
    if status is not None:
        stats.inc_value(f"spider/http_{status}")
        if status in GONE:
            stats.inc_value("spider/gone")
            logger.info("HTTP %s (removed) for %s", status, request.url)
        else:
            logger.warning("HTTP %s for %s", status, request.url)
        return
    kind = kind_of(failure.type)
    if kind is not None:
        stats.inc_value(f"spider/{kind}")
        logger.warning("%s: %s (%s)", SAID.get(kind, kind), request.url,
                       failure.getErrorMessage())
        return
    if failure.check(IgnoreRequest):
        stats.inc_value("spider/ignored")
        logger.info("not fetched: %s (%s)", request.url, failure.getErrorMessage())
        return
    stats.inc_value(f"spider/error/{failure.type.__name__}")
    logger.warning("failed to fetch %s: %s: %s", request.url, failure.type.__name__,
                   failure.getErrorMessage())
