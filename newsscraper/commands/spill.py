"""``newsscraper spill status|replay``: items kept on disk while the database was down."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("spill", help="inspect or replay items spilled while MongoDB was down")
    p.add_argument("action", choices=("status", "replay"))
    p.add_argument("--data-dir", default=os.environ.get("NEWSSCRAPER_DATA_DIR", "var"))
    p.add_argument("--database", default=os.environ.get("MONGO_DATABASE", "newsscraper"))
    p.set_defaults(func=run)


def run(args) -> int:
    from newsscraper.storage.spill import SpillFile

    spill = SpillFile(Path(args.data_dir) / "spill")
    files = spill.pending()
    if args.action == "status":
        total = sum(len(SpillFile.read(f)) for f in files)
        print(f"{len(files)} spill file(s), {total} item(s) waiting in {spill.directory}")
        return 0
    return asyncio.run(_replay(files, args.database))


async def _replay(files: list[Path], database: str) -> int:
    from newsscraper.storage.mongo import ArticleStore
    from newsscraper.storage.spill import SpillFile
    from newsscraper.storage.uri import mongo_uri, redact

    uri = mongo_uri()
    store = ArticleStore(uri, database)
    try:
        for path in files:
            items = [r["item"] for r in SpillFile.read(path) if r.get("kind") == "article"]
            for i in range(0, len(items), 200):
                await store.write(items[i:i + 200])
            path.unlink()
            print(f"replayed {len(items)} item(s) from {path} into {redact(uri)} {database}")
    finally:
        await store.close()
    return 0
