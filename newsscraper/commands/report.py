"""``newsscraper report --out status.html [--days 30]``: the status of the copy (health,
runs, freshness, archive completeness, content, failures) as one self-contained HTML page
with inline SVG charts, built from the database alone."""

from __future__ import annotations

import logging
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from newsscraper.commands.reader import (
    ReadFailed,
    add_database_argument,
    crawl_settings,
    fail,
    open_database,
)
from newsscraper.commands.runs import positive
from newsscraper.outcome import EXIT_FAILED, EXIT_OK

# the shipped schedule (deploy/cron/newsscraper.crontab: */30)
SCHEDULE_MINUTES = 30


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="write the status report (one HTML page with charts)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="the HTML file to write")
    p.add_argument("--days", type=positive, default=30, metavar="N",
                   help="runs, freshness and failures of the last N days (30)")
    p.add_argument("--interval", type=positive, default=SCHEDULE_MINUTES, metavar="MIN",
                   help=f"the crawl schedule's interval in minutes ({SCHEDULE_MINUTES})")
    p.add_argument("--no-cache", dest="cached", action="store_false",
                   help="read every article (the report's cache in the database is "
                        "neither read nor written; for a read-only user)")
    add_database_argument(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from pymongo.errors import PyMongoError

    from newsscraper.report import build_report
    from newsscraper.storage.paths import data_dir

    started = time.perf_counter()
    # the cache's one line (built from every article, or what changed) on stderr
    logging.basicConfig(format="newsscraper report: %(message)s", level=logging.WARNING)
    logging.getLogger("newsscraper.report").setLevel(logging.INFO)
    try:
        client, db, _uri = open_database(args.database)
    except ReadFailed as exc:
        return fail("newsscraper report", exc)
    try:
        html = build_report(db, Path(data_dir(crawl_settings())) / "spill", args.days,
                            timedelta(minutes=args.interval), cached=args.cached)
    except PyMongoError as exc:
        return fail("newsscraper report",
                    ReadFailed(f"reading {db.name} failed ({type(exc).__name__})"))
    finally:
        client.close()
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, args.out)
    except OSError as exc:
        print(f"newsscraper report: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(f"report of {db.name} written to {args.out} ({len(html) // 1024} kB, "
          f"{time.perf_counter() - started:.1f} s)")
    return EXIT_OK
