"""Storage benchmarks. Uses MONGO_URI when set, else starts a FerretDB of its own in a
temporary directory.

    .venv/bin/python -m benchmarks.bench_store [ratio] [--items 10000]
        storing 10,000 articles: the store pipeline's batched writes vs one insert_one
        per item, same server, same documents, one run (target: >= 20x items/s)

    .venv/bin/python -m benchmarks.bench_store scheduled [--stored 100000]
        an archive-scale database (replica articles, copied under new ids by the fast
        path: insert_many straight into ``articles``), and one scheduled run's storage
        work timed at 10,000 and at ``--stored`` articles: known-ids for 200 recent ids,
        then a write of 200 unchanged (sightings), 20 edited and 30 new articles.
        Target: <= 2 s at 100,000 and <= 2x the 10,000 figure. The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path


async def batched(uri: str, database: str, articles: list) -> float:
    from scrapy.utils.misc import build_from_crawler
    from scrapy.utils.test import get_crawler

    from newsscraper.pipelines.dedupe import DedupePipeline
    from newsscraper.pipelines.store import MongoStorePipeline

    crawler = get_crawler(settings_dict={"MONGO_URI": uri, "MONGO_DATABASE": database,
                                         "MONGO_AUTOSTART": False})
    dedupe = build_from_crawler(DedupePipeline, crawler)
    items = [dedupe.process_item(a) for a in articles]  # hashes, outside the timing
    store = build_from_crawler(MongoStorePipeline, crawler)
    await store.open_spider()
    t = time.perf_counter()
    for item in items:
        await store.process_item(item)
    await store.close_spider()
    elapsed = time.perf_counter() - t
    assert crawler.stats.get_value("mongo/new") == len(items), crawler.stats.get_stats()
    return elapsed


async def one_by_one(uri: str, database: str, articles: list) -> float:
    from pymongo import AsyncMongoClient

    from newsscraper.items import to_jsonable
    from newsscraper.storage.articles import article_doc

    client: AsyncMongoClient = AsyncMongoClient(uri)
    collection = client[database].articles
    docs = [article_doc(to_jsonable(a)) for a in articles]
    t = time.perf_counter()
    for doc in docs:  # the Scrapy docs' MongoDB pipeline: one insert_one per item
        await collection.insert_one(doc)
    elapsed = time.perf_counter() - t
    assert await collection.count_documents({}) == len(docs)
    await client.close()
    return elapsed


def replica_documents(count: int) -> list[dict]:
    """``count`` parsed replica articles as stored documents (hashes set)."""
    from newsscraper.items import to_document
    from newsscraper.pipelines.dedupe import body_hash, content_hash
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article

    model = generate_site(count, seed=1)
    site = render_site(model)
    out = []
    for a in model.live_articles[:count]:
        article = parse_article(site.get(a.path).body, site.base_url + a.path)
        doc = to_document(article)
        doc.update(content_hash=content_hash(article), body_hash=body_hash(doc["body"]))
        out.append(doc)
    return out


def copy_as(template: dict, article_id: int, **changes) -> dict:
    """The template article under another id (and a body of its own)."""
    doc = dict(template, article_id=article_id, **changes)
    doc["body"] = f"{doc['body']}\n\nArchive copy {article_id}."
    doc["content_hash"] = f"{template['content_hash']}:{article_id}:{changes.get('title', '')}"
    doc["body_hash"] = f"{template['body_hash']}:{article_id}"
    return doc


async def fill(store, templates: list[dict], start: int, stop: int) -> None:
    """Articles ``start``..``stop`` straight into ``articles`` (1,000 per insert_many)."""
    from newsscraper.storage.articles import article_doc
    from newsscraper.storage.database import utcnow

    now = utcnow()
    for i in range(start, stop, 1000):
        docs = [article_doc(copy_as(templates[n % len(templates)], n))
                for n in range(i, min(stop, i + 1000))]
        for d in docs:
            d.update(first_seen_at=now, last_seen_at=now, version=1)
        await store.db.articles.insert_many(docs, ordered=False)


async def scheduled_run(store, templates: list[dict], stored: int) -> float:
    """One scheduled run's storage work over the ``stored`` newest ids; its seconds."""
    recent = list(range(stored - 200, stored))
    batch = [copy_as(templates[n % len(templates)], n) for n in recent[:180]]
    batch += [copy_as(templates[n % len(templates)], n, title=f"Edited {n}")
              for n in recent[180:]]
    batch += [copy_as(templates[n % len(templates)], n) for n in range(stored, stored + 30)]
    batch = batch[:250]
    unchanged = [copy_as(templates[n % len(templates)], n) for n in recent[:20]]
    t = time.perf_counter()
    known = await store.articles.known_ids(recent)
    lookup = time.perf_counter() - t
    for i in range(0, len(batch), 200):
        await store.articles.write(batch[i:i + 200])
    await store.articles.write(unchanged)
    elapsed = time.perf_counter() - t
    assert len(known) == 200, len(known)
    print(f"  known-ids {lookup:.2f}s, writes {elapsed - lookup:.2f}s")
    return elapsed


