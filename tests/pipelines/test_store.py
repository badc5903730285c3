"""The pipelines against a real server: versions, unchanged articles, duplicates, runs,
and a database that goes away."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import time

import pytest
from pymongo import MongoClient

from newsscraper.pipelines.dedupe import DedupePipeline
from newsscraper.pipelines.store import MongoStorePipeline
from newsscraper.storage.uri import client_options
from tests.pipeline_helpers import run_items


async def test_new_then_unchanged_then_edited(crawler_for, build, make_article, mongo_db):
    stats = await run_items(crawler_for(), build, [make_article(i) for i in (1, 2, 3)])
    assert stats["mongo/new"] == 3
    first = {d["_id"]: d for d in mongo_db.articles.find()}
    assert set(first) == {"moscowtimes:1", "moscowtimes:2", "moscowtimes:3"}
    assert all(d["version"] == 1 and d["first_seen_at"] == d["last_seen_at"]
               for d in first.values())

    await asyncio.sleep(1.1)  # stored times have second resolution
    # the related link's render date moved: not a change a reader sees
    moved = make_article(2, related=[dataclasses.replace(make_article(2).related[0],
                                                         url="https://www.themoscowtimes.com/2025/11/09/other")])
    stats = await run_items(crawler_for(), build, [make_article(1), moved,
                                                   make_article(3, title="Story 3, edited")])
    assert stats["mongo/unchanged"] == 2 and stats["mongo/updated"] == 1
    after = {d["_id"]: d for d in mongo_db.articles.find()}
    for key in ("moscowtimes:1", "moscowtimes:2"):
        assert after[key]["version"] == 1
        assert after[key]["content_hash"] == first[key]["content_hash"]
        assert after[key]["last_seen_at"] > first[key]["last_seen_at"]
    edited = after["moscowtimes:3"]
    assert edited["version"] == 2 and edited["title"] == "Story 3, edited"
    assert edited["first_seen_at"] == first["moscowtimes:3"]["first_seen_at"]
    old = mongo_db.article_versions.find_one({"_id": "moscowtimes:3:v1"})
    assert old["title"] == "Story 3" and old["article"] == "moscowtimes:3" and old["version"] == 1
    assert mongo_db.article_versions.count_documents({}) == 1


async def test_same_article_twice_in_a_run_is_stored_once(crawler_for, build, make_article,
                                                          mongo_db):
    # the crawl ledger reads an id once per run; a second copy from elsewhere is harmless
    items = [make_article(7), make_article(7), make_article(8)]
    stats = await run_items(crawler_for(), build, items)
    assert stats["mongo/new"] == 2
    assert mongo_db.articles.count_documents({}) == 2
    assert mongo_db.articles.find_one({"article_id": 7}).get("near_duplicate_of") is None


async def test_same_body_twice_in_one_run_is_marked_by_the_store(crawler_for, build,
                                                                make_article, mongo_db):
    body = make_article(13).body
    crawler = crawler_for(STORE_BATCH_SIZE=1)  # in two batches: found through body_hashes
    await run_items(crawler, build, [make_article(13), make_article(14, body=body),
                                     make_article(15, body=body)])
    docs = {d["article_id"]: d for d in mongo_db.articles.find()}
    assert docs[13].get("duplicate_of") is None
    assert docs[14]["duplicate_of"] == docs[15]["duplicate_of"] == "moscowtimes:13"


async def test_duplicates_marked_not_dropped(crawler_for, build, make_article, mongo_db):
    body = make_article(10).body
    await run_items(crawler_for(), build, [make_article(10)])
    # a later run: same body under another id, and a near-duplicate
    await run_items(crawler_for(), build, [make_article(11, body=body),
                                           make_article(12, body=body + "\n\nOne more line.")])
    docs = {d["article_id"]: d for d in mongo_db.articles.find()}
    assert set(docs) == {10, 11, 12}
    assert docs[11]["duplicate_of"] == "moscowtimes:10"
    assert docs[10].get("duplicate_of") is None
    import random

    rng = random.Random(3)
    words = [f"w{rng.randrange(5000)}" for _ in range(400)]  # an article-length body
    long_body = " ".join(words)
    words[200] = "changed"
    stats = await run_items(crawler_for(), build, [make_article(20, body=long_body),
                                                   make_article(21, body=" ".join(words))])
    assert stats.get("dedupe/near_duplicate") == 1
    assert mongo_db.articles.find_one({"article_id": 21})["near_duplicate_of"] == "moscowtimes:20"
    assert mongo_db.articles.find_one({"article_id": 21}).get("duplicate_of") is None


async def test_invalid_items_dropped_with_reasons(crawler_for, build, make_article, mongo_db):
    stats = await run_items(crawler_for(), build, [
        make_article(30, title="  "), make_article(31, body="\u200b"),
        make_article(32, published_at=None), make_article(33)])
    assert stats["validate/dropped/missing_title"] == 1
    assert stats["validate/dropped/missing_body"] == 1
    assert stats["validate/dropped/missing_published_at"] == 1
    assert [d["article_id"] for d in mongo_db.articles.find()] == [33]


async def test_password_never_logged(crawler_for, build, caplog, mongo_uri):
    uri = mongo_uri.replace("mongodb://", "mongodb://reader:s3cr3t@")
    crawler = crawler_for(MONGO_URI=uri, STORE_RETRY_SECONDS=0.5, MONGO_TIMEOUT_MS=300)
    store = build(MongoStorePipeline, crawler)
    await store.open_spider()
    await store.close_spider()
    assert "s3cr3t" not in caplog.text and "reader:***@" in caplog.text


async def test_driver_debug_records_are_not_built_while_storing(crawler_for, build, make_article,
                                                               mongo_db):
    """pymongo formats a record per command when DEBUG is enabled for its loggers, and
    Scrapy's root logger enables everything: the store bounds the driver's tree."""
    import logging

    built: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            built.append(record)

    root, keep = logging.getLogger(), Keep(logging.DEBUG)
    old_level = root.level
    root.setLevel(logging.NOTSET)  # as Scrapy leaves it
    root.addHandler(keep)
    logging.getLogger("pymongo").setLevel(logging.NOTSET)
    try:
        crawler = crawler_for()
        await run_items(crawler, build, [make_article(article_id=41)])
    finally:
        root.removeHandler(keep)
        root.setLevel(old_level)
    assert mongo_db.articles.count_documents({"_id": "moscowtimes:41"}) == 1
    # the store's async client runs in this thread; the sync client of the mongo_db
    # fixture has monitor threads of its own that may log before the store bounds it
    ours = [r.getMessage()[:200] for r in built
            if r.name.startswith("pymongo") and r.thread == threading.get_ident()]
    assert not ours


# the unraisable ResourceWarning above comes from pymongo's monitor thread, not our code
monitor_leak = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@monitor_leak
async def test_outage_in_the_middle_recovers(crawler_for, build, make_article, own_server):
    crawler = crawler_for(MONGO_URI=own_server.uri, MONGO_DATABASE="outage", STORE_BATCH_SIZE=10,
                          STORE_RETRY_SECONDS=30, MONGO_TIMEOUT_MS=500)
    store = build(MongoStorePipeline, crawler)
    await store.open_spider()
    for i in range(1, 16):
        await store.process_item(build(DedupePipeline, crawler).process_item(make_article(i)))
    own_server.stop()
    restarter = threading.Timer(2.0, lambda: own_server.start(log=lambda _m: None))
    restarter.start()
    started = time.monotonic()
    dedupe = build(DedupePipeline, crawler)
    for i in range(16, 31):
        await store.process_item(dedupe.process_item(make_article(i)))
    await store.close_spider()
    restarter.join()
    assert time.monotonic() - started >= 1.5  # it really waited for the server
    stats = crawler.stats.get_stats()
    assert stats.get("mongo/retries", 0) >= 1 and not stats.get("mongo/spilled")
    client: MongoClient = MongoClient(own_server.uri, **client_options())
    ids = sorted(d["article_id"] for d in client.outage.articles.find())
    client.close()
    assert ids == list(range(1, 31))


@monitor_leak
async def test_outage_that_lasts_spills_then_replays(crawler_for, build, make_article, own_server,
                                                     tmp_path):
    settings = dict(MONGO_URI=own_server.uri, MONGO_DATABASE="spill", STORE_BATCH_SIZE=5,
                    STORE_RETRY_SECONDS=1.5, MONGO_TIMEOUT_MS=300)
    crawler = crawler_for(**settings)
    store = build(MongoStorePipeline, crawler)
    dedupe = build(DedupePipeline, crawler)
    await store.open_spider()
    for i in range(1, 8):
        await store.process_item(dedupe.process_item(make_article(i)))
    own_server.stop()
    for i in range(8, 21):
        await store.process_item(dedupe.process_item(make_article(i)))
    await store.close_spider()
    stats = crawler.stats.get_stats()
    assert stats["mongo/spilled"] >= 13 and store.down
    spill_files = list((tmp_path / "spill").glob("spill-*.jsonl"))
    assert spill_files
    records = [json.loads(line) for f in spill_files for line in f.read_text().splitlines()]
    spilled = [r["item"]["article_id"] for r in records if r["kind"] == "article"]

    own_server.start(log=lambda _m: None)
    crawler2 = crawler_for(**settings)
    store2 = build(MongoStorePipeline, crawler2)
    await store2.open_spider()  # replays before the crawl starts
    # the crawl then meets some of the same articles again: still stored once
    dedupe2 = build(DedupePipeline, crawler2)
    for i in (1, 12, 20):
        await store2.process_item(dedupe2.process_item(make_article(i)))
    await store2.close_spider()
    assert crawler2.stats.get_value("mongo/replayed") == len(spilled)
    assert not list((tmp_path / "spill").glob("spill-*.jsonl"))
    client: MongoClient = MongoClient(own_server.uri, **client_options())
    docs = list(client.spill.articles.find())
    client.close()
    assert sorted(d["article_id"] for d in docs) == list(range(1, 21))
    assert all(d["version"] == 1 for d in docs)


async def test_retry_after_the_copy_was_written_but_not_the_article_makes_no_extra_revision(
        crawler_for, build, make_article, mongo_db):
    await run_items(crawler_for(), build, [make_article(40)])
    stats = await run_items(crawler_for(), build, [make_article(40, title="Story 40, edited")])
    assert stats["mongo/updated"] == 1
    edited = mongo_db.articles.find_one({"_id": "moscowtimes:40"})
    # the state a failure between the revision copy and the article write leaves behind
    old = mongo_db.article_versions.find_one({"_id": "moscowtimes:40:v1"})
    restored = {k: v for k, v in old.items()
                if k not in ("article", "superseded_at", "superseded_by")}
    mongo_db.articles.replace_one({"_id": "moscowtimes:40"},
                                  {**restored, "_id": "moscowtimes:40"})
    stats = await run_items(crawler_for(), build, [make_article(40, title="Story 40, edited")])
    assert stats["mongo/updated"] == 1
    doc = mongo_db.articles.find_one({"_id": "moscowtimes:40"})
    assert doc["version"] == 2 and doc["content_hash"] == edited["content_hash"]
    assert mongo_db.article_versions.count_documents({"article": "moscowtimes:40"}) == 1


async def test_revision_claimed_by_another_writer_is_waited_for_then_taken_over_when_dead(
        mongo_uri, mongo_db_name, make_article, mongo_db):
    from newsscraper.items import to_document
    from newsscraper.pipelines.dedupe import body_hash
    from newsscraper.storage.database import WriteConflict, utcnow
    from newsscraper.storage.mongo import ArticleStore
    from newsscraper.storage.revisions import content_hash
    from newsscraper.storage.versions import CLAIM_SECONDS

    def doc(article):
        d = to_document(article)
        d.update(content_hash=content_hash(article), body_hash=body_hash(d["body"]))
        return d

    store = ArticleStore(mongo_uri, mongo_db_name)
    try:
        await store.articles.write([doc(make_article(41))])
        # another writer claimed version 1 for its own content a moment ago
        mongo_db.article_versions.insert_one({"_id": "moscowtimes:41:v1", "version": 1,
                                              "superseded_by": "other",
                                              "superseded_at": utcnow()})
        mine = doc(make_article(41, title="Story 41, edited"))
        with pytest.raises(WriteConflict):
            await store.articles.write([mine])
        assert mongo_db.articles.find_one({"_id": "moscowtimes:41"})["version"] == 1
        from datetime import timedelta
        mongo_db.article_versions.update_one(
            {"_id": "moscowtimes:41:v1"},
            {"$set": {"superseded_at": utcnow() - timedelta(seconds=CLAIM_SECONDS + 5)}})
        result = await store.articles.write([mine])
        assert result.updated == 1
        copy = mongo_db.article_versions.find_one({"_id": "moscowtimes:41:v1"})
        assert copy["title"] == "Story 41" and copy["superseded_by"] == mine["content_hash"]
        assert mongo_db.articles.find_one({"_id": "moscowtimes:41"})["title"] == \
            "Story 41, edited"
    finally:
        await store.close()


async def test_batch_time_bound_flushes_while_no_item_arrives(crawler_for, build, make_article,
                                                               mongo_db):
    store = build(MongoStorePipeline, crawler_for(STORE_BATCH_SECONDS=1))
    await store.open_spider()
    try:
        # the batch's clock starts before open_spider's index and replay round trips,
        # which took 0.07-0.3 s on a loaded host: with a 0.3 s bound the first item could
        # find its batch due and be written at once. An (empty) flush restarts the clock
        await store.flush()
        for i in (50, 51, 52):
            await store.process_item(make_article(i))
        assert mongo_db.articles.count_documents({}) == 0  # a batch, not per-item writes
        deadline = time.monotonic() + 30
        while mongo_db.articles.count_documents({}) < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert mongo_db.articles.count_documents({}) == 3
    finally:
        await store.close_spider()


async def test_unchanged_article_rewritten_at_most_once_per_resolution(
        crawler_for, build, make_article, mongo_db):
    await run_items(crawler_for(), build, [make_article(60)])
    stored = mongo_db.articles.find_one({"_id": "moscowtimes:60"})
    await asyncio.sleep(1.1)  # stored times have second resolution
    stats = await run_items(crawler_for(STORE_SEEN_RESOLUTION_HOURS=12), build,
                            [make_article(60)])
    assert stats["mongo/unchanged"] == 1
    assert mongo_db.articles.find_one({"_id": "moscowtimes:60"}) == stored  # not rewritten
    await asyncio.sleep(1.1)
    await run_items(crawler_for(STORE_SEEN_RESOLUTION_HOURS=0.0002), build, [make_article(60)])
    seen = mongo_db.articles.find_one({"_id": "moscowtimes:60"})["last_seen_at"]
    assert seen > stored["last_seen_at"]


async def test_article_index_of_an_older_version_is_dropped(crawler_for, build, mongo_db):
    mongo_db.article_index.insert_one({"_id": "moscowtimes:1", "version": 1})
    store = build(MongoStorePipeline, crawler_for())
    await store.open_spider()
    await store.close_spider()
    assert "article_index" not in mongo_db.list_collection_names()


async def test_retry_of_a_batch_whose_insert_half_happened_counts_those_articles_new(
        mongo_uri, mongo_db_name, make_article):
    """An insert_many cut off by an outage may have stored part of the batch; the retry
    (same batch, same moment) finds those stored and must still count them as new."""
    from datetime import timedelta

    from newsscraper.items import to_document
    from newsscraper.pipelines.dedupe import body_hash
    from newsscraper.storage.database import utcnow
    from newsscraper.storage.mongo import ArticleStore
    from newsscraper.storage.revisions import content_hash

    def doc(article):
        d = to_document(article)
        d.update(content_hash=content_hash(article), body_hash=body_hash(d["body"]))
        return d

    batch = [doc(make_article(i)) for i in (51, 52, 53)]
    now = utcnow()
    store = ArticleStore(mongo_uri, mongo_db_name)
    try:
        await store.articles.write([dict(batch[0])], now)  # the half that reached the server
        retry = await store.articles.write([dict(d) for d in batch], now)
        assert (retry.new, retry.unchanged) == (3, 0)
        later = await store.articles.write([dict(d) for d in batch], now + timedelta(hours=1))
        assert (later.new, later.unchanged) == (0, 3)  # a later run: a mere sighting
    finally:
        await store.close()
