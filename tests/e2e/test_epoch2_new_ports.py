"""Issue 10 point 2: epoch 1 crawled, then epoch 2 of the same seed served on new ports
into the same database. New origins change every article's links, so nearly every
article is rewritten at once (a new revision, or its URLs moved): the run that hung
FerretDB. Issue 23 point 3: new origins alone make no revision."""

from __future__ import annotations

import pytest

from newsscraper.replica import truth_records
from newsscraper.storage.revisions import CONTENT_FIELDS
from tests.crawl_helpers import crawl_stats, last_run, run_crawl
from tests.e2e.test_crawl import CONTRACT, stored_record

pytestmark = pytest.mark.slow

ARTICLES = 150
SEED = 7
# one batch for the whole crawl, so its revisions go to the server together (the hang
# needed 100 or more in one update command); a hang shows as a timeout, not a stuck test
ARGS = ("-a", "mode=full", "-s", "STORE_BATCH_SECONDS=600", "-s", "STORE_RETRY_SECONDS=5",
        "-s", "MONGO_OPERATION_TIMEOUT_MS=15000")


READER = (*CONTENT_FIELDS, "article_id", "related", "live_posts")


def reader(record: dict) -> dict:
    """The fields of a record that ``content_hash`` covers, as it covers them."""
    out = {k: record[k] for k in READER}
    out["related"] = [r["title"] for r in record["related"]]
    out["live_posts"] = [(p["post_id"], p["body"], [r["title"] for r in p["related"]])
                         for p in record["live_posts"] or []]
    return out


def test_epoch1_then_epoch2_on_new_ports_finishes_and_equals_epoch2_truth(
        replica_server, mongo_server, mongo_db, mongo_db_name, tmp_path):
    first_site = replica_server(ARTICLES, SEED, epoch=1)
    first = run_crawl(first_site, mongo_server, mongo_db_name, tmp_path, *ARGS, timeout=240)
    assert first.returncode == 0, first.stderr[-3000:]
    first_site.stop()

    site = replica_server(ARTICLES, SEED, epoch=2)
    assert site.base_url != first_site.base_url
    second = run_crawl(site, mongo_server, mongo_db_name, tmp_path, *ARGS, timeout=240)
    assert second.returncode == 0, second.stderr[-3000:]
    stats = crawl_stats(second.stderr)
    # the rewrite storm happened: edits are revisions, the rest moved to the new origin
    assert stats["mongo/updated"] + stats["mongo/moved"] >= 100, stats
    assert stats["mongo/updated"] < stats["mongo/moved"], stats
    assert last_run(mongo_db)["status"] == "finished"

    truth = {t["article_id"]: t for t in truth_records(site.model, site.base_url,
                                                       site.static_url)}
    docs = {d["article_id"]: d for d in mongo_db.articles.find()}
    assert set(truth) <= set(docs)
    # removed in epoch 2: kept as stored (a copy keeps what was published)
    assert set(docs) - set(truth) == set(site.model.changes["removed"])
    got = {aid: stored_record(docs[aid]) for aid in truth}
    # rewritten in epoch 2: every field as epoch 2 serves it, new origins included
    rewritten = {aid for aid in truth if docs[aid]["version"] == 2}
    wrong = {aid: [k for k in CONTRACT if got[aid][k] != truth[aid][k]] for aid in rewritten}
    assert not {aid: diff for aid, diff in wrong.items() if diff}
    # the others moved: every field as epoch 2 serves it too (a new port is no edit)
    wrong = {aid: [k for k in CONTRACT if got[aid][k] != truth[aid][k]]
             for aid in set(truth) - rewritten}
    assert not {aid: diff for aid, diff in wrong.items() if diff}
    versions = mongo_db.article_versions.count_documents({})
    assert versions == mongo_db.articles.count_documents({"version": 2}) == stats["mongo/updated"]



def test_the_same_site_from_new_origins_makes_no_revision(replica_server, mongo_server,
                                                           mongo_db, mongo_db_name, tmp_path):
    first_site = replica_server(ARTICLES, SEED, epoch=1)
    first = run_crawl(first_site, mongo_server, mongo_db_name, tmp_path, *ARGS, timeout=240)
    assert first.returncode == 0, first.stderr[-3000:]
    first_site.stop()
    before = {d["_id"]: d for d in mongo_db.articles.find()}

    site = replica_server(ARTICLES, SEED, epoch=1)
    assert (site.base_url, site.static_url) != (first_site.base_url, first_site.static_url)
    second = run_crawl(site, mongo_server, mongo_db_name, tmp_path, *ARGS, timeout=240)
    assert second.returncode == 0, second.stderr[-3000:]
    stats = crawl_stats(second.stderr)
    assert "mongo/updated" not in stats and stats["mongo/moved"] == len(before), stats
    assert mongo_db.article_versions.count_documents({}) == 0
    after = {d["_id"]: d for d in mongo_db.articles.find()}
    assert set(after) == set(before)
    assert all(d["version"] == 1 for d in after.values())
    assert all(d["url"].startswith(site.base_url + "/") for d in after.values())
    images = [d["image"]["url"] for d in after.values() if d.get("image")]
    assert images and all(u.startswith(site.static_url + "/") for u in images)
    posts = [i["url"] for d in after.values() for p in d["live_posts"] for i in p["images"]]
    assert all(u.startswith(site.static_url + "/") for u in posts)
    # one feed event each: changed_at moved, to this run's one write of the article
    assert all(after[k]["changed_at"] > before[k]["changed_at"] for k in after)
    assert all(after[k]["changed_at"] == after[k]["last_seen_at"] for k in after)
    assert all(after[k]["content_hash"] == before[k]["content_hash"] for k in after)
    truth = {t["article_id"]: t for t in truth_records(site.model, site.base_url,
                                                       site.static_url)}
    got = {aid: stored_record(after[f"moscowtimes:{aid}"]) for aid in truth}
    wrong = {aid: [k for k in CONTRACT if got[aid][k] != truth[aid][k]] for aid in truth}
    assert not {aid: diff for aid, diff in wrong.items() if diff}