def server_footprint(server) -> tuple[float, float]:
    """FerretDB's resident memory and its data directory's size, in MB."""
    rss = 0.0
    pid = server.pid() if server else None
    if pid:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    disk = sum(p.stat().st_size for p in server.data_dir.rglob("*") if p.is_file()) \
        / 1e6 if server else 0.0
    return rss, disk


async def scheduled(uri: str, stored: int, server, seen_hours: float) -> dict:
    from datetime import timedelta

    from newsscraper.storage.mongo import ArticleStore

    templates = replica_documents(1000)
    store = ArticleStore(uri, "bench_scheduled", seen_resolution=timedelta(hours=seen_hours),
                         operation_timeout_ms=600000)
    figures: dict = {"stored": stored, "seen_resolution_hours": seen_hours}
    try:
        await store.articles.ensure_indexes()
        done = 0
        for size in sorted({min(10000, stored), stored}):
            t = time.perf_counter()
            await fill(store, templates, done, size)
            done = size
            print(f"filled {size} articles ({time.perf_counter() - t:.0f}s for this step)")
            seconds = await scheduled_run(store, templates, size)
            done += 30  # the run's new articles
            print(f"scheduled run at {size:>7,} stored: {seconds:.2f}s")
            figures["run_seconds_10k" if size == min(10000, stored) else "run_seconds"] = \
                round(seconds, 3)
        figures.setdefault("run_seconds", figures["run_seconds_10k"])
        figures["ferretdb_rss_mb"], figures["disk_mb"] = map(lambda v: round(v, 1),
                                                             server_footprint(server))
    finally:
        await store.db.client.drop_database("bench_scheduled")
        await store.close()
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", nargs="?", choices=("ratio", "scheduled"), default="ratio")
    ap.add_argument("--items", type=int, default=10000)
    ap.add_argument("--stored", type=int, default=100000)
    ap.add_argument("--seen-resolution-hours", type=float, default=12.0,
                    help="STORE_SEEN_RESOLUTION_HOURS (12 as shipped; 0 rewrites every "
                         "sighting's last_seen_at)")
    args = ap.parse_args()
    if args.mode == "scheduled":
        with local_or_given_server() as (uri, server):
            figures = asyncio.run(scheduled(uri, args.stored, server,
                                            args.seen_resolution_hours))
        print(f"FerretDB RSS {figures['ferretdb_rss_mb']} MB, data {figures['disk_mb']} MB "
              f"at {args.stored:,} articles (0 when MONGO_URI names another server)")
        print(json.dumps(figures))
        return
    ratio(args.items)


@contextlib.contextmanager
def local_or_given_server():
    from newsscraper.storage.ferretdb import LocalDatabase, free_port

    uri = os.environ.get("MONGO_URI")
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if not uri:
            server = LocalDatabase(data_dir=Path(tmp), port=free_port())
            server.start(log=lambda _m: None)
            uri = server.uri
        try:
            yield uri, server
        finally:
            if server:
                server.stop()


def ratio(items: int) -> None:
    from pymongo import MongoClient

    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article
    from newsscraper.storage.ferretdb import LocalDatabase, free_port

    model = generate_site(items, seed=1)
    site = render_site(model)
    articles = [parse_article(site.get(a.path).body, site.base_url + a.path)
                for a in model.live_articles][:items]
    uri = os.environ.get("MONGO_URI")
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        if not uri:
            server = LocalDatabase(data_dir=Path(tmp), port=free_port())
            server.start(log=lambda _m: None)
            uri = server.uri
        try:
            slow = asyncio.run(one_by_one(uri, "bench_one_by_one", articles))
            fast = asyncio.run(batched(uri, "bench_batched", articles))
        finally:
            client: MongoClient = MongoClient(uri)
            client.drop_database("bench_one_by_one")
            client.drop_database("bench_batched")
            client.close()
            if server:
                server.stop()
    n = len(articles)
    print(f"insert_one per item : {n / slow:8.0f} items/s ({slow:.1f}s for {n})")
    print(f"pipeline, batched   : {n / fast:8.0f} items/s ({fast:.1f}s for {n})")
    print(f"ratio               : {slow / fast:8.1f}x")


if __name__ == "__main__":
    main()
