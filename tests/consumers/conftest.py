"""Articles stored through the real pipelines into the test's own database, and the
``newsscraper`` command run in-process against it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from scrapy.utils.misc import build_from_crawler

from newsscraper.cli import main
from newsscraper.items import Article, Image, RelatedLink
from tests.pipeline_helpers import run_items
from tests.settings_helpers import get_crawler

WWW = "https://www.themoscowtimes.com"


def article(article_id: int, **fields) -> Article:
    base = dict(
        article_id=article_id,
        url=f"{WWW}/2024/05/{10 + article_id % 10}/story-{article_id}-a{article_id}",
        title=f"Story {article_id}", authors=["Jake Cordell", "Anna Z"],
        published_at=datetime(2024, 5, 10 + article_id % 10, 14, 40, tzinfo=timezone.utc),
        published_at_raw="2024-05-17T17:40:00+03:00",
        section="News" if article_id % 2 else "Business", tags=["Kremlin", "Economy"],
        body=f"First paragraph of story {article_id}, words {article_id * 7}.\n\n"
             f"Second paragraph {article_id} about the ruble.\n\nThird {article_id}.",
        related=[RelatedLink(f"{WWW}/2025/11/02/other-{article_id}", f"Other {article_id}", 1)],
        image=Image(f"https://static.themoscowtimes.com/image/article_1360/ab/{article_id}.jpg",
                    "Cap", "Cred"),
    )
    base.update(fields)
    return Article(**base)


@pytest.fixture
def store_items(mongo_uri, mongo_db_name, tmp_path):
    """``store_items(items)``: clean -> validate -> dedupe -> store, as one crawl would."""
    def store(items: list[Article]) -> dict:
        crawler = get_crawler(settings_dict={
            "MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db_name,
            "NEWSSCRAPER_DATA_DIR": str(tmp_path), "MONGO_AUTOSTART": False,
            "STORE_RETRY_SECONDS": 5,
            # every sighting written: the tests compare last_seen_at seconds apart
            "STORE_SEEN_RESOLUTION_HOURS": 0})

        return asyncio.run(run_items(crawler, build_from_crawler, items))
    return store


@pytest.fixture
def cli(mongo_uri, mongo_db_name, monkeypatch, capsys):
    """``cli("export", ...)`` -> (exit status, stdout, stderr), against the test database."""
    monkeypatch.setenv("MONGO_URI", mongo_uri)

    def run(*argv: str, database: str | None = None) -> tuple[int, str, str]:
        try:
            status = main([*argv, "--database", database or mongo_db_name])
        except SystemExit as exc:
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err
    return run


@pytest.fixture
def aware_db(mongo_db):
    """The test database read with timezone-aware datetimes, as the commands read it."""
    from bson.codec_options import CodecOptions

    return mongo_db.with_options(codec_options=CodecOptions(tz_aware=True))
