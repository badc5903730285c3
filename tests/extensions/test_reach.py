"""The ``site reached`` monitor on Scrapy's stats of crawls that could not reach the site
(figures of real crawls of a closed port, a 403 origin and a robots.txt forbidding
everything), and of crawls that did despite trouble."""

from __future__ import annotations

import pytest

from newsscraper.extensions.reach import network_error, requests_of
from tests.extensions.test_monitors import ORDINARY, outcome_of

REFUSED = "scrapy.exceptions.DownloadConnectionRefusedError"
# `scrapy crawl moscowtimes` of a closed port, replica profile (RETRY_TIMES=3)
CLOSED_PORT = {
    "finish_reason": "finished", "downloader/request_count": 64,
    f"downloader/exception_type_count/{REFUSED}": 64, "retry/count": 48,
    f"retry/reason_count/{REFUSED}": 48, "retry/max_reached": 16,
    "robotstxt/request_count": 1, f"robotstxt/exception_count/<class '{REFUSED}'>": 1,
}


def renamed(stats: dict, old: str, new: str) -> dict:
    return {k.replace(old, new): v for k, v in stats.items()}


def detail(outcome) -> str:
    return outcome.details.get("site reached", "")


@pytest.mark.parametrize("exception", [
    REFUSED, "scrapy.exceptions.CannotResolveHostError", "scrapy.exceptions.DownloadTimeoutError",
    # Scrapy before 2.13 counted Twisted's: a subclass of ConnectError counts as one
    "twisted.internet.error.ConnectionRefusedError", "twisted.internet.error.DNSLookupError",
])
def test_a_site_that_cannot_be_reached_fails(exception):
    outcome = outcome_of(renamed(CLOSED_PORT, REFUSED, exception))
    assert outcome.failed == ["site reached"], outcome
    name = exception.rsplit(".", 1)[1]
    assert "no page of the site answered: 15 request(s)" in detail(outcome)
    assert f"16 of 16 requests unreachable (100%, maximum 50%): 16 {name}" in detail(outcome)


def test_a_site_answering_403_fails():
    stats = {"finish_reason": "finished", "downloader/request_count": 19,
             "downloader/response_status_count/403": 19, "robotstxt/request_count": 1,
             "robotstxt/response_count": 1, "robotstxt/response_status_count/403": 1}
    outcome = outcome_of(stats)
    assert outcome.failed == ["site reached"], outcome
    assert "19 of 19 requests unreachable (100%, maximum 50%): 19 HTTP 403" in detail(outcome)


def test_429_and_5xx_count_once_a_request_when_retries_gave_up():
    # 30 requests, each tried 4 times: 20 ended 429, 10 ended 503
    stats = {"finish_reason": "finished", "downloader/request_count": 120,
             "downloader/response_status_count/429": 80,
             "downloader/response_status_count/503": 40, "retry/count": 90,
             "retry/reason_count/429 Unknown Status": 60,
             "retry/reason_count/503 Service Unavailable": 30}
    requests = requests_of(stats)
    assert requests.made == 30 and requests.unreachable == {"HTTP 429": 20, "HTTP 503": 10}
    assert "30 of 30 requests unreachable" in detail(outcome_of(stats))


def test_trouble_that_retries_got_through_is_no_outage():
    # the flaky replica's way: 503, then 500, then the page
    stats = {**ORDINARY, "downloader/request_count": 519 + 200,
             "downloader/response_status_count/503": 100,
             "downloader/response_status_count/500": 100, "retry/count": 200,
             "retry/reason_count/503 Service Unavailable": 100,
             "retry/reason_count/500 Internal Server Error": 100}
    assert requests_of(stats).unreachable.total() == 0
    assert "site reached" in outcome_of(stats).passed


@pytest.mark.parametrize(("failed", "share", "passes"), [(200, "39%", True),
                                                          (300, "58%", False)])
def test_the_unreachable_share_is_a_setting(failed, share, passes):
    stats = {**ORDINARY, "downloader/request_count": 519,
             "downloader/response_status_count/200": 369 - failed,
             "downloader/response_status_count/502": failed}
    outcome = outcome_of(stats)
    assert ("site reached" in outcome.passed) is passes, outcome
    if not passes:
        assert f"{failed} of 519 requests unreachable ({share}" in detail(outcome)
    assert "site reached" in outcome_of(stats, MONITOR_MAX_UNREACHABLE_SHARE=0.6).passed


def test_a_robots_txt_forbidding_the_crawl_fails_and_one_forbidding_a_few_links_does_not():
    shut = {"finish_reason": "finished", "downloader/request_count": 2,
            "downloader/response_status_count/200": 2, "robotstxt/request_count": 2,
            "robotstxt/response_count": 2, "robotstxt/response_status_count/200": 2,
            "robotstxt/forbidden": 53}
    outcome = outcome_of(shut)
    assert outcome.failed == ["site reached"], outcome
    assert detail(outcome) == "robots.txt forbade 53 of 53 requests (100%, maximum 50%)"
    assert "site reached" in outcome_of({**ORDINARY, "robotstxt/forbidden": 12}).passed


def test_redirects_alone_are_no_page_reached():
    stats = {"finish_reason": "finished", "downloader/request_count": 20,
             "downloader/response_status_count/301": 20}
    outcome = outcome_of(stats)
    assert outcome.failed == ["site reached"], outcome
    assert "(redirects or other statuses)" in detail(outcome)


def test_a_scale_out_worker_whose_share_was_a_redirect_is_no_outage():
    # seen in a 3-worker run: the redirect's target went to another worker
    stats = {"finish_reason": "finished", "downloader/request_count": 1,
             "downloader/response_status_count/301": 1}
    assert outcome_of(stats).failed == ["site reached"]
    assert "site reached" in outcome_of(stats, REDIS_URL="redis://127.0.0.1:1/0").passed
    down = {**CLOSED_PORT, "finish_reason": "finished"}
    assert outcome_of(down, REDIS_URL="redis://127.0.0.1:1/0").failed == ["site reached"]


def test_robots_txt_is_no_page_of_the_site():
    # robots.txt answered, every page refused
    stats = {"finish_reason": "finished", "downloader/request_count": 3,
             "downloader/response_status_count/200": 1, "robotstxt/request_count": 1,
             "robotstxt/response_status_count/200": 1,
             f"downloader/exception_type_count/{REFUSED}": 2}
    requests = requests_of(stats)
    assert (requests.pages, requests.answered) == (2, 0)
    assert "no page of the site answered: 2 request(s)" in detail(outcome_of(stats))


def test_only_network_errors_count_as_unreachable():
    assert network_error("twisted.internet.error.TCPTimedOutError")
    for name in ("scrapy.exceptions.IgnoreRequest", "builtins.ValueError", "no.such.Class",
                 "NotAPath"):
        assert not network_error(name), name
