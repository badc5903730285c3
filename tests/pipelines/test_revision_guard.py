"""Issue 15 points 2 and 7, the store's side: a parse that lost content never silently
replaces a stored revision (against a real server)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from tests.pipelines.test_store import run_items

LONG = "\n\n".join(f"Paragraph {i} of a long story about the ruble and the budget, "
                   f"with words of its own: {i * 31}." for i in range(12))
MOVED = datetime(2024, 5, 18, 9, 0, tzinfo=timezone.utc)


async def store_then(crawler_for, build, make_article, mongo_db, caplog, **changes):
    stored = make_article(70, body=LONG, tags=["Kremlin", "Economy"],
                          authors=["Jake Cordell", "Anna Rogova"])
    await run_items(crawler_for(), build, [stored])
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        stats = await run_items(crawler_for(), build, [make_article(
            70, **{"body": LONG, "tags": ["Kremlin", "Economy"],
                   "authors": ["Jake Cordell", "Anna Rogova"], **changes})])
    return stats, mongo_db.articles.find_one({"_id": "moscowtimes:70"})


def cut(body: str, share: float) -> str:
    return body[:int(len(body) * share)]


@pytest.mark.parametrize(("case", "changes"), [
    ("body_shrunk", {"body": cut(LONG, 0.5)}),
    ("lost_all_tags", {"tags": []}),
    ("lost_all_authors", {"authors": []}),
    ("partial_parse", {"partial": True, "parse_errors": ["no_tags_block"],
                       "title": "Story 70, retitled", "modified_at": MOVED}),
])
async def test_revision_that_lost_content_is_held_not_made_current(
        crawler_for, build, make_article, mongo_db, caplog, case, changes):
    stats, doc = await store_then(crawler_for, build, make_article, mongo_db, caplog,
                                  **changes)
    assert doc["version"] == 1 and doc["body"] == LONG and doc["tags"] and doc["authors"]
    assert stats["store/revision_held"] == 1 and not stats.get("mongo/updated"), stats
    [held] = mongo_db.article_versions.find({"article": "moscowtimes:70"})
    assert held["held"] is True and held["held_reason"] == case
    assert held["body"] == changes.get("body", LONG)
    assert make_article(70).url in caplog.text and "held" in caplog.text


async def test_held_revision_seen_again_is_kept_once(crawler_for, build, make_article,
                                                    mongo_db, caplog):
    await store_then(crawler_for, build, make_article, mongo_db, caplog, tags=[])
    stats = await run_items(crawler_for(), build, [make_article(
        70, body=LONG, tags=[], authors=["Jake Cordell", "Anna Rogova"])])
    assert stats["store/revision_held"] == 1
    assert mongo_db.article_versions.count_documents({"article": "moscowtimes:70"}) == 1


@pytest.mark.parametrize("changes", [
    {"body": cut(LONG, 0.5), "modified_at": MOVED},   # an editor's cut moves the date
    {"tags": [], "modified_at": MOVED},
    {"body": cut(LONG, 0.8)},                          # a small trim is an edit
    {"tags": ["Kremlin"]},                             # one tag of two removed
])
async def test_edit_with_a_moved_date_or_a_small_cut_is_a_revision(
        crawler_for, build, make_article, mongo_db, caplog, changes):
    stats, doc = await store_then(crawler_for, build, make_article, mongo_db, caplog,
                                  **changes)
    assert stats["mongo/updated"] == 1 and not stats.get("store/revision_held"), stats
    assert doc["version"] == 2
    assert mongo_db.article_versions.count_documents({"held": True}) == 0


async def test_complete_parse_over_a_partial_revision_replaces_it(
        crawler_for, build, make_article, mongo_db, caplog):
    await run_items(crawler_for(), build, [make_article(71, partial=True,
                                                        parse_errors=["no_tags_block"])])
    stats = await run_items(crawler_for(), build, [make_article(71, title="Story 71 whole")])
    assert stats["mongo/updated"] == 1
    assert mongo_db.articles.find_one({"_id": "moscowtimes:71"})["partial"] is False
