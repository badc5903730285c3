"""``newsscraper report`` at archive scale: the time to build the status page over N
stored articles and a month of run records (target: <= 10 s at 100,000).

    .venv/bin/python -m benchmarks.bench_report [--articles 100000] [--days 30] [--seed 1]
        [--smoke] [--json]

The articles are copies of the real a85152 as the store keeps it (about 5 kB each:
FerretDB reads the whole document whatever the projection) under distinct ids, spread
over the archive since 2008 (denser lately), across the sections and types, with a
share of partial parses, removed articles, held and superseded revisions; the runs are
one every 30 minutes over ``--days`` with their counts, failure counters and some failed
monitors; ``crawl_state`` holds each month's sitemap listing and state, a few months
missing articles. All inserted directly. The report is then built by the command itself
(a child process, imports included), and once more in this process to split the time
between reading and drawing. Uses MONGO_URI when set, else starts a FerretDB of its
own. The last line is JSON.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks import common
from benchmarks.common import cpu_seconds as server_cpu
from benchmarks.common import database, template_doc

CHUNK = 500
FIRST_ID = 1_000_000
SECTIONS = (("News", "default", 50), ("Ukraine War", "default", 14), ("Business", "default", 9),
            ("Opinion", "opinion", 9), ("Arts and Life", "gallery", 5), ("Climate", "default", 3),
            ("Meanwhile", "video", 3), ("Diaspora", "default", 2), ("Features", "podcast", 2),
            ("TMT Lecture Series", "live", 1), ("News", "live", 2))
MONITORS = ("StoredShareMonitor", "FieldCoverageMonitor", "PartialShareMonitor")


def fill(db, articles: int, now: datetime, days: int = 30, seed: int = 1,
         template: dict | None = None) -> None:
    """``articles`` stored articles, their month listings and states, held and older
    revisions, and a run every 30 minutes over ``days`` (see the module docstring)."""
    rng = random.Random(seed)
    template = template or template_doc()
    first_run = now - timedelta(days=days)
    archive_start = datetime(2008, 1, 1, tzinfo=timezone.utc)
    listings: dict[str, list[int]] = {}
    versions: list[dict] = []
    docs: list[dict] = []
    weights = [w for *_, w in SECTIONS]
    for n in range(articles):
        aid = FIRST_ID + n
        # a fifth of the archive in the window, the rest back to 2008
        recent = rng.random() < 0.2
        span = (now - timedelta(hours=2) - first_run) if recent else \
            (first_run - archive_start)
        published = (first_run if recent else archive_start) + span * rng.random()
        published = published.replace(microsecond=0)
        stored = published + timedelta(minutes=rng.expovariate(1 / 20)) if recent else \
            first_run + timedelta(hours=rng.random() * 6)
        section, kind, _ = rng.choices(SECTIONS, weights)[0]
        redesigned = stored > now - timedelta(days=4)  # a redesign: partial parses step up
        partial = rng.random() < (0.15 if redesigned else 0.01)
        gone = stored + timedelta(days=rng.random() * 3) if rng.random() < 0.005 else None
        moscow = published + timedelta(hours=3)
        url = f"https://www.themoscowtimes.com/{moscow:%Y/%m/%d}/article-a{aid}"
        doc = {**template, "_id": f"moscowtimes:{aid}", "article_id": aid, "url": url,
               "published_at": published, "section": section, "type": kind,
               "partial": partial, "parse_errors": ["missing_tags"] if partial else [],
               "first_seen_at": stored, "last_seen_at": stored,
               "changed_at": min(gone or stored, now), "version": 1, "schema_version": 1}
        if gone is not None and gone < now:
            doc["gone_at"] = gone
        else:
            listings.setdefault(f"{moscow:%Y-%-m}", []).append(aid)
        if rng.random() < 0.05:  # an earlier revision, superseded
            versions.append({**doc, "_id": f"{doc['_id']}:v1", "article": doc["_id"],
                             "superseded_at": stored, "superseded_by": "0" * 64})
            doc["version"] = 2
        if rng.random() < 0.003:  # a revision held back
            versions.append({**doc, "_id": f"{doc['_id']}:held:{n:016x}", "held": True,
                             "held_reason": "partial_parse", "article": doc["_id"],
                             "held_at": now - timedelta(days=rng.random() * days)})
        docs.append(doc)
        if len(docs) == CHUNK:
            db.articles.insert_many(docs, ordered=False)
            docs = []
    if docs:
        db.articles.insert_many(docs, ordered=False)
    log(f"{articles} articles stored")
    for i in range(0, len(versions), CHUNK):
        db.article_versions.insert_many(versions[i:i + CHUNK], ordered=False)
    log(f"{len(versions)} earlier and held revisions stored")
    state_docs(db, listings, rng, now)
    runs = run_docs(rng, now, days)
    for i in range(0, len(runs), CHUNK):
        db.runs.insert_many(runs[i:i + CHUNK], ordered=False)
    log(f"{len(listings)} month listings, {len(runs)} runs stored")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def state_docs(db, listings: dict[str, list[int]], rng: random.Random, now: datetime) -> None:
    """Each month's listing (a twentieth of the months list a few articles never
    stored: the missing ones) and its state (read whole)."""
    out = []
    stamp = now.isoformat()
    unknown = 9_000_000
    for month, ids in listings.items():
        listed = sorted(ids)
        if rng.random() < 0.05:
            extra = rng.randint(1, 6)
            listed += range(unknown, unknown + extra)
            unknown += extra
        out.append({"_id": f"listing:/sitemap/{month}.xml", "value": listed})
        out.append({"_id": f"sitemap:/sitemap/{month}.xml",
                    "value": {"seen": stamp, "full": stamp, "full_at": stamp}})
    for i in range(0, len(out), CHUNK):
        db.crawl_state.insert_many(out[i:i + CHUNK], ordered=False)


def run_docs(rng: random.Random, now: datetime, days: int) -> list[dict]:
    """A run every 30 minutes: mostly finished, some with failed monitors, a few failed
    or skipped; the first one the backfill."""
    out = []
    start = now - timedelta(days=days)
    for n in range(days * 48):
        started = start + timedelta(minutes=30 * n)
        status = rng.choices(("finished", "monitors_failed", "failed", "skipped"),
                             (90, 5, 3, 2))[0]
        code = {"finished": 0, "monitors_failed": 4, "failed": 3, "skipped": 75}[status]
        duration = 3600 * 5 if n == 0 else rng.uniform(40, 240)
        record = {"_id": f"{started:%Y%m%dT%H%M%SZ}-{n:08x}", "run_id": f"run{n}",
                  "spider": "moscowtimes", "started_at": started,
                  "ended_at": started + timedelta(seconds=duration), "status": status,
                  "exit_status": code, "finish_reason": "finished",
                  "duration_seconds": duration}
        if status != "skipped":
            failures = {"spider/http_404": rng.randint(0, 3), "spider/timeout":
                        rng.choice((0, 0, 0, 1, 2)), "spider/http_503": rng.choice((0, 0, 4)),
                        "spider/parser_bug": int(rng.random() < 0.02)}
            record["counts"] = {
                "new": rng.randint(0, 12), "updated": rng.randint(0, 5),
                "unchanged": rng.randint(20, 60), "held": int(rng.random() < 0.05),
                "dropped": {"missing_body": 1} if rng.random() < 0.1 else {},
                "dropped_same_id": rng.randint(0, 3), "spilled": 0,
                "errors": 0, "requests": rng.randint(60, 180), "items": rng.randint(20, 70),
                "failures": [{"stat": k, "count": v} for k, v in failures.items() if v]}
            failed = [rng.choice(MONITORS)] if status == "monitors_failed" else []
            record["monitors"] = {"passed": [m for m in MONITORS if m not in failed],
                                  "failed": failed, "details": {}}
        out.append(record)
    return out


def indexes(uri: str, database: str) -> None:
    """The indexes every crawl creates (the changes feed's ``changed_at``, ``held_at``)."""
    import asyncio

    from newsscraper.storage.mongo import ArticleStore

    async def create() -> None:
        store = ArticleStore(uri, database)
        try:
            await store.articles.ensure_indexes()
        finally:
            await store.close()
    asyncio.run(create())


def crawl_changes(db, count: int, now: datetime) -> None:
    """What a scheduled run changes between two reports: ``count`` articles revised
    (one in ten now partial), one in fifty removed; ``changed_at`` moves for each."""
    from pymongo import UpdateOne

    ops = [UpdateOne({"_id": f"moscowtimes:{FIRST_ID + n * 7}"}, {"$set": {
        "changed_at": now, "partial": n % 10 == 0,
        **({"gone_at": now} if n % 50 == 0 else {})}}) for n in range(count)]
    for i in range(0, len(ops), 20):  # storage.mongo.UPDATE_STATEMENTS
        db.articles.bulk_write(ops[i:i + 20], ordered=False)


def build_in_child(uri: str, database: str, out: Path, days: int,
                   server_pid: int | None, *extra: str) -> tuple[float, float, float]:
    """Wall seconds of ``newsscraper report``, its CPU seconds, and the CPU seconds the
    local FerretDB spent meanwhile (0 for another server): on a shared machine the CPU
    figures say what the build costs, whatever else runs."""
    env = dict(os.environ, MONGO_URI=uri)
    served = server_cpu(server_pid)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "newsscraper.cli", "report", "--out",
                             str(out), "--days", str(days), "--database", database, *extra],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if status:
        raise SystemExit(f"report failed: {proc.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
    return wall, usage.ru_utime + usage.ru_stime, server_cpu(server_pid) - served


def phases(uri: str, database: str, days: int) -> tuple[float, float]:
    """Seconds reading the database and seconds building the page, in this process."""
    from pymongo import MongoClient

    from newsscraper.report import read_snapshot, render

    client: MongoClient = MongoClient(uri, tz_aware=True)
    try:
        t = time.perf_counter()
        snap = read_snapshot(client[database], days)
        read = time.perf_counter() - t
        t = time.perf_counter()
        render(snap, database, Path(os.devnull), timedelta(minutes=30))
        return read, time.perf_counter() - t
    finally:
        client.close()


def bench(args) -> dict:
    from pymongo import MongoClient

    now = datetime.now(timezone.utc).replace(microsecond=0)
    with database("report") as server, tempfile.TemporaryDirectory() as tmp:
        client: MongoClient = MongoClient(server.uri)
        try:
            t = time.perf_counter()
            fill(client[server.name], args.articles, now, args.days, args.seed)
            filled = time.perf_counter() - t
            indexes(server.uri, server.name)
            out = Path(tmp) / "report.html"
            runs = {}
            if args.no_cache_too:
                runs["no_cache"] = build_in_child(server.uri, server.name, out, args.days,
                                                  server.pid, "--no-cache")
            runs["first"] = build_in_child(server.uri, server.name, out, args.days, server.pid)
            crawl_changes(client[server.name], args.changes,
                          datetime.now(timezone.utc).replace(microsecond=0))
            runs["cached"] = build_in_child(server.uri, server.name, out, args.days, server.pid)
            size = out.stat().st_size
            read, draw = phases(server.uri, server.name, args.days)
        finally:
            client.close()
    for name, (seconds, cpu, served) in runs.items():
        print(f"{args.articles:,} articles, {args.days * 48:,} runs: newsscraper report "
              f"({name}) {seconds:.1f} s, CPU {cpu:.1f} s + FerretDB {served:.1f} s")
    print(f"filled in {filled:.0f} s; {args.changes} changed before the cached build; in "
          f"process (cached): reading {read:.1f} s, charts and page {draw:.1f} s; page "
          f"{size / 1024:.0f} kB (target <= 10 s)")
    seconds, cpu, served = runs["cached"]
    return {"articles": args.articles, "runs": args.days * 48,
            "report_seconds": round(seconds, 2), "report_cpu_seconds": round(cpu, 2),
            "ferretdb_cpu_seconds": round(served, 2), "read_seconds": round(read, 2),
            "render_seconds": round(draw, 2), "page_kb": round(size / 1024),
            **{f"{name}_{what}": round(v, 2) for name, r in runs.items()
               for what, v in zip(("seconds", "cpu_seconds", "ferretdb_cpu_seconds"), r,
                                  strict=True)}}


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__)
    common.articles(ap, 100_000, 300, "stored articles")
    common.option(ap, "--days", 30, 2, "days of run records, one every 30 minutes")
    common.option(ap, "--changes", 200, 20,
                  "articles changed between the first report and the cached one")
    ap.add_argument("--no-cache-too", action="store_true",
                    help="also time the report reading every article (--no-cache)")
    common.seed(ap)
    common.run(ap, bench, argv)


if __name__ == "__main__":
    main()
