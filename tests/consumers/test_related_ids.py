"""RelatedIds: slug-only related links get the target's id and canonical URL as the
article is written when the target is known (stored earlier, in this run or an earlier
one), else as soon as it is learned (a redirect, or the target stored later), moving
``changed_at``; what a killed run left pending is finished by the next."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

from scrapy.utils.misc import build_from_crawler

from newsscraper.crawl.shared_store import release_store
from newsscraper.extensions.related import RelatedIds
from newsscraper.items import LivePost, RelatedLink
from newsscraper.pipelines.clean import CleanPipeline
from newsscraper.pipelines.dedupe import DedupePipeline
from newsscraper.pipelines.store import MongoStorePipeline
from newsscraper.pipelines.validate import ValidatePipeline
from tests.consumers.conftest import WWW, article
from tests.settings_helpers import get_crawler

SLUG = f"{WWW}/2025/11/02/the-target-story"
TARGET = f"{WWW}/2024/05/12/the-target-story-a2"


def linking(aid: int, *slugs: str, **fields):
    """Article ``aid`` with slug-only related links to ``slugs`` (rendered as the site
    does: the render date and the slug, no id)."""
    return article(aid, related=[RelatedLink(f"{WWW}/2025/11/02/{s}", s.title(), i + 1)
                                 for i, s in enumerate(slugs)], **fields)


def run(mongo_uri: str, db: str, tmp_path, steps, close: bool = True) -> dict:
    """One run: each step an item stored (written at once) or ``("slug", url, target)``
    (a redirect followed) or ``"round"`` (the extension's periodic write). Returns the
    run's stats."""
    crawler = get_crawler(settings_dict={
        "MONGO_URI": mongo_uri, "MONGO_DATABASE": db, "NEWSSCRAPER_DATA_DIR": str(tmp_path),
        "MONGO_AUTOSTART": False, "STORE_RETRY_SECONDS": 5, "STORE_BATCH_SIZE": 1})
    crawler.stats.open_spider()

    async def go() -> None:
        ext = build_from_crawler(RelatedIds, crawler)
        stages = [build_from_crawler(c, crawler)
                  for c in (CleanPipeline, ValidatePipeline, DedupePipeline)]
        store = build_from_crawler(MongoStorePipeline, crawler)
        await store.open_spider()
        await ext.spider_opened(None)
        for step in steps:
            if step == "round":
                await ext.round()
            elif isinstance(step, tuple):
                ext.on_slug(url=step[1], target=step[2])
            else:
                for stage in stages:
                    step = stage.process_item(step)
                await store.process_item(step)
        await store.close_spider()
        if close:
            await ext.spider_closed(None, "finished")
        else:  # killed: nothing at close, the timer dies with the process
            assert ext.timer is not None
            ext.timer.cancel()
            await release_store(crawler)

    asyncio.run(go())
    return crawler.stats.get_stats()


def link_ids(db, aid: int) -> list:
    return [link["article_id"] for link in db.articles.find_one(
        {"_id": f"moscowtimes:{aid}"})["related"]]


def test_a_target_stored_earlier_is_filled_as_the_article_is_written(
        mongo_uri, mongo_db_name, aware_db, tmp_path):
    run(mongo_uri, mongo_db_name, tmp_path, [article(3)])  # an earlier run
    stats = run(mongo_uri, mongo_db_name, tmp_path,
                [article(4), linking(1, "story-3", "story-4", "never-followed")])
    assert link_ids(aware_db, 1) == [3, 4, None]
    link = aware_db.articles.find_one({"_id": "moscowtimes:1"})["related"][0]
    assert link["canonical_url"] == article(3).url and link["url"].endswith("/story-3")
    assert stats["related_ids/at_write"] == 2
    assert "related_ids/articles" not in stats  # nothing written twice
    # the link no run can resolve waits for the next
    assert aware_db.related_pending.find_one({"_id": "moscowtimes:1"})["slugs"] == \
        ["never-followed"]


def test_links_a_killed_run_left_pending_are_filled_by_the_next_moving_changed_at(
        mongo_uri, mongo_db_name, aware_db, tmp_path):
    post = LivePost(1, datetime(2024, 5, 11, tzinfo=timezone.utc), "Post.",
                    related=[RelatedLink(SLUG, "The Target Story")])
    source = linking(1, "story-3", type="live", live_posts=[post])
    run(mongo_uri, mongo_db_name, tmp_path, [source], close=False)  # killed
    before = aware_db.articles.find_one({"_id": "moscowtimes:1"})
    assert link_ids(aware_db, 1) == [None]
    time.sleep(1.1)  # changed_at has whole seconds
    stats = run(mongo_uri, mongo_db_name, tmp_path,
                [article(3), "round", ("slug", SLUG, TARGET)])
    doc = aware_db.articles.find_one({"_id": "moscowtimes:1"})
    assert link_ids(aware_db, 1) == [3]
    assert doc["live_posts"][0]["related"][0]["article_id"] == 2
    assert doc["live_posts"][0]["related"][0]["canonical_url"] == TARGET
    assert doc["changed_at"] > before["changed_at"]  # consumers read the ids
    assert (doc["version"], doc["content_hash"]) == (before["version"], before["content_hash"])
    assert stats["related_ids/links"] == 2
    assert aware_db.related_pending.find_one({"_id": "moscowtimes:1"}) is None


def test_in_one_run_targets_stored_before_and_after_the_article(
        mongo_uri, mongo_db_name, aware_db, tmp_path):
    stats = run(mongo_uri, mongo_db_name, tmp_path,
                [article(3), linking(1, "story-3", "story-5"), article(5), "round"])
    assert link_ids(aware_db, 1) == [3, 5]
    assert stats["related_ids/at_write"] == 1 and stats["related_ids/links"] == 1
    assert aware_db.related_pending.find_one({"_id": "moscowtimes:1"}) is None
