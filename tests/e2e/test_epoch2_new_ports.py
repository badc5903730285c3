"""Issue 10 point 2: epoch 1 crawled, then epoch 2 of the same seed served on new ports
into the same database. New origins change every article's links, so nearly every
article becomes a new revision at once: the run that hung FerretDB."""

from __future__ import annotations

import pytest

from newsscraper.pipelines.dedupe import CONTENT_FIELDS
from newsscraper.replica import truth_records
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
    assert stats["mongo/updated"] >= 100, stats  # the revision storm happened
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
    # the others: what a reader sees equals epoch 2 (a new port or a related link's render
    # date alone is not an edit, see CONTENT_FIELDS)
    wrong = {aid: [k for k in READER if reader(got[aid])[k] != reader(truth[aid])[k]]
             for aid in set(truth) - rewritten}
    assert not {aid: diff for aid, diff in wrong.items() if diff}
    versions = mongo_db.article_versions.count_documents({})
    assert versions == mongo_db.articles.count_documents({"version": 2}) == stats["mongo/updated"]

