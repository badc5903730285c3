"""A hosting move (issue 23, 3): the same articles served from new origins make no
revision; the stored URLs follow the new origin, ``changed_at`` moves once. A hash stored
by an older ``content_hash_version`` makes no revision either."""

from __future__ import annotations

import asyncio
import dataclasses

from newsscraper.items import Image, LinkBlock, LivePost, RelatedLink
from tests.pipeline_helpers import run_items

OLD_WWW, OLD_STATIC = "https://www.themoscowtimes.com", "https://static.themoscowtimes.com"
NEW_WWW, NEW_STATIC = "http://127.0.0.1:8123", "http://127.0.0.1:8124"


def on(make_article, article_id: int, www: str, static: str, **fields):
    post = LivePost(5, make_article().published_at, "A post.",
                    related=[RelatedLink(f"{www}/2025/11/02/post-link", "Post link")],
                    images=[Image(f"{static}/image/article_1360/cd/p.jpg", "Post cap")],
                    links=[LinkBlock(f"{www}/2024/05/01/linked-a77", "Linked")])
    return make_article(
        article_id, url=f"{www}/2024/05/17/story-{article_id}-a{article_id}",
        related=[RelatedLink(f"{www}/2025/11/02/other", "Other", 1)],
        read_more=[f"{www}/2024/05/16/more-a70"],
        image=Image(f"{static}/image/article_1360/ab/{article_id}.jpg", "Cap", "Cred"),
        live_posts=[post], type="live", **fields)


async def test_new_origins_alone_move_the_urls_without_a_revision(crawler_for, build,
                                                                  make_article, mongo_db):
    await run_items(crawler_for(), build, [on(make_article, i, OLD_WWW, OLD_STATIC)
                                           for i in (1, 2, 3)])
    # an earlier run resolved the slug-only related link of article 1
    mongo_db.articles.update_one({"_id": "moscowtimes:1"}, {"$set": {
        "related.0.article_id": 9, "related.0.canonical_url": f"{OLD_WWW}/2025/11/02/o-a9"}})
    before = {d["_id"]: d for d in mongo_db.articles.find()}
    await asyncio.sleep(1.1)  # stored times have second resolution

    stats = await run_items(crawler_for(), build, [
        on(make_article, 1, NEW_WWW, NEW_STATIC), on(make_article, 2, NEW_WWW, NEW_STATIC),
        on(make_article, 3, NEW_WWW, NEW_STATIC, title="Story 3, edited")])
    assert (stats["mongo/moved"], stats["mongo/updated"]) == (2, 1)
    assert "mongo/unchanged" not in stats
    after = {d["_id"]: d for d in mongo_db.articles.find()}
    for key in ("moscowtimes:1", "moscowtimes:2"):
        doc, old = after[key], before[key]
        assert doc["version"] == 1 and doc["content_hash"] == old["content_hash"]
        assert doc["url"].startswith(NEW_WWW + "/2024/05/17/story-")
        assert doc["image"]["url"].startswith(NEW_STATIC + "/image/")
        assert doc["read_more"] == [f"{NEW_WWW}/2024/05/16/more-a70"]
        post = doc["live_posts"][0]
        assert post["images"][0]["url"].startswith(NEW_STATIC)
        assert post["links"][0]["url"].startswith(NEW_WWW)
        assert doc["changed_at"] > old["changed_at"]
        assert doc["first_seen_at"] == old["first_seen_at"]
    # what the earlier run learnt stays, on the new origin
    assert after["moscowtimes:1"]["related"][0]["article_id"] == 9
    assert after["moscowtimes:1"]["related"][0]["canonical_url"] == \
        f"{NEW_WWW}/2025/11/02/o-a9"
    assert after["moscowtimes:3"]["version"] == 2
    assert mongo_db.article_versions.count_documents({}) == 1  # the edit's, only

    # the same again: nothing moves
    moved_at = after["moscowtimes:1"]["changed_at"]
    await asyncio.sleep(1.1)
    stats = await run_items(crawler_for(), build, [on(make_article, 1, NEW_WWW, NEW_STATIC)])
    assert stats["mongo/unchanged"] == 1 and "mongo/moved" not in stats
    assert mongo_db.articles.find_one({"_id": "moscowtimes:1"})["changed_at"] == moved_at


async def test_a_related_links_render_date_is_no_move(crawler_for, build, make_article,
                                                      mongo_db):
    await run_items(crawler_for(), build, [make_article(4)])
    first = mongo_db.articles.find_one()
    await asyncio.sleep(1.1)
    redated = make_article(4, related=[dataclasses.replace(
        make_article(4).related[0], url=f"{OLD_WWW}/2025/11/09/other")])
    stats = await run_items(crawler_for(), build, [redated])
    assert stats["mongo/unchanged"] == 1 and "mongo/moved" not in stats
    assert mongo_db.articles.find_one()["changed_at"] == first["changed_at"]


async def test_a_hash_of_the_old_version_is_replaced_without_a_revision(
        crawler_for, build, make_article, mongo_db):
    await run_items(crawler_for(), build, [make_article(5), make_article(6)])
    first = {d["_id"]: d for d in mongo_db.articles.find()}
    assert {d["content_hash_version"] for d in first.values()} == {2}
    # as an older release stored them: another hash, no content_hash_version
    mongo_db.articles.update_many({}, {"$set": {"content_hash": "0" * 64},
                                       "$unset": {"content_hash_version": ""}})
    await asyncio.sleep(1.1)
    stats = await run_items(crawler_for(), build, [
        make_article(5), make_article(6, title="Story 6, edited")])
    assert (stats["mongo/unchanged"], stats["mongo/updated"]) == (1, 1)
    same = mongo_db.articles.find_one({"_id": "moscowtimes:5"})
    assert same["version"] == 1 and same["changed_at"] == first["moscowtimes:5"]["changed_at"]
    assert same["content_hash"] == first["moscowtimes:5"]["content_hash"]
    assert same["content_hash_version"] == 2
    edited = mongo_db.articles.find_one({"_id": "moscowtimes:6"})
    assert edited["version"] == 2 and edited["title"] == "Story 6, edited"
