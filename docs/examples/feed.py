"""The changes feed, read in Python (docs/consumers.md): every article new, revised,
moved or removed since the last poll, exactly once, oldest change first.

    python docs/examples/feed.py --uri mongodb://127.0.0.1:27017/ --database newsscraper \
        --bookmark var/feed.bookmark [--lag 300] [--follow 60]

Prints one JSON line per change (``_id``, ``version``, ``changed_at``, ``gone_at``,
``title``, ``url``); replace :func:`handle` with what your copy does. The bookmark file
holds the upper bound of the last poll (ISO 8601, UTC); it is written after a poll's
changes are handled, so a reader killed mid-poll reads that poll again (handle must be
idempotent: upsert by ``_id``). Needs only pymongo.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pymongo import ASCENDING, MongoClient

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def load_bookmark(path: Path) -> datetime:
    if not path.exists():
        return EPOCH
    return datetime.fromisoformat(path.read_text().strip().replace("Z", "+00:00"))


def save_bookmark(path: Path, when: datetime) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") + "\n")
    os.replace(part, path)  # a crash leaves the old bookmark, never half a new one


def handle(doc: dict) -> None:
    """One change: new (version 1), revised (version > 1), moved (URLs on a new origin),
    or removed (``gone_at`` set). Here: a JSON line on stdout."""
    print(json.dumps({"_id": doc["_id"], "version": doc.get("version"),
                      "changed_at": doc["changed_at"].isoformat(),
                      "gone_at": doc["gone_at"].isoformat() if doc.get("gone_at") else None,
                      "title": doc.get("title"), "url": doc.get("url")}, ensure_ascii=False))


def poll(articles, bookmark: Path, lag: timedelta) -> int:
    """One poll: the changes after the bookmark, up to now less the lag; returns how many."""
    last = load_bookmark(bookmark)
    upto = datetime.now(timezone.utc) - lag
    if upto <= last:
        return 0
    count = 0
    for doc in articles.find({"changed_at": {"$gt": last, "$lte": upto}}).sort(
            [("changed_at", ASCENDING), ("_id", ASCENDING)]):
        handle(doc)
        count += 1
    sys.stdout.flush()
    save_bookmark(bookmark, upto)  # the bound, not the newest changed_at seen
    return count


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--uri", default=os.environ.get("MONGO_URI", "mongodb://127.0.0.1:27017/"))
    p.add_argument("--database", default=os.environ.get("MONGO_DATABASE", "newsscraper"))
    p.add_argument("--bookmark", type=Path, required=True)
    p.add_argument("--lag", type=float, default=300, help="seconds (300)")
    p.add_argument("--follow", type=float, metavar="SECONDS",
                   help="poll again every SECONDS until interrupted")
    args = p.parse_args(argv)
    client: MongoClient = MongoClient(args.uri, tz_aware=True, serverSelectionTimeoutMS=10000)
    articles = client[args.database]["articles"]
    try:
        while True:
            n = poll(articles, args.bookmark, timedelta(seconds=args.lag))
            print(f"feed: {n} change(s)", file=sys.stderr)
            if args.follow is None:
                return 0
            time.sleep(args.follow)
    except KeyboardInterrupt:
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
