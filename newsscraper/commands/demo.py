"""``newsscraper demo``: the whole pipeline offline, start to finish.

Starts the local database (unless ``MONGO_URI`` is set), serves a replica of the site in
this process, crawls it with ``scrapy crawl moscowtimes`` (a child process: the replica
profile, no throttling) into MongoDB, then prints a summary and one stored article laid
out as a reader sees it, and writes the status report (``var/report.html``). Run it
again to watch an incremental run skip what is stored.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from newsscraper.commands.article_text import as_text
from newsscraper.outcome import EXIT_FAILED

SHOWCASE_ID = 85152
RULE = "=" * 78


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="crawl an offline replica of the site into the database")
    p.add_argument("--articles", type=int, default=300, help="size of the replica (300)")
    p.add_argument("--seed", type=int, default=1, help="replica generator seed (1)")
    p.add_argument("--epoch", type=int, choices=(1, 2), default=1,
                   help="2: the same site a week later (new, edited, removed articles)")
    p.add_argument("--database", default="newsscraper_demo",
                   help="database to fill (newsscraper_demo)")
    p.add_argument("--mode", choices=("incremental", "full"), default="incremental")
    p.add_argument("--port", type=int, default=28600,
                   help="replica www port (28600; the static origin uses the next one); "
                        "fixed so that re-runs see the same URLs; 0 for any free port")
    p.set_defaults(func=run)


def run(args) -> int:
    from pymongo import MongoClient

    from newsscraper.replica import ReplicaServer, generate_site
    from newsscraper.storage.ferretdb import DatabaseError, LocalDatabase
    from newsscraper.storage.paths import data_dir
    from newsscraper.storage.uri import client_options, redact

    uri = os.environ.get("MONGO_URI")
    if not uri:
        try:
            db = LocalDatabase.from_env()
            print(db.start(log=lambda m: print(m, file=sys.stderr)))
        except DatabaseError as exc:
            print(f"newsscraper demo: {exc}", file=sys.stderr)
            return EXIT_FAILED  # the crawl's status for a database it cannot reach
        uri = db.uri
    print(f"database: {redact(uri)}, database name {args.database}")
    model = generate_site(args.articles, args.seed, args.epoch)
    port = static_port = 0
    if args.port and _free(args.port) and _free(args.port + 1):
        port, static_port = args.port, args.port + 1
    data = Path(data_dir())  # the environment's, as the crawl below reads it
    log = data / "log" / "demo-crawl.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with ReplicaServer(model, port=port, static_port=static_port) as server:
        print(f"replica: {len(model.live_articles)} articles (seed {args.seed}, epoch "
              f"{args.epoch}) at {server.base_url}, sitemaps at {server.static_url}")
        print(f"crawling ({args.mode}) with scrapy crawl moscowtimes; log in {log}")
        cmd = [sys.executable, "-m", "scrapy", "crawl", "moscowtimes",
               "-a", f"base_url={server.base_url}", "-a", f"static_url={server.static_url}",
               "-a", f"mode={args.mode}", "-s", f"MONGO_DATABASE={args.database}",
               "-s", "NEWSSCRAPER_PROFILE=replica", "-s", "LOG_LEVEL=INFO",
               "-s", f"LOG_FILE={log}", "-s", "LOG_FILE_APPEND=False"]
        env = dict(os.environ, MONGO_URI=uri, SCRAPY_SETTINGS_MODULE="newsscraper.settings")
        started = time.monotonic()
        proc = subprocess.run(cmd, env=env)
        elapsed = time.monotonic() - started
    stats = crawl_stats(log)
    if proc.returncode != 0:
        print(f"\nnewsscraper demo: the crawl failed (exit {proc.returncode}); the end of "
              f"its log:\n" + _tail(log), file=sys.stderr)
    client: MongoClient = MongoClient(uri, **client_options())
    try:
        database = client[args.database]
        print(summary(database, stats, elapsed))
        print(f"status report: {write_report(database, data)}")
        doc = database.articles.find_one({"article_id": SHOWCASE_ID}) or \
            database.articles.find_one(sort=[("published_at", -1)])
        if doc:
            print(f"\n{RULE}\nOne stored article ({doc['_id']}): {doc.get('title')}\n{RULE}\n")
            print(as_text(doc))
    finally:
        client.close()
    return proc.returncode


def write_report(database, data: Path) -> Path:
    """The status report of the demo's database, next to its log (``var/report.html``)."""
    from newsscraper.report import build_report

    path = data / "report.html"
    path.write_text(build_report(database, data / "spill"), encoding="utf-8")
    return path.resolve()


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def crawl_stats(log: Path) -> dict[str, int]:
    """The numeric stats Scrapy dumped at the end of the crawl's log."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return {}
    dump = text.rsplit("Dumping Scrapy stats:", 1)[-1]
    return {k: int(v) for k, v in re.findall(r"'([\w/.-]+)': (\d+)[,}]", dump)}


def summary(db, stats: dict[str, int], elapsed: float) -> str:
    runs = list(db.runs.find({}, {"counts": 1, "arguments": 1, "status": 1,
                                  "finish_reason": 1}).sort("started_at", 1))
    sections = Counter(d.get("section") or "?" for d in db.articles.find({}, {"section": 1}))
    via = Counter(d.get("discovered_via") or "?"
                  for d in db.articles.find({}, {"discovered_via": 1}))
    requests = stats.get("downloader/request_count", 0)
    out = [f"\ncrawl took {elapsed:.1f} s: {requests} requests, "
           f"{stats.get('item_scraped_count', 0)} articles read"]
    if runs:
        run, first = runs[-1], runs[0]
        c = run.get("counts", {})
        out.append(f"stored by this run: {c.get('new', 0)} new, {c.get('updated', 0)} updated, "
                   f"{c.get('unchanged', 0)} unchanged (run {run.get('status')}, "
                   f"{run.get('finish_reason')})")
        full = first.get("counts", {}).get("requests", 0)
        if len(runs) > 1 and full and requests:
            out.append(f"requests: {requests} in this run vs {full} in the first run into this "
                       f"database ({100 * requests / full:.1f}%); "
                       f"{stats.get('spider/skipped_known', 0)} links skipped as stored")
    related = stats.get("spider/related_links", 0)
    out.append(f"related links: {related} inline related-article links and "
               f"{stats.get('spider/read_more_links', 0)} \"Read more\" links seen; "
               f"{stats.get('spider/slug_resolved', 0)} slug-only links resolved, "
               f"{stats.get('spider/scheduled/related', 0)} articles fetched through them")
    total = sum(sections.values())
    out.append(f"\n{total} articles in the database, per section:")
    out += [f"  {name:<24} {count:>5}" for name, count in sections.most_common()]
    out.append("first found through: " + ", ".join(f"{k} {v}" for k, v in via.most_common()))
    problems = {k.removeprefix("spider/"): v for k, v in stats.items()
                if k.startswith(("spider/http_", "spider/not_article", "spider/parse_error",
                                 "spider/timeout", "spider/error/"))}
    if problems:
        out.append("pages that gave no article: "
                   + ", ".join(f"{k} {v}" for k, v in sorted(problems.items())))
    return "\n".join(out)
