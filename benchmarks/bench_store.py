"""Storing 10,000 articles: the store pipeline's batched writes vs one insert_one per
item, same server, same documents, one run (target: >= 20x items/s).

    .venv/bin/python -m benchmarks.bench_store [--items 10000]

Uses MONGO_URI when set, else starts a FerretDB of its own in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
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
    from newsscraper.storage.mongo import article_doc

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


def main() -> None:
    from pymongo import MongoClient

    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article
    from newsscraper.storage.local import LocalDatabase, free_port

    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=10000)
    args = ap.parse_args()
    model = generate_site(args.items, seed=1)
    site = render_site(model)
    articles = [parse_article(site.get(a.path).body, site.base_url + a.path)
                for a in model.live_articles][: args.items]
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
