"""Storage benchmarks. Uses MONGO_URI when set, else starts a FerretDB of its own in a
temporary directory. The last line is JSON.

    .venv/bin/python -m benchmarks.bench_store ratio [--articles 10000]
        storing 10,000 articles: the store pipeline's batched writes vs one insert_one
        per item, same server, same documents, one run (target: >= 20x items/s)

    .venv/bin/python -m benchmarks.bench_store scheduled [--articles 100000]
        an archive-scale database (replica articles, copied under new ids by the fast
        path: insert_many straight into ``articles``), and one scheduled run's storage
        work timed at 10,000 and at ``--articles`` articles: known-ids for 200 recent ids,
        then a write of 200 unchanged (sightings), 20 edited and 30 new articles.
        Target: <= 2 s at 100,000 and <= 2x the 10,000 figure.

    .venv/bin/python -m benchmarks.bench_store ratio --smoke   # each mode, in seconds
"""

from __future__ import annotations

import asyncio
import time

from benchmarks import common
from benchmarks.common import Server, database, rss_mb


async def batched(uri: str, database: str, articles: list) -> float:
    from scrapy.utils.misc import build_from_crawler
    from scrapy.utils.test import get_crawler

    from newsscraper import default_settings
    from newsscraper.pipelines.dedupe import DedupePipeline
    from newsscraper.pipelines.store import MongoStorePipeline

    # a crawl's defaults, as settings.py gives them (a bare Spider does not layer them)
    defaults = {name: default_settings.default(name) for name in default_settings.__all__}
    crawler = get_crawler(settings_dict={**defaults, "MONGO_URI": uri,
                                         "MONGO_DATABASE": database, "MONGO_AUTOSTART": False})
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


def replica_documents(count: int, seed: int = 1) -> list[dict]:
    """``count`` parsed replica articles as stored documents (hashes set)."""
    from newsscraper.items import to_document
    from newsscraper.pipelines.dedupe import body_hash
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article
    from newsscraper.storage.revisions import content_hash

    model = generate_site(count, seed=seed)
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


def server_footprint(server: Server) -> tuple[float, float]:
    """FerretDB's resident memory and its data directory's size, in MB (0 for a server
    not ours)."""
    disk = sum(p.stat().st_size for p in server.data_dir.rglob("*") if p.is_file()) \
        / 1e6 if server.data_dir else 0.0
    return rss_mb(server.pid), disk


async def scheduled(server: Server, stored: int, seen_hours: float, seed: int) -> dict:
    from datetime import timedelta

    from newsscraper.storage.mongo import ArticleStore

    templates = replica_documents(min(1000, stored), seed)
    store = ArticleStore(server.uri, server.name, seen_resolution=timedelta(hours=seen_hours),
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
        await store.close()
    return figures


def bench(args) -> dict:
    if args.what == "scheduled":
        with database("store") as server:
            figures = asyncio.run(scheduled(server, args.articles,
                                            args.seen_resolution_hours, args.seed))
        print(f"FerretDB RSS {figures['ferretdb_rss_mb']} MB, data {figures['disk_mb']} MB "
              f"at {args.articles:,} articles (0 when MONGO_URI names another server)")
        return figures
    return ratio(args.articles, args.seed)


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__, modes=True)
    sub = ap.add_subparsers(dest="what", required=True)
    r = common.command(sub, "ratio", "the store pipeline's batched writes vs insert_one")
    common.articles(r, 10_000, 100, "replica articles stored", aliases=("--items",))
    s = common.command(sub, "scheduled", "one scheduled run's storage work at archive scale")
    common.articles(s, 100_000, 300, "stored articles", aliases=("--stored",))
    s.add_argument("--seen-resolution-hours", type=float, default=12.0,
                   help="STORE_SEEN_RESOLUTION_HOURS (12 as shipped; 0 rewrites every "
                        "sighting's last_seen_at)")
    for p in (r, s):
        common.seed(p)
    common.run(ap, bench, argv)


def ratio(items: int, seed: int) -> dict:
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article

    model = generate_site(items, seed=seed)
    site = render_site(model)
    articles = [parse_article(site.get(a.path).body, site.base_url + a.path)
                for a in model.live_articles][:items]
    with database("store") as server:
        one, many = server.fresh(), server.fresh()
        try:
            slow = asyncio.run(one_by_one(server.uri, one, articles))
            fast = asyncio.run(batched(server.uri, many, articles))
        finally:
            server.drop(one)
            server.drop(many)
    n = len(articles)
    print(f"insert_one per item : {n / slow:8.0f} items/s ({slow:.1f}s for {n})")
    print(f"pipeline, batched   : {n / fast:8.0f} items/s ({fast:.1f}s for {n})")
    print(f"ratio               : {slow / fast:8.1f}x")
    return {"articles": n, "one_by_one_items_s": round(n / slow), "batched_items_s":
            round(n / fast), "ratio": round(slow / fast, 2)}


if __name__ == "__main__":
    main()
