"""The changes feed: ``changed_at`` moves when an article is first stored or revised,
never when it is only seen again; a consumer polling the README's query between runs
sees each change once."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from tests.consumers.conftest import article

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def poll(db, last: datetime) -> tuple[list[str], datetime]:
    """The consumer's query from the README; returns the ids seen and the new bookmark."""
    seen, newest = [], last
    for doc in db.articles.find({"changed_at": {"$gt": last}},
                                {"_id": 1, "changed_at": 1}).sort(
            [("changed_at", 1), ("_id", 1)]):
        seen.append(doc["_id"])
        newest = max(newest, doc["changed_at"])
    return seen, newest


def test_feed_sees_new_and_edited_once_never_a_sighting(store_items, aware_db):
    store_items([article(i) for i in (1, 2, 3)])
    seen, last = poll(aware_db, EPOCH)
    assert sorted(seen) == ["moscowtimes:1", "moscowtimes:2", "moscowtimes:3"]
    first = {d["_id"]: d for d in aware_db.articles.find()}
    assert all(d["changed_at"] == d["first_seen_at"] for d in first.values())

    time.sleep(1.1)  # stored times have second resolution
    store_items([article(1), article(2, title="Story 2, edited"), article(3), article(4)])
    seen, last = poll(aware_db, last)
    assert sorted(seen) == ["moscowtimes:2", "moscowtimes:4"]
    after = {d["_id"]: d for d in aware_db.articles.find()}
    assert after["moscowtimes:1"]["last_seen_at"] > first["moscowtimes:1"]["last_seen_at"]
    assert after["moscowtimes:1"]["changed_at"] == first["moscowtimes:1"]["changed_at"]
    assert after["moscowtimes:2"]["changed_at"] > first["moscowtimes:2"]["changed_at"]
    old = aware_db.article_versions.find_one({"_id": "moscowtimes:2:v1"})
    assert old["changed_at"] == first["moscowtimes:2"]["changed_at"]

    time.sleep(1.1)
    store_items([article(4), article(3), article(2, title="Story 2, edited"), article(1)])
    assert poll(aware_db, last)[0] == []
    assert aware_db.articles.find_one({"_id": "moscowtimes:2"})["version"] == 2


def test_changed_at_index_created(store_items, mongo_db):
    store_items([article(1)])
    indexes = {i["name"]: i["key"] for i in mongo_db.articles.list_indexes()}
    assert list(indexes["changed_at"].items()) == [("changed_at", 1), ("_id", 1)]
