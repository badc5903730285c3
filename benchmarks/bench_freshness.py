"""Freshness: how long after its publication an article is stored, when
``deploy/run-crawl.sh`` runs on a schedule against a replica that keeps publishing.

The replica publishes a new article every ``--publish-every`` seconds (listings, RSS,
news sitemap); the scheduler here starts ``deploy/run-crawl.sh`` (in an install of the
project, settings from its ``.env``) every ``--interval`` seconds, as cron would, for
``--runs`` runs. Each article's delay is ``first_seen_at`` (when the store took it)
minus its publication time. Every article published before the last run started should
be stored within one interval plus one run's duration.

    .venv/bin/python -m benchmarks.bench_freshness [--interval 10] [--publish-every 3]
        [--runs 6]

Needs ``MONGO_URI`` or the local FerretDB (``newsscraper db start``).
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pymongo import MongoClient

from newsscraper.profiles import REPLICA, as_args
from newsscraper.replica import ReplicaServer, generate_site
from tests.deploy.layout import install

ROOT = Path(__file__).resolve().parents[1]


def can_publish() -> bool:
    """Whether this replica can publish on a timer (``--publish-every``)."""
    return "publish_every" in inspect.signature(ReplicaServer).parameters


@dataclass
class Run:
    started: datetime
    ended: datetime
    status: int

    @property
    def seconds(self) -> float:
        return (self.ended - self.started).total_seconds()


@dataclass
class Freshness:
    interval: float
    publish_every: float
    runs: list[Run] = field(default_factory=list)
    # article id -> seconds from publication to stored (None: not stored)
    delays: dict[int, float | None] = field(default_factory=dict)

    @property
    def stored_delays(self) -> list[float]:
        return [d for d in self.delays.values() if d is not None]

    @property
    def longest_run(self) -> float:
        return max(r.seconds for r in self.runs)

    def report(self) -> str:
        d = self.stored_delays
        return (f"interval {self.interval:.0f} s, a new article every {self.publish_every:.0f} s, "
                f"{len(self.runs)} runs (longest {self.longest_run:.1f} s, statuses "
                f"{sorted({r.status for r in self.runs})}): {len(self.delays)} articles "
                f"published before the last run, {len(d)} stored; publish->stored delay "
                f"median {statistics.median(d):.1f} s, max {max(d):.1f} s "
                f"(bound: interval + longest run = {self.interval + self.longest_run:.1f} s)")


def measure(mongo_uri: str, workdir: Path, *, interval: float = 10, publish_every: float = 3,
            runs: int = 6, articles: int = 60, seed: int = 3) -> Freshness:
    home = install(workdir / "newsscraper")
    database = f"fresh_{uuid.uuid4().hex[:8]}"
    out = Freshness(interval, publish_every)
    site = ReplicaServer(generate_site(articles, seed), publish_every=publish_every).start()
    try:
        crawl_args = " ".join([f"-a base_url={site.base_url}", f"-a static_url={site.static_url}",
                               f"-s MONGO_DATABASE={database}", *as_args(REPLICA)])
        (home / ".env").write_text(f'MONGO_URI="{mongo_uri}"\n'
                                   f'NEWSSCRAPER_CRAWL_ARGS="{crawl_args}"\n')
        first = time.monotonic()
        for k in range(runs):
            time.sleep(max(0.0, first + k * interval - time.monotonic()))
            started = datetime.now(timezone.utc)
            proc = subprocess.run(["/bin/bash", "-c", f"cd {home} && deploy/run-crawl.sh"],
                                  env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
                                  capture_output=True, text=True, timeout=interval * 20)
            out.runs.append(Run(started, datetime.now(timezone.utc), proc.returncode))
        last_start = out.runs[-1].started
        published = [r for r in site.published
                     if datetime.fromisoformat(r["published_at"]) <= last_start]
    finally:
        site.stop()
    client: MongoClient = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000, tz_aware=True)
    try:
        seen = {d["article_id"]: d["first_seen_at"] for d in client[database].articles.find(
            {}, {"article_id": 1, "first_seen_at": 1})}
        client.drop_database(database)
    finally:
        client.close()
    for rec in published:
        stored = seen.get(rec["article_id"])
        when = datetime.fromisoformat(rec["published_at"])
        out.delays[rec["article_id"]] = None if stored is None else \
            (stored - when).total_seconds()
    return out


def main() -> None:
    import os
    import tempfile

    from newsscraper.storage.ferretdb import LocalDatabase

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interval", type=float, default=10)
    parser.add_argument("--publish-every", type=float, default=3)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    if not can_publish():
        raise SystemExit("this replica cannot publish on a timer (--publish-every)")
    uri = os.environ.get("MONGO_URI") or LocalDatabase.from_env().uri
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(uri, Path(tmp), interval=args.interval,
                         publish_every=args.publish_every, runs=args.runs)
    print(result.report())


if __name__ == "__main__":
    main()
