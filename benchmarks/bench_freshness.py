"""Freshness: how long after its publication an article is stored, when
``deploy/run-crawl.sh`` runs on a schedule against a replica that keeps publishing.

The replica publishes a new article every ``--publish-every`` seconds (listings, RSS,
news sitemap); the scheduler here starts ``deploy/run-crawl.sh`` (in an install of the
project, settings from its ``.env``) every ``--interval`` seconds, as cron would, for
``--runs`` runs. Each article's delay is ``first_seen_at`` (when the store took it)
minus its publication time. Every article published before the last run started should
be stored within one interval plus one run's duration.

    .venv/bin/python -m benchmarks.bench_freshness [--interval 10] [--publish-every 3]
        [--runs 6] [--articles 60] [--seed 3] [--smoke] [--json]

Uses MONGO_URI when set, else starts a FerretDB of its own in a temporary directory.
The last line is JSON.
"""

from __future__ import annotations

import inspect
import statistics
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pymongo import MongoClient

from benchmarks import common
from benchmarks.common import database
from newsscraper.profiles import REPLICA, as_args
from newsscraper.replica import ReplicaServer, generate_site
from tests.deploy.layout import install


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


def bench(args) -> dict:
    import tempfile

    if not can_publish():
        raise SystemExit("this replica cannot publish on a timer (--publish-every)")
    with database("freshness") as server, tempfile.TemporaryDirectory() as tmp:
        result = measure(server.uri, Path(tmp), interval=args.interval,
                         publish_every=args.publish_every, runs=args.runs,
                         articles=args.articles, seed=args.seed)
    print(result.report())
    delays = result.stored_delays
    return {"interval": args.interval, "publish_every": args.publish_every,
            "runs": len(result.runs), "statuses": sorted({r.status for r in result.runs}),
            "published": len(result.delays), "stored": len(delays),
            "median_delay_seconds": round(statistics.median(delays), 1) if delays else None,
            "max_delay_seconds": round(max(delays), 1) if delays else None,
            "bound_seconds": round(args.interval + result.longest_run, 1)}


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__)
    common.option(ap, "--interval", 10.0, 5.0, "seconds between runs", float)
    common.option(ap, "--publish-every", 3.0, 2.0, "seconds between publications", float)
    common.option(ap, "--runs", 6, 2, "scheduled runs")
    common.articles(ap, 60, 60, "replica articles before the first publication")
    common.seed(ap, 3)
    common.run(ap, bench, argv)


if __name__ == "__main__":
    main()
