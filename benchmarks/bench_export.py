"""``newsscraper export`` memory: peak RSS of the export process over 10,000 and 100,000
stored articles, in one run against the same server (target: flat, <= 1.2x).

    .venv/bin/python -m benchmarks.bench_export [--sizes 10000,100000] [--format jsonl]

The articles are copies of the real a85152 as the store keeps it (about 5 kB each) under
distinct ids, inserted directly. Each export is a child process (``newsscraper export
--out /dev/null``); its peak resident set comes from ``wait4`` (``ru_maxrss``). Uses
MONGO_URI when set, else starts a FerretDB of its own in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

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


def main() -> None:
    from pymongo import MongoClient

    from newsscraper.items import to_document
    from newsscraper.replica import generate_site, render_site
    from newsscraper.sites.moscowtimes import parse_article
    from newsscraper.storage.articles import article_doc
    from newsscraper.storage.ferretdb import LocalDatabase, free_port

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--format", default="jsonl", choices=("jsonl", "csv", "text"))
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    model = generate_site(10, seed=1)
    site = render_site(model)
    path = model.by_id[85152].path
    template = article_doc(to_document(parse_article(site.get(path).body, site.base_url + path)))
    uri = os.environ.get("MONGO_URI")
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        if not uri:
            server = LocalDatabase(data_dir=Path(tmp), port=free_port())
            server.start(log=lambda _m: None)
            uri = server.uri
        client: MongoClient = MongoClient(uri)
        database = f"bench_export_{os.getpid()}"
        try:
            rows = []
            for size in sizes:
                t = time.perf_counter()
                fill(client[database], size, template)
                filled = time.perf_counter() - t
                seconds, rss = export(uri, database, args.format)
                rows.append((size, seconds, rss))
                print(f"{size:>7} articles (filled in {filled:.0f} s): export --format "
                      f"{args.format} {seconds:.1f} s, {size / seconds:.0f} articles/s, "
                      f"peak RSS {rss:.0f} MB", flush=True)
            print(f"peak RSS {rows[-1][0]:,} vs {rows[0][0]:,} articles: "
                  f"{rows[-1][2] / rows[0][2]:.2f}x (target <= 1.2x, flat)")
        finally:
            client.drop_database(database)
            client.close()
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
