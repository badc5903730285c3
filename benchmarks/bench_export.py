"""``newsscraper export`` memory: peak RSS of the export process over 10,000 and 100,000
stored articles, in one run against the same server (target: flat, <= 1.2x).

    .venv/bin/python -m benchmarks.bench_export [--sizes 10000,100000] [--format jsonl]
        [--smoke] [--json]

The articles are copies of the real a85152 as the store keeps it (about 5 kB each) under
distinct ids, inserted directly. Each export is a child process (``newsscraper export
--out /dev/null``); its peak resident set comes from ``wait4`` (``ru_maxrss``). Uses
MONGO_URI when set, else starts a FerretDB of its own in a temporary directory. The last
line is JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timezone

from benchmarks import common
from benchmarks.common import database, template_doc

CHUNK = 2000


def fill(db, upto: int, template: dict) -> None:
    """Top the collection up to ``upto`` documents."""
    have = db.articles.estimated_document_count()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for start in range(have, upto, CHUNK):
        docs = []
        for n in range(start, min(start + CHUNK, upto)):
            aid = 1_000_000 + n
            docs.append({**template, "_id": f"moscowtimes:{aid}", "article_id": aid,
                         "url": template["url"].replace("-a85152", f"-a{aid}"),
                         "first_seen_at": now, "last_seen_at": now, "changed_at": now,
                         "version": 1, "schema_version": 1})
        db.articles.insert_many(docs, ordered=False)


def export(uri: str, database: str, fmt: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one export child process."""
    env = dict(os.environ, MONGO_URI=uri)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "newsscraper.cli", "export", "--format", fmt,
                             "--out", os.devnull, "--database", database], env=env,
                            stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    if status:
        raise SystemExit(f"export failed: {proc.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def bench(args) -> dict:
    from pymongo import MongoClient

    template = template_doc()
    with database("export") as server:
        client: MongoClient = MongoClient(server.uri)
        try:
            rows = []
            for size in args.sizes:
                t = time.perf_counter()
                fill(client[server.name], size, template)
                filled = time.perf_counter() - t
                seconds, rss = export(server.uri, server.name, args.format)
                rows.append((size, seconds, rss))
                print(f"{size:>7} articles (filled in {filled:.0f} s): export --format "
                      f"{args.format} {seconds:.1f} s, {size / seconds:.0f} articles/s, "
                      f"peak RSS {rss:.0f} MB", flush=True)
        finally:
            client.close()
    growth = rows[-1][2] / rows[0][2]
    print(f"peak RSS {rows[-1][0]:,} vs {rows[0][0]:,} articles: {growth:.2f}x "
          "(target <= 1.2x, flat)")
    return {"format": args.format, "seconds": {r[0]: round(r[1], 2) for r in rows},
            "peak_mb": {r[0]: round(r[2], 1) for r in rows}, "growth": round(growth, 3)}


def main(argv: list[str] | None = None) -> None:
    ap = common.parser(__doc__)
    common.sizes(ap, [10_000, 100_000], [50, 100])
    ap.add_argument("--format", default="jsonl", choices=("jsonl", "csv", "text"))
    common.run(ap, bench, argv)


if __name__ == "__main__":
    main()
