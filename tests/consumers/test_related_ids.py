"""RelatedIds: slug-only related links of the articles stored in a run get the target's
id and canonical URL, from the run's redirects or the target fetched in the run."""

from __future__ import annotations

import asyncio

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newsscraper.extensions.related import RelatedIds
from newsscraper.items import LivePost, RelatedLink
from tests.consumers.conftest import WWW, article

SLUG = f"{WWW}/2025/11/02/the-target-story"
TARGET = f"{WWW}/2024/05/12/the-target-story-a2"


def test_slug_only_links_get_ids_without_a_new_revision(store_items, mongo_uri, mongo_db_name,
                                                        aware_db):
    from datetime import datetime, timezone

    post = LivePost(1, datetime(2024, 5, 11, tzinfo=timezone.utc), "Post.",
                    related=[RelatedLink(SLUG, "The Target Story")])
    source = article(1, related=[RelatedLink(SLUG, "The Target Story", 1),
                                 RelatedLink(f"{WWW}/2025/11/02/never-followed", "Other", 2)],
                     live_posts=[post], type="live")
    store_items([source])
    before = aware_db.articles.find_one({"_id": "moscowtimes:1"})

    crawler = get_crawler(settings_dict={"MONGO_URI": mongo_uri,
                                         "MONGO_DATABASE": mongo_db_name})
    crawler.stats.open_spider()
    ext = build_from_crawler(RelatedIds, crawler)
    ext.on_item(source)
    ext.on_slug(url=SLUG, target=TARGET)
    asyncio.run(ext.spider_closed(None, "finished"))

    doc = aware_db.articles.find_one({"_id": "moscowtimes:1"})
    first, other = doc["related"]
    assert (first["article_id"], first["canonical_url"]) == (2, TARGET)
    assert first["url"] == SLUG and first["position"] == 1  # as rendered, kept
    assert other["article_id"] is None and other["canonical_url"] is None
    assert doc["live_posts"][0]["related"][0]["article_id"] == 2
    assert doc["live_posts"][0]["published_at"] == before["live_posts"][0]["published_at"]
    assert (doc["version"], doc["changed_at"], doc["content_hash"]) == \
        (before["version"], before["changed_at"], before["content_hash"])
    assert crawler.stats.get_value("related_ids/links") == 2


def test_an_article_fetched_in_the_run_names_its_own_slug(store_items, mongo_uri,
                                                          mongo_db_name, aware_db):
    source = article(1, related=[RelatedLink(f"{WWW}/2025/11/02/story-3", "Story 3", 1)])
    store_items([source, article(3)])  # article 3's canonical URL: .../story-3-a3
    crawler = get_crawler(settings_dict={"MONGO_URI": mongo_uri,
                                         "MONGO_DATABASE": mongo_db_name})
    crawler.stats.open_spider()
    ext = build_from_crawler(RelatedIds, crawler)
    ext.on_item(source)
    ext.on_item(article(3))
    asyncio.run(ext.spider_closed(None, "finished"))
    link = aware_db.articles.find_one({"_id": "moscowtimes:1"})["related"][0]
    assert (link["article_id"], link["canonical_url"]) == (3, article(3).url)
