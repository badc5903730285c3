"""Removed articles: ``gone_at`` from a 404/410 or from a month's sitemap that no longer
lists a stored article; cleared as a new revision when the article is served again."""

from __future__ import annotations

import asyncio
import time

import pytest
from scrapy.utils.misc import build_from_crawler

from newsscraper.extensions.removed import RemovedArticles
from tests.consumers.conftest import article
from tests.settings_helpers import get_crawler

MAY = "sitemap:/sitemap/2024-5.xml"


@pytest.fixture
def removals(mongo_uri, mongo_db_name):
    """A RemovedArticles extension of a crawl into the test database."""
    def make(**settings) -> RemovedArticles:
        crawler = get_crawler(settings_dict={"MONGO_URI": mongo_uri,
                                             "MONGO_DATABASE": mongo_db_name, **settings})
        crawler.stats.open_spider()
        return build_from_crawler(RemovedArticles, crawler)
    return make


def close(ext: RemovedArticles) -> dict:
    asyncio.run(ext.spider_closed(None, "finished"))
    return ext.crawler.stats.get_stats()


def urls(*ids: int) -> list[str]:
    return [article(i).url for i in ids]


def test_http_gone_and_dropped_from_sitemap_marked(store_items, removals, aware_db, cli):
    store_items([article(i) for i in (1, 2, 3, 4, 5)])  # all published in May 2024
    ext = removals()
    ext.on_month(month=MAY, urls=urls(1, 2, 3, 4, 5))
    assert "removed/marked" not in close(ext)
    before = {d["_id"]: d for d in aware_db.articles.find()}
    time.sleep(1.1)
    ext = removals()
    ext.on_gone(article_id=2, status=410)
    ext.on_gone(article_id=99, status=404)  # never stored: nothing to mark
    ext.on_month(month=MAY, urls=urls(1, 2, 4))  # 3 and 5 dropped out
    ext.on_item(article(5))  # ... but 5 was served in this run
    stats = close(ext)
    assert stats["removed/marked"] == 2 and stats["removed/sitemap"] == 1
    after = {d["_id"]: d for d in aware_db.articles.find()}
    gone = {k for k, d in after.items() if d.get("gone_at")}
    assert gone == {"moscowtimes:2", "moscowtimes:3"}
    for key in gone:
        assert after[key]["changed_at"] == after[key]["gone_at"] > before[key]["changed_at"]
        assert after[key]["version"] == 1  # removal is no new revision
    assert after["moscowtimes:1"]["changed_at"] == before["moscowtimes:1"]["changed_at"]
    status, out, _ = cli("show", "3")
    assert status == 0 and "\nREMOVED from the site: gone since " in out
    assert "REMOVED" not in cli("show", "1")[1]

    # marked once: a later 404 does not move gone_at
    ext = removals()
    ext.on_gone(article_id=2, status=404)
    assert "removed/marked" not in close(ext)
    assert aware_db.articles.find_one({"_id": "moscowtimes:2"})["gone_at"] == \
        after["moscowtimes:2"]["gone_at"]


def test_article_served_again_is_a_new_revision_without_gone_at(store_items, removals,
                                                                 aware_db):
    store_items([article(1), article(2)])
    ext = removals()
    ext.on_gone(article_id=1, status=404)
    close(ext)
    gone = aware_db.articles.find_one({"_id": "moscowtimes:1"})
    time.sleep(1.1)
    stats = store_items([article(1), article(2)])  # the same content, served again
    assert stats["mongo/updated"] == 1 and stats["mongo/unchanged"] == 1
    back = aware_db.articles.find_one({"_id": "moscowtimes:1"})
    assert "gone_at" not in back and back["version"] == 2
    assert back["changed_at"] > gone["changed_at"]
    old = aware_db.article_versions.find_one({"_id": "moscowtimes:1:v1"})
    assert old["gone_at"] == gone["gone_at"]
    time.sleep(1.1)
    assert store_items([article(1)])["mongo/unchanged"] == 1  # and then it is settled


def test_a_sitemap_missing_most_of_its_month_marks_nothing(store_items, removals, aware_db):
    store_items([article(i) for i in range(10, 40)])  # May 2024
    ext = removals(REMOVALS_MONTH_LIMIT=5)
    ext.on_month(month=MAY, urls=urls(*range(10, 40)))
    close(ext)
    ext = removals(REMOVALS_MONTH_LIMIT=5)
    ext.on_month(month=MAY, urls=urls(10))  # a truncated file
    stats = close(ext)
    assert stats["removed/month_skipped"] == 1 and "removed/marked" not in stats
    assert aware_db.articles.count_documents({"gone_at": {"$ne": None}}) == 0
    # the truncated listing was not kept: the next whole file is compared with the last
    ext = removals(REMOVALS_MONTH_LIMIT=5)
    ext.on_month(month=MAY, urls=urls(*range(11, 40)))
    assert close(ext)["removed/marked"] == 1
    assert aware_db.articles.find_one({"_id": "moscowtimes:10"})["gone_at"]


def test_first_read_and_unnamed_entries_judge_nothing(store_items, removals, aware_db):
    store_items([article(1), article(2)])
    ext = removals()
    ext.on_month(month=MAY, urls=urls(1))  # never read before: 2 may never have been in it
    ext.on_month(month="sitemap:/sitemap/2024-6.xml",
                 urls=["https://www.themoscowtimes.com/2024/06/11/slug-only"])
    assert "removed/marked" not in close(ext)
    ext = removals()
    ext.on_month(month=MAY, urls=urls(1))
    assert "removed/marked" not in close(ext)
    assert aware_db.articles.count_documents({"gone_at": {"$ne": None}}) == 0
    assert aware_db.crawl_state.find_one({"_id": "listing:/sitemap/2024-5.xml"})["value"] == [1]
    assert aware_db.crawl_state.find_one({"_id": "listing:/sitemap/2024-6.xml"}) is None


def test_switched_off(removals):
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        removals(REMOVALS_ENABLED=False)


def test_nothing_attempted_when_the_run_lost_the_database(removals):
    ext = removals(MONGO_URI="mongodb://127.0.0.1:1/")  # nothing answers there
    ext.on_gone(article_id=2, status=410)
    ext.crawler.stats.set_value("mongo/spilled", 3)
    started = time.monotonic()
    stats = close(ext)
    assert time.monotonic() - started < 1  # no server-selection wait
    assert "removed/errors" not in stats and "removed/marked" not in stats
