"""``newsscraper demo``: the whole pipeline offline, start to finish.

Starts the local database (unless ``MONGO_URI`` is set), serves a replica of the site,
crawls it with ``scrapy crawl moscowtimes`` into MongoDB, then prints a summary and one
article laid out as a reader wants it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter

from newsscraper.profiles import REPLICA, as_args

SHOWCASE_ID = 85152


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="crawl an offline replica of the site into the database")
    p.add_argument("--articles", type=int, default=300, help="size of the replica (300)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--database", default="newsscraper_demo",
                   help="database to fill (newsscraper_demo)")
    p.add_argument("--mode", choices=("incremental", "full"), default="incremental")
    p.add_argument("--port", type=int, default=28600,
                   help="replica www port (28600; the static origin uses the next one); "
                        "fixed so that re-runs see the same URLs")
    p.set_defaults(func=run)


def run(args) -> int:
    from pymongo import MongoClient

    from newsscraper.replica import ReplicaServer, generate_site
    from newsscraper.storage.local import DatabaseError, LocalDatabase
    from newsscraper.storage.uri import redact

    uri = os.environ.get("MONGO_URI")
    if not uri:
        db = LocalDatabase.from_env()
        try:
            print(db.start(log=lambda m: print(m, file=sys.stderr)))
        except DatabaseError as exc:
            print(f"newsscraper demo: {exc}", file=sys.stderr)
            return 1
        uri = db.uri
    print(f"database: {redact(uri)} / {args.database}")
    model = generate_site(args.articles, args.seed)
    port, static_port = args.port, args.port + 1 if args.port else 0
    if port and not (_free(port) and _free(static_port)):
        port = static_port = 0
    with ReplicaServer(model, port=port, static_port=static_port) as server:
        print(f"replica of {len(model.articles)} articles at {server.base_url} "
              f"(sitemaps at {server.static_url})")
        started = time.monotonic()
        cmd = [sys.executable, "-m", "scrapy", "crawl", "moscowtimes",
               "-a", f"base_url={server.base_url}", "-a", f"static_url={server.static_url}",
               "-a", f"mode={args.mode}", "-s", f"MONGO_DATABASE={args.database}",
               "-s", "LOG_LEVEL=WARNING", *as_args(REPLICA)]
        proc = subprocess.run(cmd, env=dict(os.environ, MONGO_URI=uri))
        elapsed = time.monotonic() - started
    client: MongoClient = MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        database = client[args.database]
        print_summary(database, elapsed)
        doc = database.articles.find_one({"article_id": SHOWCASE_ID}) or \
            database.articles.find_one(sort=[("published_at", -1)])
        if doc:
            print("\n" + "=" * 78 + "\n")
            print(as_text(doc))
    finally:
        client.close()
    return proc.returncode


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def print_summary(db, elapsed: float) -> None:
    run = next(db.runs.find().sort("started_at", -1).limit(1), None)
    sections = Counter(d.get("section") or "?" for d in db.articles.find({}, {"section": 1}))
    via = Counter(d.get("discovered_via") or "?" for d in db.articles.find({}, {"discovered_via": 1}))
    related = sum(len(d.get("related") or []) for d in db.articles.find({}, {"related": 1}))
    total = sum(sections.values())
    print(f"\ncrawl took {elapsed:.1f}s; {total} articles stored")
    if run:
        c = run.get("counts", {})
        print(f"this run: {c.get('new', 0)} new, {c.get('updated', 0)} updated, "
              f"{c.get('unchanged', 0)} unchanged, {c.get('requests', 0)} requests, "
              f"status {run.get('status')} ({run.get('finish_reason')})")
    print("articles per section:")
    for name, count in sections.most_common():
        print(f"  {name:<24} {count:>5}")
    print(f"related-article links in bodies: {related}; articles first found through "
          + ", ".join(f"{k} {v}" for k, v in via.most_common()))


def as_text(doc: dict) -> str:
    """An article laid out as text: body, "Related article:" where the block stands,
    then "Original url:" and the related links."""
    paragraphs = (doc.get("body") or "").split("\n\n")
    related = doc.get("related") or []
    out: list[str] = []
    for i, paragraph in enumerate(paragraphs + [None]):
        for link in related:
            if link.get("position") == i:
                out.append(f"Related article: {link['title']}")
        if paragraph is not None:
            out.append(paragraph)
    out.append(f"Original url:\n{doc['url']}")
    if related:
        out.append("\n".join(link["url"] for link in related))
    return f"{doc.get('title')}\n\n" + "\n\n".join(out)
