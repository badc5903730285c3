"""The report's cache of article fields (``report_cache``, kept from the changes feed)
stays equal to the articles themselves: after new articles, revisions, a move to a new
origin and URL, removals and a replayed spill file, and for a batch committed late. A
database without a cache gets one, built from every article, and says so."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from newsscraper.items import to_document, to_jsonable
from newsscraper.report import build_report, cache
from newsscraper.report.data import archive_figures, read_snapshot
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.removals import mark_gone
from newsscraper.storage.revisions import content_hash
from newsscraper.storage.spill import SpillFile
from tests.consumers.conftest import article

T = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3)
NEW_WWW = "http://127.0.0.1:8123"


@pytest.fixture
def store(mongo_uri, mongo_db_name):
    """``store(coroutine_function)``: run it with an ``ArticleStore`` of the test db."""
    def run(step: Callable) -> object:
        async def go():
            s = ArticleStore(mongo_uri, mongo_db_name)
            try:
                return await step(s)
            finally:
                await s.close()
        return asyncio.run(go())
    return run


def write(store, articles, at: datetime) -> None:
    """Store ``articles`` as the pipelines would (the dedupe pipeline's content hash)."""
    docs = [{**to_document(a), "content_hash": content_hash(a)} for a in articles]
    store(lambda s: s.articles.write(docs, at))


def at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def cached(db, moment: datetime) -> list[dict]:
    """The articles as a report at ``moment`` reads them (and updates the cache)."""
    entries = cache.cached_articles(db, _entry(), clock=at(moment))
    return sorted(entries, key=lambda e: e["article_id"])


def whole(db) -> list[dict]:
    return sorted(read_snapshot(db, 30, cached=False).articles,
                  key=lambda e: e["article_id"])


def _entry():
    from newsscraper.report.data import entry
    return entry


def test_the_cache_follows_every_kind_of_write(store, aware_db, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="newsscraper.report")
    write(store, [article(i) for i in range(1, 7)], T)
    assert len(cached(aware_db, T + timedelta(minutes=10))) == 6
    assert "built from all 6 articles" in caplog.text
    assert aware_db[cache.COLLECTION].count_documents({}) == 2  # a chunk and the bookmark
    caplog.clear()

    later = T + timedelta(minutes=20)
    write(store, [article(2, title="Story 2, edited", section="Opinion"),  # a revision
                  # the same content under another origin and a URL of another month
                  article(3, url=f"{NEW_WWW}/2023/01/02/story-3-a3"),
                  article(8)], later)
    assert aware_db.articles.find_one({"_id": "moscowtimes:2"})["version"] == 2
    moved = aware_db.articles.find_one({"_id": "moscowtimes:3"})
    assert moved["version"] == 1 and moved["url"].startswith(NEW_WWW)
    assert store(lambda s: mark_gone(s, ["moscowtimes:4"], later)) == ["moscowtimes:4"]
    spill = SpillFile(tmp_path).append([{"kind": "article",
                                         "item": to_jsonable(article(7, type="live"))}])
    store(lambda s: s.replay(spill))

    entries = cached(aware_db, T + timedelta(minutes=30))
    assert "8 articles, 5 changed since" in caplog.text  # read: only what changed
    assert entries == whole(aware_db)
    by_id = {e["article_id"]: e for e in entries}
    assert by_id[2]["section"] == "Opinion" and by_id[3]["month"] == "2023-01"
    assert by_id[4]["gone_at"] == later and by_id[7]["type"] == "live"
    months = {m.month: m for m in archive_figures(read_snapshot(aware_db, 30))}
    assert (months["2023-01"].stored, months["2024-05"].stored,
            months["2024-05"].removed) == (1, 6, 1)
    assert aware_db.articles.count_documents({"url": {"$regex": "/2024/05/"},
                                              "gone_at": {"$exists": False}}) == 6


def test_a_batch_committed_after_a_report_started_is_read_by_the_next(store, aware_db):
    write(store, [article(1)], T)
    cached(aware_db, T + timedelta(minutes=1))
    # stamped when its write started, before that report, and committed only now
    write(store, [article(2)], T + timedelta(seconds=30))
    assert [e["article_id"] for e in cached(aware_db, T + timedelta(minutes=2))] == [1, 2]


def test_the_cache_is_what_the_report_reads(store, aware_db):
    """A write that breaks the feed's contract (no ``changed_at``) is seen by a report
    reading every article (--no-cache) only: the cached report did not read them."""
    write(store, [article(1), article(2)], T)
    cached(aware_db, T + timedelta(minutes=10))
    aware_db.articles.update_one({"_id": "moscowtimes:1"}, {"$set": {"section": "Sneaky"}})
    assert [e["section"] for e in cached(aware_db, T + timedelta(minutes=20))] == \
        ["News", "Business"]
    assert [e["section"] for e in whole(aware_db)] == ["Sneaky", "Business"]


def test_a_cache_of_another_format_is_rebuilt(store, aware_db, caplog):
    caplog.set_level(logging.INFO, logger="newsscraper.report")
    write(store, [article(1)], T)
    cached(aware_db, T + timedelta(minutes=10))
    aware_db[cache.COLLECTION].update_one({"_id": cache.BOOKMARK}, {"$set": {"format": 0}})
    aware_db[cache.COLLECTION].insert_one({"_id": "old:0", "entries": "not json"})
    caplog.clear()
    assert len(cached(aware_db, T + timedelta(minutes=20))) == 1
    assert "built from all 1 articles" in caplog.text
    assert aware_db[cache.COLLECTION].find_one({"_id": "old:0"}) is None


def test_two_reports_saving_at_once_keep_the_earlier_bound(aware_db):
    collection = aware_db[cache.COLLECTION]
    first, second = T, T + timedelta(minutes=10)
    cache.move_bookmark(collection, first, None)
    read = collection.find_one({"_id": cache.BOOKMARK})
    cache.move_bookmark(collection, second, read)  # the one that read it: moves it
    assert collection.find_one()["upto"] == second
    cache.move_bookmark(collection, second + timedelta(minutes=10), read)  # read before
    assert collection.find_one()["upto"] == second
    cache.move_bookmark(collection, first + timedelta(minutes=5), read)
    assert collection.find_one()["upto"] == first + timedelta(minutes=5)


def test_the_page_is_the_same_with_and_without_the_cache(store, aware_db, tmp_path):
    write(store, [article(i, partial=i % 3 == 0) for i in range(1, 30)], T)
    now = T + timedelta(hours=1)
    pages = [build_report(aware_db, tmp_path, 30, now=now, cached=flag)
             for flag in (True, True, False)]
    assert pages[0] == pages[1] == pages[2]
