"""Factories for articles and pipelines built from a crawler (no crawl, real server)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from scrapy.utils.misc import build_from_crawler

from newsscraper.items import Article, Image, RelatedLink
from tests.settings_helpers import get_crawler


@pytest.fixture
def make_article():
    def make(article_id: int = 85152, **fields) -> Article:
        base = dict(
            article_id=article_id,
            url=f"https://www.themoscowtimes.com/2024/05/17/story-{article_id}-a{article_id}",
            title=f"Story {article_id}", authors=["Jake Cordell"],
            published_at=datetime(2024, 5, 17, 14, 40, tzinfo=timezone.utc),
            published_at_raw="2024-05-17T17:40:00+03:00",
            modified_at=datetime(2024, 5, 17, 15, 2, tzinfo=timezone.utc),
            section="News", tags=["Kremlin"],
            body=f"First paragraph of story {article_id} with unique words {article_id * 7}.\n\n"
                 f"Second paragraph {article_id} about the ruble and the budget.",
            related=[RelatedLink("https://www.themoscowtimes.com/2025/11/02/other", "Other", 1)],
            image=Image("https://static.themoscowtimes.com/image/article_1360/ab/x.jpg",
                        "Cap", "Cred"),
        )
        base.update(fields)
        return Article(**base)
    return make


@pytest.fixture
def crawler_for(mongo_uri, mongo_db_name, tmp_path):
    def make(**settings):
        values = {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db_name,
                  "NEWSSCRAPER_DATA_DIR": str(tmp_path), "MONGO_AUTOSTART": False,
                  "STORE_BATCH_SIZE": 50, "STORE_RETRY_SECONDS": 5,
                  # every sighting written: the tests compare last_seen_at seconds apart
                  "STORE_SEEN_RESOLUTION_HOURS": 0, **settings}
        crawler = get_crawler(settings_dict=values)
        return crawler
    return make


@pytest.fixture
def build():
    def make(cls, crawler):
        return build_from_crawler(cls, crawler)
    return make
