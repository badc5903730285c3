"""What a failed request is counted as: Scrapy 2.19 raises its own download errors, which
must count as the timeouts and connection errors the monitors and run records read."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy import exceptions as scrapy_errors
from scrapy.statscollectors import MemoryStatsCollector
from twisted.internet.error import DNSLookupError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure

from newsscraper.spiders.failures import count_failure
from tests.settings_helpers import get_crawler


def failed(exc: BaseException) -> Failure:
    failure = Failure(exc)
    failure.request = Request("https://www.themoscowtimes.com/2024/05/01/x-a1")  # type: ignore[attr-defined]
    return failure


def counted(exc: BaseException) -> dict:
    stats = MemoryStatsCollector(get_crawler())
    count_failure(failed(exc), stats)
    return stats.get_stats()


@pytest.mark.parametrize(("name", "stat"), [
    ("DownloadTimeoutError", "spider/timeout"),
    ("CannotResolveHostError", "spider/dns_error"),
    ("DownloadConnectionRefusedError", "spider/connection_error"),
    ("ResponseDataLossError", "spider/connection_error"),
])
def test_scrapys_own_download_errors_count_as_what_they_mean(name, stat):
    error = getattr(scrapy_errors, name, None)
    if error is None:
        pytest.skip(f"this Scrapy has no {name}")
    assert counted(error("no answer")) == {stat: 1}


@pytest.mark.parametrize(("exc", "stat"), [
    (TxTimeoutError("took too long"), "spider/timeout"),
    (DNSLookupError("no such host"), "spider/dns_error"),
    (ValueError("odd"), "spider/error/ValueError"),
])
def test_twisted_errors_and_the_rest(exc, stat):
    assert counted(exc) == {stat: 1}
