"""Consumers' view of real replica crawls into a real server: the text export of a85152
equals the golden copy, every stored document follows the schema, the changes feed
polled between an epoch-1 and an epoch-2 run sees each change once, removed articles
carry gone_at (and lose it when they come back)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import datetime, timezone

import pytest
from pymongo import MongoClient

from newsscraper.replica import ReplicaServer, generate_site
from newsscraper.storage.ferretdb import free_port
from tests.consumers.test_changes_feed import poll
from tests.consumers.test_schema import validator
from tests.crawl_helpers import ROOT, run_crawl

pytestmark = pytest.mark.slow

ARTICLES = 120
SEED = 5
REAL = "https://www.themoscowtimes.com"
GOLDEN = ROOT / "tests" / "data" / "golden_a85152.txt"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def reflow(golden: str) -> str:
    """The golden copy read as its reader reads it (see replica/data/a85152.json): a blank
    line ends a paragraph, a wrapped line continues it, a line starting with whitespace
    starts a new one; the hard-wrapped article URL is one URL."""
    body, urls = golden.split("Original url:\n")
    paragraphs: list[str] = []
    for block in body.strip().split("\n\n"):
        lines = block.split("\n")
        paragraphs.append(lines[0].strip())
        for line in lines[1:]:
            if line[:1].isspace():
                paragraphs.append(line.strip())
            else:
                paragraphs[-1] += " " + line.strip()
    article_url, related = urls.strip().split("\n\n")
    return "\n\n".join([*paragraphs, "Original url:\n" + article_url.replace("\n", ""),
                        related]) + "\n"


def newsscraper(uri: str, database: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MONGO_URI=uri, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "newsscraper.cli", *args,
                           "--database", database], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def gone(db) -> dict[int, datetime]:
    return {d["article_id"]: d["gone_at"]
            for d in db.articles.find({"gone_at": {"$ne": None}}, {"article_id": 1, "gone_at": 1})}


def export_jsonl(state: dict) -> list[dict]:
    done = newsscraper(state["uri"], state["name"], "export", "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def feed(mongo_server, tmp_path_factory):
    """One database crawled from epoch 1 of a replica."""
    name = f"test_feed_{uuid.uuid4().hex[:8]}"
    client: MongoClient = MongoClient(mongo_server, serverSelectionTimeoutMS=5000,
                                      tz_aware=True)
    data_dir = tmp_path_factory.mktemp("feed")
    ports = free_port(), free_port()
    state: dict = {"db": client[name], "name": name, "uri": mongo_server}
    try:
        with ReplicaServer(generate_site(ARTICLES, SEED, 1), port=ports[0],
                           static_port=ports[1]) as server:
            crawl = run_crawl(server, mongo_server, name, data_dir, "-a", "mode=full")
            assert crawl.returncode == 0, crawl.stderr[-3000:]
            text = newsscraper(mongo_server, name, "export", "--format", "text",
                               "--ids", "85152")
            assert text.returncode == 0, text.stderr
            state["a85152"] = text.stdout.replace(server.base_url, REAL)
        state["epoch1"] = export_jsonl(state)
        state["poll1"], last = poll(state["db"], EPOCH)
        model2 = generate_site(ARTICLES, SEED, 2)
        state["changes"] = model2.changes
        with ReplicaServer(model2, port=ports[0], static_port=ports[1]) as server:
            crawl = run_crawl(server, mongo_server, name, data_dir)  # as scheduled
            assert crawl.returncode == 0, crawl.stderr[-3000:]
            state["poll2"], last = poll(state["db"], last)
            state["gone_after_scheduled"] = gone(state["db"])
            crawl = run_crawl(server, mongo_server, name, data_dir, "-a", "mode=full")
            assert crawl.returncode == 0, crawl.stderr[-3000:]
            state["poll3"], last = poll(state["db"], last)
            state["gone_after_full"] = gone(state["db"])
        state["epoch2"] = export_jsonl(state)
        with ReplicaServer(generate_site(ARTICLES, SEED, 1), port=ports[0],
                           static_port=ports[1]) as server:  # the removed ones are back
            crawl = run_crawl(server, mongo_server, name, data_dir, "-a", "mode=full")
            assert crawl.returncode == 0, crawl.stderr[-3000:]
        yield state
    finally:
        client.drop_database(name)
        client.close()


def test_text_export_of_a85152_equals_the_golden_copy(feed):
    assert feed["a85152"] == reflow(GOLDEN.read_text(encoding="utf-8"))


def test_every_document_of_a_replica_crawl_follows_the_schema(feed):
    docs = feed["epoch1"] + feed["epoch2"]
    assert len(feed["epoch1"]) > ARTICLES
    assert len(feed["epoch2"]) == feed["db"].articles.count_documents({}) > len(feed["epoch1"])
    check = validator()
    bad = {d["_id"]: [e.message for e in check.iter_errors(d)] for d in docs}
    assert not {k: v for k, v in bad.items() if v}
    assert {d["type"] for d in docs} >= {"default", "live"}
    assert any(d["live_posts"] for d in docs) and any(d["related"] for d in docs)


def test_feed_polled_between_runs_sees_each_new_and_edited_article_once(feed):
    everything = [d["_id"] for d in feed["epoch1"]]
    assert sorted(feed["poll1"]) == sorted(everything)
    second = feed["poll2"]
    assert len(second) == len(set(second)), "an article seen twice"
    ids = {int(k.split(":")[1]) for k in second}
    wanted = set(feed["changes"]["new"]) | set(feed["changes"]["edited"])
    assert wanted <= ids, wanted - ids
    # anything else is a real change too: a revision (a related block showing an edited
    # headline) or a removal
    for doc in feed["db"].articles.find({"article_id": {"$in": sorted(ids - wanted)}}):
        assert doc["version"] > 1 or doc.get("gone_at"), doc["_id"]


def test_full_crawls_of_epoch_1_then_2_mark_every_removed_article_gone(feed):
    removed = set(feed["changes"]["removed"])
    assert set(feed["gone_after_full"]) == removed  # every one, and no live article
    # a scheduled run marks what it learns of (404s, months re-read), never a live one
    assert set(feed["gone_after_scheduled"]) <= removed
    for aid, when in feed["gone_after_scheduled"].items():
        assert feed["gone_after_full"][aid] == when  # marked once
    # the feed reports each removal once, over the two runs
    reported = [int(k.split(":")[1]) for k in feed["poll2"] + feed["poll3"]]
    assert sorted(a for a in reported if a in removed) == sorted(removed)
    doc = feed["db"].articles.find_one({"article_id": min(removed)})
    assert doc["title"] and doc["body"]  # never deleted: what was published is kept
    # the run records count them (the removal job closes beside the run recorder)
    runs = list(feed["db"].runs.find().sort("started_at", 1))
    assert [r["counts"].get("removed", 0) for r in runs[1:3]] == \
        [len(feed["gone_after_scheduled"]), len(removed) - len(feed["gone_after_scheduled"])]
    table = newsscraper(feed["uri"], feed["name"], "runs")
    assert table.returncode == 0, table.stderr
    column = table.stdout.splitlines()[0].split().index("removed") - 1  # "start (UTC)"
    assert [int(line.split()[column + 1]) for line in table.stdout.splitlines()[1:]] == \
        [r["counts"].get("removed", 0) for r in runs]


def test_removed_articles_served_again_lose_gone_at_as_a_new_revision(feed):
    removed = sorted(feed["changes"]["removed"])
    db = feed["db"]
    for doc in db.articles.find({"article_id": {"$in": removed}}):
        assert doc.get("gone_at") is None, doc["_id"]
        old = db.article_versions.find_one({"_id": f"{doc['_id']}:v{doc['version'] - 1}"})
        assert old["gone_at"] == feed["gone_after_full"][doc["article_id"]]
    # and the articles epoch 2 published are not on the epoch-1 site: gone
    assert set(gone(db)) == set(feed["changes"]["new"])


def test_related_links_join_to_stored_articles_by_id(feed):
    """The site renders related links slug-only: the crawl's redirects name their ids."""
    docs = {d["article_id"]: d for d in feed["epoch1"]}
    links = [link for d in docs.values() for link in d["related"]]
    links += [link for d in docs.values() for p in d["live_posts"] for link in p["related"]]
    assert len(links) > 50
    unresolved = [link["url"] for link in links if link["article_id"] is None]
    assert not unresolved, unresolved[:5]
    for link in links:
        target = docs[link["article_id"]]
        assert link["canonical_url"] == target["url"]
        assert link["title"] == target["title"]


def test_reflow_reads_the_golden_copy_as_its_reader():
    text = reflow(GOLDEN.read_text(encoding="utf-8"))
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 11
    assert paragraphs[3].startswith('"And I said publicly') and paragraphs[4].startswith(
        "Related article: Ukrainian Drone")
    assert re.search(r"\nhttps://\S+-for-new-offensive-a85152\n", text)
    assert not any("\n" in p for p in paragraphs[:9])
