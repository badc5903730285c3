"""End to end: the replica crawled into a real MongoDB-protocol server, three times."""

from __future__ import annotations

from datetime import timezone

import pytest

from newsscraper.items import to_jsonable
from newsscraper.replica import ReplicaServer, generate_site, truth_records
from newsscraper.storage.local import free_port
from tests.crawl_helpers import crawl_stats, last_run, run_crawl

pytestmark = pytest.mark.slow

ARTICLES = 400
SEED = 3
# fields of the item contract that must equal truth (provenance and hashes are ours)
CONTRACT = ("article_id", "url", "title", "site", "subtitle", "lead", "authors",
            "published_at", "published_at_raw", "modified_at", "modified_at_raw", "section",
            "tags", "type", "body", "related", "read_more", "image", "language", "live_posts")


def stored_record(doc: dict) -> dict:
    out = {k: doc.get(k) for k in CONTRACT}
    for name in ("published_at", "modified_at"):
        out[name] = to_jsonable(out[name].replace(tzinfo=out[name].tzinfo or timezone.utc))
    for post in out["live_posts"] or []:
        post["published_at"] = to_jsonable(post["published_at"].replace(tzinfo=timezone.utc))
    return out


def related_titles(record: dict) -> list[str]:
    """Headlines shown in related blocks, in the body and inside live posts."""
    links = list(record["related"])
    for post in record["live_posts"] or []:
        links += post["related"]
    return [link["title"] for link in links]


def assert_store_equals_truth(db, model, server):
    truth = {t["article_id"]: t for t in truth_records(model, server.base_url, server.static_url)}
    docs = list(db.articles.find())
    ids = [d["article_id"] for d in docs]
    assert len(ids) == len(set(ids)), "an article stored twice"
    assert set(ids) == set(truth), (set(truth) - set(ids), set(ids) - set(truth))
    mismatches = {}
    for doc in docs:
        got, want = stored_record(doc), truth[doc["article_id"]]
        diff = [k for k in CONTRACT if got[k] != want[k]]
        if diff:
            mismatches[doc["article_id"]] = diff
    assert not mismatches, mismatches
    return truth


@pytest.fixture(scope="module")
def ports():
    return free_port(), free_port()


def test_full_then_unchanged_then_epoch2(mongo_server, mongo_db, mongo_db_name, tmp_path, ports):
    model1 = generate_site(ARTICLES, SEED, epoch=1)
    with ReplicaServer(model1, port=ports[0], static_port=ports[1]) as server:
        first = run_crawl(server, mongo_server, mongo_db_name, tmp_path)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "Remote control HTTP server" not in first.stderr  # off unless asked for
        truth1 = assert_store_equals_truth(mongo_db, model1, server)
        run1 = last_run(mongo_db)
        assert run1["status"] == "finished" and run1["counts"]["new"] == len(truth1)

        # every related edge (body blocks, live posts, "Read more"): its target is stored
        stored = {d["article_id"] for d in mongo_db.articles.find({}, {"article_id": 1})}
        edges = 0
        for record in truth1.values():
            links = list(record["related"])
            for post in record["live_posts"] or []:
                links += post["related"]
            for link in links:
                target = model1.by_slug[link["url"].rstrip("/").rsplit("/", 1)[-1]]
                assert target.id in stored, (record["article_id"], link)
                edges += 1
            for url in record["read_more"]:
                assert int(url.rsplit("-a", 1)[1]) in stored
        assert edges > 100
        channels = {d["discovered_via"] for d in mongo_db.articles.find({}, {"discovered_via": 1})}
        assert channels == {"listing", "rss", "sitemap", "related"}
        assert mongo_db.articles.count_documents({"discovered_from": None}) == 0
        for doc in mongo_db.articles.find({"discovered_via": "related"}).limit(20):
            source = mongo_db.articles.find_one({"url": doc["discovered_from"]})
            assert source is not None, doc["discovered_from"]
        stats1 = crawl_stats(first.stderr)
        assert stats1["spider/slug_resolved"] > 0 and stats1["spider/scheduled/related"] > 0

        second = run_crawl(server, mongo_server, mongo_db_name, tmp_path)
        assert second.returncode == 0, second.stderr[-3000:]
        run2 = last_run(mongo_db)
        assert run2["_id"] != run1["_id"]
        assert run2["counts"]["new"] == 0 and run2["counts"]["updated"] == 0
        assert run2["counts"]["requests"] <= 0.05 * run1["counts"]["requests"], (
            run2["counts"]["requests"], run1["counts"]["requests"])
        assert mongo_db.article_versions.count_documents({}) == 0
        stats2 = crawl_stats(second.stderr)
        assert not any(k.startswith("spider/scheduled/") for k in stats2), stats2
        assert stats2["spider/months/skip"] == stats1["spider/months/read"]

    model2 = generate_site(ARTICLES, SEED, epoch=2)
    with ReplicaServer(model2, port=ports[0], static_port=ports[1]) as server:
        third = run_crawl(server, mongo_server, mongo_db_name, tmp_path)
        assert third.returncode == 0, third.stderr[-3000:]
        run3 = last_run(mongo_db)
        stats3 = crawl_stats(third.stderr)
        assert stats3.get("spider/months/full", 0) >= 1  # edits: moved months re-read
        truth2 = {t["article_id"]: t for t in truth_records(model2, server.base_url,
                                                            server.static_url)}
        new_ids = set(model2.changes["new"])
        assert {d["article_id"] for d in mongo_db.articles.find({"version": 1,
                "first_seen_at": {"$gte": run3["started_at"]}})} == new_ids
        updated = {d["article_id"] for d in mongo_db.articles.find({"version": 2})}
        edited = set(model2.changes["edited"])
        assert edited <= updated
        # anything else updated must have changed for a reader: its related block shows
        # an edited headline (related URLs change with the render date and do not count)
        for aid in updated - edited:
            assert related_titles(truth1[aid]) != related_titles(truth2[aid]), aid
        assert mongo_db.article_versions.count_documents({}) == len(updated)
        old = mongo_db.article_versions.find_one({"article": f"moscowtimes:{min(edited)}"})
        assert old["version"] == 1
        # removed articles stay stored (a copy keeps what was published)
        for aid in model2.changes["removed"]:
            assert mongo_db.articles.count_documents({"article_id": aid}) == 1
