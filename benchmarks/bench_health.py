"""``newsscraper health`` against a big database: its wall time as a child process and
FerretDB's resident memory, beside the query it avoids (a sort of every article by
``published_at`` for the newest one), in one run against the same server.

    .venv/bin/python -m benchmarks.bench_health [--sizes 10000,50000]

The articles are bench_export's copies of a85152 (about 5 kB each) with ``published_at``
spread over the last 400 days, the newest an hour ago; ``runs`` holds a year of records
(17,520: one every 30 minutes), ``article_versions`` a fifth as many revisions, none
held. health is timed twice: without the runs' summaries in crawl_state (a database no
run of this version has closed: it reads runs and articles) and with them. Uses
MONGO_URI when set, else a FerretDB of its own in a temporary directory (its memory is
then read from /proc).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.bench_export import fill

RUNS = 17_520


class PeakRss:
    """Polls a process's VmRSS every 20 ms while in the block: the peak, in MB."""

    def __init__(self, pid: int | None) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def _poll(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb(self.pid))

    def __enter__(self) -> PeakRss:
        if self.pid is not None:
            self.thread = threading.Thread(target=self._poll, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.pid is not None:
            self.thread.join()


def rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def spread_dates(db, size: int, now: datetime) -> None:
    """``published_at`` over the last 400 days, the newest (the last id) an hour ago."""
    from pymongo import UpdateOne

    ops = [UpdateOne({"_id": f"moscowtimes:{1_000_000 + n}"},
                     {"$set": {"published_at": now - timedelta(hours=1) -
                               timedelta(days=400) * (size - 1 - n) / size}})
           for n in range(size)]
    for start in range(0, len(ops), 20):  # FerretDB: at most 20 statements per command
        db.articles.bulk_write(ops[start:start + 20], ordered=False)


def fill_runs(db, now: datetime) -> None:
    if db.runs.estimated_document_count():
        return
    docs = [{"_id": f"run{n}", "status": "finished", "exit_status": 0,
             "started_at": now - timedelta(minutes=30 * n + 3),
             "ended_at": now - timedelta(minutes=30 * n),
             "counts": {"new": 3, "updated": 1, "unchanged": 200, "errors": 0},
             "monitors": {"passed": ["finish reason", "articles stored"], "failed": []}}
            for n in range(RUNS)]
    db.runs.insert_many(docs, ordered=False)


def fill_versions(db, upto: int, template: dict) -> None:
    """Earlier revisions, a fifth as many as articles, none held: the held check's pass."""
    have = db.article_versions.estimated_document_count()
    for start in range(have, upto, 2000):
        db.article_versions.insert_many(
            [{**template, "_id": f"moscowtimes:{1_000_000 + n}:v1",
              "article": f"moscowtimes:{1_000_000 + n}", "version": 1}
             for n in range(start, min(start + 2000, upto))], ordered=False)


def summarise(db, now: datetime) -> None:
    """What the newest run's close leaves in crawl_state (storage/runsummary.py)."""
    from newsscraper.storage.runsummary import summary_updates

    for key, update in summary_updates("moscowtimes", "run0", {
            "status": "finished", "exit_status": 0, "ended_at": now},
            now - timedelta(hours=1)):
        db.crawl_state.update_one({"_id": key}, update, upsert=True)


def probe(uri: str, database: str) -> tuple[int, float]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "newsscraper.cli", "health", "--database",
                           database, "--timeout", "300s"],
                          env=dict(os.environ, MONGO_URI=uri), capture_output=True, text=True)
    return proc.returncode, time.perf_counter() - t


def main() -> None:
    from pymongo import MongoClient

    from newsscraper.items import to_document
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article
    from newsscraper.storage.articles import article_doc
    from newsscraper.storage.ferretdb import LocalDatabase, free_port

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,50000")
    args = ap.parse_args()
    model = generate_site(10, seed=1)
    site = render_site(model)
    path = model.by_id[85152].path
    template = article_doc(to_document(parse_article(site.get(path).body, site.base_url + path)))
    uri, server, pid = os.environ.get("MONGO_URI"), None, None
    with tempfile.TemporaryDirectory() as tmp:
        if not uri:
            server = LocalDatabase(data_dir=Path(tmp), port=free_port())
            server.start(log=lambda _m: None)
            uri, pid = server.uri, server.pid()
        client: MongoClient = MongoClient(uri, tz_aware=True)
        database = f"bench_health_{os.getpid()}"
        db = client[database]
        now = datetime.now(timezone.utc)
        try:
            fill_runs(db, now)
            for size in sorted(int(s) for s in args.sizes.split(",")):
                fill(db, size, template)
                spread_dates(db, size, now)
                fill_versions(db, size // 5, template)
                db.crawl_state.delete_many({"_id": {"$in": ["runs:moscowtimes:last",
                                                            "runs:moscowtimes:last_success"]}})
                _, older = probe(uri, database)  # a database no run of this version closed
                summarise(db, now)
                base = rss_mb(pid)
                with PeakRss(pid) as ours:
                    status, seconds = probe(uri, database)
                t = time.perf_counter()
                with PeakRss(pid) as naive:
                    list(db.articles.find({}, {"published_at": 1})
                         .sort("published_at", -1).limit(1))
                sort_seconds = time.perf_counter() - t
                print(f"{size:>7} articles, {size // 5:,} versions, {RUNS:,} runs: health "
                      f"{seconds:.2f} s (exit {status}; {older:.2f} s reading runs and "
                      f"articles instead of the summaries), FerretDB peak {ours.peak:.0f} MB "
                      f"(idle {base:.0f}); "
                      f"sort of all articles for the newest {sort_seconds:.2f} s, FerretDB "
                      f"peak {naive.peak:.0f} MB", flush=True)
        finally:
            client.drop_database(database)
            client.close()
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
