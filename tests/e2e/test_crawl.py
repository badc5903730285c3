"""End to end: the replica crawled into a real MongoDB-protocol server, three times."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timezone

import pytest

from newsscraper.items import to_jsonable
from newsscraper.profiles import REPLICA, as_args
from newsscraper.replica import ReplicaServer, generate_site, truth_records
from newsscraper.sites.moscowtimes import article_id_from_url
from newsscraper.sites.moscowtimes.urls import canonical_article_url
from newsscraper.storage.ferretdb import free_port
from tests.crawl_helpers import ROOT, crawl_stats, last_run, run_crawl, serving

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
        post["related"] = [as_on_page(link) for link in post["related"]]
    out["related"] = [as_on_page(link) for link in out["related"]]
    return out


def as_on_page(link: dict) -> dict:
    """A stored related link as the page alone says it: truth is what a page says, and
    the crawl fills the ids of slug-only links it resolved (RelatedIds,
    tests/consumers/test_replica_feed.py checks those)."""
    return {**link, "article_id": article_id_from_url(link["url"]),
            "canonical_url": canonical_article_url(link["url"])}


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
        # every channel offered articles; which one's request claimed an article first
        # is a race between them, so the stored provenance names some of them
        stats1 = crawl_stats(first.stderr)
        for via in ("listing", "rss", "sitemap", "related"):
            assert stats1.get(f"spider/offered/{via}", 0) > 0, via
        channels = {d["discovered_via"] for d in mongo_db.articles.find({}, {"discovered_via": 1})}
        assert len(channels) >= 2 and channels <= {"listing", "rss", "sitemap", "related"}
        assert mongo_db.articles.count_documents({"discovered_from": None}) == 0
        for doc in mongo_db.articles.find({"discovered_via": "related"}).limit(20):
            source = mongo_db.articles.find_one({"url": doc["discovered_from"]})
            assert source is not None, doc["discovered_from"]
        assert stats1["spider/slug_resolved"] > 0

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


def test_links_and_redirects_to_another_local_port_are_not_fetched(tmp_path):
    golden = (ROOT / "tests" / "data" / "article_a85152_rendered.html").read_bytes()
    path = "/2024/05/17/putin-says-no-plans-to-take-kharkiv-blames-ukraine-for-new-offensive-a85152"
    with serving({}) as (other, other_hits):
        # the same host, another port (a database, an admin page): every link points there
        page = golden.replace(b"https://www.themoscowtimes.com", other.encode())
        html = {"Content-Type": "text/html; charset=utf-8"}
        with serving({path: (200, html, page),
                      "/2025/11/01/offsite-story-a7": (301, {"Location": f"{other}/admin"}, b""),
                      }) as (site, _):
            seeds = tmp_path / "seeds.txt"
            seeds.write_text(f"{site}{path}\n{site}/2025/11/01/offsite-story-a7\n")
            done = subprocess.run(
                [sys.executable, "-m", "scrapy", "crawl", "moscowtimes", "-a", f"base_url={site}",
                 "-a", f"static_url={site}", "-a", f"seeds={seeds}", "-s", "STORE_ENABLED=False",
                 # one seed of two leaves the site: "articles stored" would fail the run
                 "-s", "MONITORS_ENABLED=False", "-s", "LOG_LEVEL=INFO", *as_args(REPLICA)],
                cwd=ROOT, env=dict(os.environ, PYTHONWARNINGS="ignore"), capture_output=True,
                text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert other_hits == [], other_hits
    stats = crawl_stats(done.stderr)
    assert stats["spider/offsite"] >= 2  # the related block and the "Read more" cluster
    assert stats["offsite/filtered"] == 1  # the redirect
    assert stats["spider/articles/default"] == 1
