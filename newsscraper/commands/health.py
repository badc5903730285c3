"""``newsscraper health [--max-age 90m]``: a probe, run from outside the crawls (cron, a
systemd timer, Nagios/Icinga), that tells whether runs happen and succeed.

A crawl's own monitors cannot notice the run that never starts (crontab removed, timer
disabled, host down, lease stuck); this reads what the runs leave behind instead: the
``runs`` records, the newest stored article, held revisions, spill files and the lease.
One line per check, after a summary line, and the monitoring-plugin exit status: 0 OK,
1 WARNING, 2 CRITICAL, 3 UNKNOWN (the database cannot be read, or bad arguments).

The reads are three documents by ``_id``, for FerretDB evaluates every other filter over
the whole collection: the last run (with the newest ``published_at`` stored and the last
revision held back), the last successful one (:mod:`newsscraper.storage.runsummary`) and
the lease, all in ``crawl_state``. A database no run of this version has closed is read
the slow way: a week of ``runs``, the window's articles and held revisions.
Reaching the server is bounded by ``MONGO_TIMEOUT_MS`` as for every command, the reads
all together by ``--timeout`` (pymongo's client-side timeout).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from newsscraper.commands.reader import (
    ReadFailed,
    add_database_argument,
    crawl_settings,
    one_line_errors,
    open_database,
    stamp,
)

OK, WARNING, CRITICAL, UNKNOWN = 0, 1, 2, 3
LABELS = ("OK", "WARNING", "CRITICAL", "UNKNOWN")
LOOKBACK = timedelta(days=7)  # how far back the run records are read
ENDED = ("finished", "monitors_failed", "failed", "rejected", "abandoned")
STATE_OF_STATUS = {"finished": OK, "monitors_failed": WARNING}  # any other ended: CRITICAL
SPIDER = "moscowtimes"


@dataclass
class Check:
    name: str
    state: int
    text: str

    def line(self) -> str:
        return f"{LABELS[self.state]:<8} {self.name:<15} {self.text}"


def add_parser(sub) -> None:
    p = sub.add_parser("health", help="check from outside the crawls that runs happen and "
                                      "succeed (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)")
    p.add_argument("--max-age", type=duration, default=timedelta(minutes=90), metavar="AGE",
                   help="CRITICAL when the last finished run ended longer ago (90m; "
                        "s, m, h, d)")
    p.add_argument("--max-article-age", type=duration, default=timedelta(hours=24),
                   metavar="AGE", help="WARNING when no stored article was published "
                                       "within this (24h)")
    p.add_argument("--held-within", type=duration, default=timedelta(hours=24),
                   metavar="AGE", help="WARNING when a revision was held back within this "
                                       "(24h)")
    p.add_argument("--timeout", type=duration, default=timedelta(seconds=30), metavar="AGE",
                   help="bound of all the database reads together (30s); past it: UNKNOWN")
    p.add_argument("--data-dir", default=None,
                   help="where spill files are looked for (default: NEWSSCRAPER_DATA_DIR, "
                        "as the crawl uses)")
    add_database_argument(p)
    one_line_errors(p, UNKNOWN)  # the plugin convention: bad arguments are UNKNOWN
    p.set_defaults(func=run, usage_status=UNKNOWN)


def duration(text: str) -> timedelta:
    """``90m``, ``2h``, ``30s``, ``1d`` or plain seconds; positive."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(
            f"not a positive duration: {text!r} (e.g. 90m, 2h, 30s, 1d)")
    unit = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return timedelta(seconds=float(match.group(1)) * unit)


def run(args) -> int:
    import pymongo
    from pymongo.errors import PyMongoError

    settings = crawl_settings()
    now = datetime.now(timezone.utc)
    checks: list[Check] = []
    try:
        client, db, _uri = open_database(args.database)  # MONGO_TIMEOUT_MS to reach it
        try:
            with pymongo.timeout(args.timeout.total_seconds()):
                checks += run_checks(db, settings, args, now)
        finally:
            client.close()
    except ReadFailed as exc:
        checks = [Check("database", UNKNOWN, str(exc))]
    except PyMongoError as exc:
        checks = [Check("database", UNKNOWN, f"reading failed ({type(exc).__name__}); "
                                             f"stalled or too slow for --timeout")]
    checks.append(spill_check(settings, args.data_dir))
    return report(checks)


def report(checks: list[Check]) -> int:
    state = max(c.state for c in checks)
    bad = [c.name for c in checks if c.state != OK]
    print(f"NEWSSCRAPER {LABELS[state]}" + (f" - {', '.join(bad)}" if bad else ""))
    for check in checks:
        print(check.line())
    sys.stdout.flush()
    return state


def run_checks(db, settings, args, now: datetime) -> list[Check]:
    from newsscraper.storage.runsummary import last_key, success_key

    state = db["crawl_state"]
    last = state.find_one({"_id": last_key(SPIDER)})
    records = [d for d in (last, state.find_one({"_id": success_key(SPIDER)})) if d]
    if last is None:  # a database no run of this version has closed: a week of runs
        records = list(db[settings.get("MONGO_RUNS_COLLECTION")].find(
            {"ended_at": {"$gte": now - max(LOOKBACK, args.max_age)}},
            {"status": 1, "exit_status": 1, "ended_at": 1, "monitors.failed": 1, "error": 1})
            .sort("ended_at", -1))
    return [
        last_success(records, args.max_age, now),
        last_run(records, now),
        newest_article(db[settings.get("MONGO_ARTICLES_COLLECTION")],
                       args.max_article_age, now, (last or {}).get("newest_published_at")),
        held_revisions(db[settings.get("MONGO_VERSIONS_COLLECTION")],
                       args.held_within, now, last),
        lease(db["crawl_state"].find_one({"_id": f"lease:{SPIDER}"}),
              settings.getfloat("NEWSSCRAPER_LEASE_SECONDS"), now),
    ]


