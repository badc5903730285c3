"""The close-of-spider monitors on crafted stats: each fails on the case it watches and
passes on an ordinary crawl's figures; the outcome reaches the run record and the exit
status."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
import scrapy
from scrapy.utils.misc import build_from_crawler

from newsscraper.extensions.monitors import ArticleCoverage, run_close_monitors
from newsscraper.extensions.runs import RunRecorder
from newsscraper.items import Article
from newsscraper.outcome import BadSetting
from newsscraper.settings import __dict__ as project_settings
from tests.settings_helpers import get_crawler

MONITOR_SETTINGS = {k: v for k, v in project_settings.items() if k.startswith("MONITOR")}

# the figures of an ordinary replica crawl (300 articles, seed 11)
ORDINARY = {
    "finish_reason": "finished", "downloader/request_count": 519,
    "downloader/response_status_count/200": 369, "downloader/response_status_count/301": 150,
    "spider/scheduled/listing": 130, "spider/scheduled/related": 88,
    "spider/scheduled/rss": 79, "spider/scheduled/sitemap": 5, "mongo/new": 302,
    "spider/listing_pages": 24, "spider/feeds": 3, "spider/sitemaps/news": 1,
    "spider/offered/listing": 410, "spider/offered/rss": 92, "spider/offered/sitemap": 30,
    "spider/offered/related": 240,
    "coverage/articles": 302, "coverage/title": 302, "coverage/body": 302,
    "coverage/published_at": 302, "coverage/section": 302,
}


def crawler_with(stats: dict, **settings):
    crawler = get_crawler(settings_dict={**MONITOR_SETTINGS, **settings})
    crawler.stats.set_stats(dict(stats))
    return crawler


def spider(**arguments) -> scrapy.Spider:
    s = scrapy.Spider(name="moscowtimes")
    s.arguments = arguments
    return s


def outcome_of(stats: dict, arguments: dict | None = None, **settings):
    return run_close_monitors(crawler_with(stats, **settings), spider(**(arguments or {})))


def test_an_ordinary_crawl_passes_every_monitor():
    outcome = outcome_of(ORDINARY)
    assert outcome.failed == []
    assert outcome.passed == ["articles discovered", "articles stored", "field coverage",
                              "finish reason", "pages archived", "parser bugs",
                              "server errors", "site reached"]


@pytest.mark.parametrize(("change", "failed", "detail"), [
    ({"finish_reason": "closespider_timeout"}, "finish reason", "closespider_timeout"),
    ({"mongo/new": 200}, "articles stored", "stored 200 of 302"),
    ({"coverage/section": 290}, "field coverage", "section 96.0%"),
    ({"coverage/partial": 10}, "field coverage", "10 articles partial"[3:]),
    ({"spider/gone": 200, "mongo/new": 102}, "articles stored", "200 of 302 articles "
     "scheduled answered 404 or 410 (66%, maximum 50%)"),
    ({"spider/parser_bug": 1}, "parser bugs", "1 parser bug"),
    ({"warc/failed": 3}, "pages archived", "3 page(s) not kept"),
    ({"warc/failed": 40, "warc/writer_died": 1}, "pages archived", "writer process died"),
    ({"spider/http_503": 20, "spider/error/DownloadTimeoutError": 5, "spider/timeout": 5},
     "server errors", "30 of 519 requests"),
])
def test_each_monitor_fails_on_what_it_watches(change, failed, detail):
    outcome = outcome_of({**ORDINARY, **change})
    assert outcome.failed == [failed], outcome
    assert detail in outcome.details[failed], outcome.details


# a site answering every path with a placeholder page (what a crawl of one read)
PLACEHOLDER = {"finish_reason": "finished", "downloader/request_count": 16,
               "downloader/response_status_count/200": 16, "spider/listing_pages": 10,
               "spider/listing_end": 10, "spider/feeds": 3, "spider/sitemaps/news": 1,
               "spider/offered/listing": 0, "spider/offered/rss": 0,
               "spider/offered/sitemap": 0}


def test_a_few_pages_gone_in_a_small_run_pass():
    # one new article and two removed since the last run: no changed URL scheme
    quiet = {**ORDINARY, "spider/scheduled/listing": 3, "spider/scheduled/related": 0,
             "spider/scheduled/rss": 0, "spider/scheduled/sitemap": 0, "mongo/new": 1,
             "spider/gone": 2}
    assert outcome_of(quiet).failed == []
    assert outcome_of({**quiet, "spider/scheduled/listing": 19, "spider/gone": 10,
                       "mongo/new": 9}).failed == ["articles stored"]


def test_discovery_pages_without_article_links_fail_the_run():
    outcome = outcome_of(PLACEHOLDER)
    assert outcome.failed == ["articles discovered"], outcome
    assert "no article link on the 10 listing page(s), 3 feed page(s), 1 news sitemap " \
        "page(s) read" in outcome.details["articles discovered"]
    assert "site reached" in outcome.passed  # the site answered: this is not an outage
    one_link = outcome_of({**PLACEHOLDER, "spider/offered/rss": 1})
    assert "articles discovered" in one_link.passed


def test_a_run_that_reads_no_discovery_page_skips_the_discovery_monitor():
    seeds_only = {k: v for k, v in ORDINARY.items()
                  if not k.startswith(("spider/listing", "spider/feeds", "spider/sitemaps"))}
    outcome = outcome_of(seeds_only)
    assert outcome.failed == [] and "articles discovered" not in outcome.passed


def test_with_the_store_off_articles_passed_count_as_stored():
    read = {k: v for k, v in ORDINARY.items() if k != "mongo/new"}
    assert outcome_of({**read, "item_scraped_count": 300},
                      STORE_ENABLED=False).failed == []
    short = outcome_of({**read, "item_scraped_count": 100}, STORE_ENABLED=False)
    assert short.failed == ["articles stored"] and "stored 100 of 302" in \
        short.details["articles stored"]
    assert outcome_of({**read, "item_scraped_count": 300}).failed == ["articles stored"]


def test_server_errors_recovered_by_retries_do_not_count():
    retried = {**ORDINARY, "downloader/response_status_count/503": 120, "retry/count": 120,
               "spider/http_503": 1}
    assert "server errors" in outcome_of(retried).passed


def test_gone_pages_and_same_id_drops_do_not_count_as_missing():
    # 230 stored of 302 scheduled: enough only when both are taken off (230 / 250)
    outcome = outcome_of({**ORDINARY, "mongo/new": 230, "spider/gone": 40,
                          "spider/duplicate_canonical": 12})
    assert "articles stored" in outcome.passed


def test_thresholds_are_settings():
    stats = {**ORDINARY, "mongo/new": 200}
    assert outcome_of(stats, MONITOR_MIN_STORED_SHARE=0.5).failed == []
    stats = {**ORDINARY, "spider/parser_bug": 2}
    assert outcome_of(stats, MONITOR_MAX_PARSER_BUGS=2).failed == []
    stats = {**ORDINARY, "spider/gone": 200, "mongo/new": 102}
    assert outcome_of(stats, MONITOR_MAX_GONE_SHARE=0.7).failed == []
    stats = {**ORDINARY, "warc/failed": 2}
    assert outcome_of(stats, MONITOR_MAX_WARC_FAILED=2).failed == []


def test_a_recent_full_pass_that_stores_nothing_fails():
    since = (date.today() - timedelta(days=7)).isoformat()
    empty = {"finish_reason": "finished", "downloader/request_count": 20,
             "downloader/response_status_count/200": 20}
    outcome = outcome_of(empty, {"mode": "full", "since": since})
    assert outcome.failed == ["recent full pass"]
    # an incremental run over an unchanged site stores nothing, rightly
    assert outcome_of(empty, {"mode": "incremental"}).failed == []
    old = (date.today() - timedelta(days=400)).isoformat()
    assert outcome_of(empty, {"mode": "full", "since": old}).failed == []


def test_coverage_counts_articles_dropped_for_a_missing_field():
    crawler = get_crawler(settings_dict=MONITOR_SETTINGS)
    coverage = build_from_crawler(ArticleCoverage, crawler)
    whole = Article(url="u", article_id=1, title="t", body="b", section="news",
                    published_at="2025-01-01T00:00:00Z")
    broken = Article(url="u2", article_id=2, title="t", body="", partial=True)
    coverage.item_scraped(whole)
    coverage.item_dropped(broken, scrapy.exceptions.DropItem("missing_body"))
    coverage.item_dropped(whole, scrapy.exceptions.DropItem("same_id"))  # not a parse
    stats = crawler.stats.get_stats()
    assert stats["coverage/articles"] == 2 and stats["coverage/body"] == 1
    assert stats["coverage/partial"] == 1 and stats["coverage/section"] == 1


async def test_failed_monitor_makes_the_record_monitors_failed_and_exit_4(
        mongo_uri, mongo_db_name, mongo_db, tmp_path):
    crawler = get_crawler(settings_dict={**MONITOR_SETTINGS, "MONGO_URI": mongo_uri,
                                         "MONGO_DATABASE": mongo_db_name,
                                         "NEWSSCRAPER_DATA_DIR": str(tmp_path)})
    runs = build_from_crawler(RunRecorder, crawler)
    s = spider(mode="incremental")
    await runs.spider_opened(s)
    for key, value in {**ORDINARY, "mongo/new": 100}.items():
        crawler.stats.set_value(key, value)
    await runs.spider_closed(s, "finished")
    record = mongo_db.runs.find_one({"_id": runs.run_id})
    assert record["status"] == "monitors_failed" and record["exit_status"] == 4
    assert record["monitors"]["failed"] == ["articles stored"]
    assert "stored 100 of 302" in record["monitors"]["details"]["articles stored"]
    assert "finish reason" in record["monitors"]["passed"]
    assert crawler.stats.get_value("run/exit_status") == 4


def test_an_unknown_notifier_is_a_settings_error():
    crawler = get_crawler(settings_dict={**MONITOR_SETTINGS, "MONITOR_NOTIFY": ["pager"]})
    with pytest.raises(BadSetting, match="pager"):
        RunRecorder(crawler)


def test_a_notifier_without_its_settings_is_a_settings_error():
    crawler = get_crawler(settings_dict={**MONITOR_SETTINGS, "MONITOR_NOTIFY": ["telegram"]})
    with pytest.raises(BadSetting, match="SPIDERMON_TELEGRAM_SENDER_TOKEN"):
        RunRecorder(crawler)


def test_notifications_are_off_by_default():
    assert MONITOR_SETTINGS["MONITOR_NOTIFY"] == []
    assert outcome_of({**ORDINARY, "mongo/new": 1}).failed  # a failure, and no notifier


def test_a_failed_monitor_is_notified_through_spidermon(caplog):
    """Telegram's action in spidermon's fake mode logs the message it would send."""
    settings = {"MONITOR_NOTIFY": ["telegram"], "SPIDERMON_TELEGRAM_SENDER_TOKEN": "t0ken",
                "SPIDERMON_TELEGRAM_RECIPIENTS": ["12345"], "SPIDERMON_TELEGRAM_FAKE": True}
    with caplog.at_level(logging.INFO):
        outcome = outcome_of({**ORDINARY, "spider/parser_bug": 3}, **settings)
    assert outcome.failed == ["parser bugs"]
    sent = [r.getMessage() for r in caplog.records if "spidermon.contrib.actions" in r.name]
    assert sent and "moscowtimes" in sent[0], [r.getMessage() for r in caplog.records]
    with caplog.at_level(logging.INFO):
        caplog.clear()
        outcome_of(ORDINARY, **settings)  # all passed: nothing sent
    assert not [r for r in caplog.records if "spidermon.contrib.actions" in r.name]
