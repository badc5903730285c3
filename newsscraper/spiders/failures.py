"""What went wrong with a request, counted and logged: one bad page never ends a crawl."""

from __future__ import annotations

import logging

from scrapy import exceptions
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import TimeoutError as TxTimeoutError

logger = logging.getLogger(__name__)

GONE = (404, 410)


def _scrapy_errors(*names: str) -> tuple[type[BaseException], ...]:
    """Scrapy 2.19's own download errors (it no longer raises Twisted's), where the
    installed Scrapy has them."""
    return tuple(getattr(exceptions, n) for n in names if hasattr(exceptions, n))


TIMEOUTS = (TxTimeoutError, TCPTimedOutError, *_scrapy_errors("DownloadTimeoutError"))
DNS_ERRORS = (DNSLookupError, *_scrapy_errors("CannotResolveHostError"))
CONNECTION_ERRORS = (ConnectError, ConnectionLost, *_scrapy_errors(
    "DownloadConnectionRefusedError", "DownloadFailedError", "ResponseDataLossError"))


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
    for kinds, name, level, text in (
            (TIMEOUTS, "timeout", logging.WARNING, "timed out"),
            (DNS_ERRORS, "dns_error", logging.WARNING, "DNS lookup failed"),
            (CONNECTION_ERRORS, "connection_error", logging.WARNING, "connection failed"),
            ((IgnoreRequest,), "ignored", logging.INFO, "not fetched")):
        if failure.check(*kinds):
            stats.inc_value(f"spider/{name}")
            logger.log(level, "%s: %s (%s)", text, request.url, failure.getErrorMessage())
            return
    stats.inc_value(f"spider/error/{failure.type.__name__}")
    logger.warning("failed to fetch %s: %s: %s", request.url, failure.type.__name__,
                   failure.getErrorMessage())
