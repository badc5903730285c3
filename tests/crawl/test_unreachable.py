"""The one table of errors that mean the site was not reached: each class it lists is
one the installed Scrapy and Twisted have, Scrapy counts it under the very name listed,
and the spider's failure count and the ``site reached`` monitor read it as the same
kind."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.stats import DownloaderStats
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from newsscraper.crawl.unreachable import KINDS, classes, kind_named, kind_of
from newsscraper.extensions.reach import requests_of
from newsscraper.spiders.failures import SAID, count_failure
from tests.settings_helpers import get_crawler

LISTED = [(kind, name) for kind, names in KINDS.items() for name in names]
URL = "https://www.themoscowtimes.com/2024/05/01/x-a1"


@pytest.mark.parametrize(("kind", "name"), LISTED, ids=[n for _, n in LISTED])
def test_each_listed_error_is_counted_by_its_name_and_read_as_its_kind(kind, name):
    error = load_object(name)("no answer")  # ImportError: the name is not Scrapy's/Twisted's
    assert error.__class__ in classes(kind)
    # what Scrapy's downloader stats count for it: the name listed, nothing else
    stats = MemoryStatsCollector(get_crawler())
    request = Request(URL)
    DownloaderStats(stats).process_request(request)
    DownloaderStats(stats).process_exception(request, error)
    counted = [k for k in stats.get_stats() if k.startswith("downloader/exception_type_count/")]
    assert counted == [f"downloader/exception_type_count/{name}"]
    # the monitor: one request, unreachable, by that class
    requests = requests_of(stats.get_stats())
    assert (requests.pages, requests.answered) == (1, 0)
    assert requests.unreachable == {name.rsplit(".", 1)[1]: 1}
    assert kind_named(name) == kind_of(error.__class__) == kind
    # the spider: the same kind
    failure = Failure(error)
    failure.request = request  # type: ignore[attr-defined]
    spider_stats = MemoryStatsCollector(get_crawler())
    count_failure(failure, spider_stats)
    assert spider_stats.get_stats() == {f"spider/{kind}": 1}


def test_every_kind_is_worded_in_the_log_and_nothing_else_is_a_kind():
    assert set(SAID) == set(KINDS)
    for name in ("scrapy.exceptions.IgnoreRequest", "builtins.ValueError", "no.such.Class",
                 "NotAPath", "scrapy.exceptions"):
        assert kind_named(name) is None, name
    assert kind_of(IgnoreRequest) is None and kind_of(ValueError) is None
    # a subclass counts as its parent's kind; the first kind wins
    assert kind_named("twisted.internet.error.ConnectionRefusedError") == "connection_error"
    assert kind_named("twisted.internet.error.TCPTimedOutError") == "timeout"