def last_success(records: list[dict], max_age: timedelta, now: datetime) -> Check:
    done = next((r for r in records if r.get("status") == "finished"), None)
    if done is None or not isinstance(done.get("ended_at"), datetime):
        return Check("last_success", CRITICAL, "no finished run found")
    ago = now - aware(done["ended_at"])
    return Check("last_success", CRITICAL if ago > max_age else OK,
                 f"finished {age(ago)} ago ({stamp(done['ended_at'])} UTC), limit "
                 f"{age(max_age)}")


def last_run(records: list[dict], now: datetime) -> Check:
    """The newest run that ended (a skipped one did not run; a running one has not
    ended: the lease check sees it)."""
    record = next((r for r in records if r.get("status") in ENDED), None)
    if record is None:
        return Check("last_run", CRITICAL, f"no run ended in the last {age(LOOKBACK)}")
    status = record["status"]
    code = record.get("exit_status")
    ended = record.get("ended_at")
    text = f"{status}, exit {'-' if code is None else code}, ended " + \
        (f"{age(now - aware(ended))} ago" if isinstance(ended, datetime) else "-")
    failed = (record.get("monitors") or {}).get("failed")
    if failed:
        text += f"; monitors failed: {', '.join(map(str, failed))}"
    if record.get("error"):
        text += f"; {record['error']}"
    return Check("last_run", STATE_OF_STATUS.get(status, CRITICAL), text)


def newest_article(articles, max_age: timedelta, now: datetime,
                   newest: datetime | None = None) -> Check:
    """From the runs' summary when they kept it; else the articles of the window (an index
    on MongoDB; one pass on FerretDB, which sorts in memory only what the filter keeps)."""
    since = now - max_age
    if newest is None:
        found = list(articles.find({"published_at": {"$gte": since}}, {"published_at": 1})
                     .sort("published_at", -1).limit(1))
        newest = found[0]["published_at"] if found else None
    if newest is None or aware(newest) < since:
        return Check("newest_article", WARNING, f"none stored was published in the last "
                                                f"{age(max_age)} (since {stamp(since)} UTC)")
    published = newest
    return Check("newest_article", OK, f"published {age(now - aware(published))} ago "
                                       f"({stamp(published)} UTC), limit {age(max_age)}")


def held_revisions(versions, within: timedelta, now: datetime,
                   last: dict[str, Any] | None = None) -> Check:
    """From the runs' summary when there is one; else the first held revision of the
    window in ``article_versions`` (one pass over it on FerretDB)."""
    if last is not None:
        held_at = last.get("held_at")
        if not isinstance(held_at, datetime) or now - aware(held_at) > within:
            return Check("held_revisions", OK, f"none held back in the last {age(within)}")
        return Check("held_revisions", WARNING,
                     f"run {last.get('held_run')} held back {last.get('held', '?')} "
                     f"revision(s), {age(now - aware(held_at))} ago: its log names their "
                     f"URLs; article_versions has them with held: true")
    held = versions.find_one({"held": True, "held_at": {"$gte": now - within}},
                             {"article": 1, "held_reason": 1, "held_at": 1})
    if held is None:
        return Check("held_revisions", OK, f"none held back in the last {age(within)}")
    article = str(held.get("article") or held["_id"])
    return Check("held_revisions", WARNING,
                 f"a revision of {article} was held back {age(now - aware(held['held_at']))} "
                 f"ago ({held.get('held_reason', '?')}), maybe more: newsscraper show "
                 f"{article.rpartition(':')[2]} --versions")


def lease(document: dict[str, Any] | None, seconds: float, now: datetime) -> Check:
    if not document or not document.get("run_id"):
        return Check("lease", OK, "free")
    beat = document.get("heartbeat")
    holder = f"run {document['run_id']} (host {document.get('host')}, pid " \
             f"{document.get('pid')})"
    if not isinstance(beat, datetime):
        return Check("lease", CRITICAL, f"held by {holder} with no heartbeat")
    ago = now - aware(beat)
    if ago > timedelta(seconds=seconds):
        return Check("lease", CRITICAL, f"held by {holder}, no heartbeat for {age(ago)} "
                                        f"(limit {age(timedelta(seconds=seconds))}): its crawl "
                                        f"died or hangs; the next run takes it over")
    return Check("lease", OK, f"held by {holder}, heartbeat {age(ago)} ago")


def spill_check(settings, directory: str | None) -> Check:
    from newsscraper.storage.paths import data_dir
    from newsscraper.storage.spill import SpillFile

    spill = SpillFile(Path(directory or data_dir(settings)) / "spill")
    files = spill.pending()
    if files:
        return Check("spill", WARNING, f"{len(files)} spill file(s) waiting in "
                                       f"{spill.directory}: newsscraper spill replay")
    return Check("spill", OK, f"no spill file in {spill.directory}")


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def age(delta: timedelta) -> str:
    """``45s``, ``12m``, ``3h05m``, ``2d04h``."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d{hours:02d}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    return f"{minutes}m"
