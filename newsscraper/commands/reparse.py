"""``newsscraper reparse [--warc DIR] [--since DATE] [--only all|partial|held|dropped]``:
the article pages kept in WARC files read again by the current parsers and stored
through the crawl's pipelines (``scrapy crawl reparse``), with no request to the site."""

from __future__ import annotations

import os
import subprocess
import sys

from newsscraper.commands.reader import one_line_errors, parse_date

ONLY = ("all", "partial", "held", "dropped")


def add_parser(sub) -> None:
    p = sub.add_parser("reparse", help="re-read the kept pages (WARC files) with the current "
                                       "parsers and store what changed, without fetching")
    p.add_argument("--warc", metavar="DIR", default=None,
                   help="the WARC directory (default: WARC_DIR, NEWSSCRAPER_DATA_DIR/warc)")
    p.add_argument("--since", type=parse_date, default=None, metavar="DATE",
                   help="only pages fetched since DATE (YYYY-MM-DD or ISO 8601, UTC)")
    p.add_argument("--only", choices=ONLY, default="all",
                   help="all pages (default), or those of articles stored partial, with a "
                        "held revision, or not stored at all (dropped)")
    p.add_argument("--database", default=None,
                   help="default: MONGO_DATABASE (setting or environment), as the crawl uses")
    p.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                   help="a Scrapy setting, as for scrapy crawl (repeatable)")
    one_line_errors(p)
    p.set_defaults(func=run)


def command(args) -> list[str]:
    """The ``scrapy crawl reparse`` command line the verb runs."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "reparse", "-a", f"only={args.only}"]
    if args.warc:
        cmd += ["-a", f"warc={args.warc}"]
    if args.since is not None:
        cmd += ["-a", f"since={args.since.isoformat()}"]
    if args.database:
        cmd += ["-s", f"MONGO_DATABASE={args.database}"]
    for setting in args.settings:
        cmd += ["-s", setting]
    return cmd


def run(args) -> int:
    """The crawl command's exit status (0 ok, 2 bad arguments, 3 failed, 4 monitors)."""
    env = dict(os.environ)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "newsscraper.settings")
    return subprocess.run(command(args), env=env).returncode
