"""``newsscraper spill status|replay``: items kept on disk while the database was down."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("spill", help="inspect or replay items spilled while MongoDB was down")
    p.add_argument("action", choices=("status", "replay"))
    p.add_argument("--data-dir", default=os.environ.get("NEWSSCRAPER_DATA_DIR", "var"))
    p.add_argument("--database", default=None,
                   help="default: MONGO_DATABASE (setting or environment), as the crawl uses")
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


async def _replay(files: list[Path], database: str | None) -> int:
    from scrapy.utils.project import get_project_settings

    from newsscraper.storage.mongo import ArticleStore
    from newsscraper.storage.uri import mongo_database, mongo_uri, redact

    settings = get_project_settings()  # the crawl's database and collection names
    if database:
        settings.set("MONGO_DATABASE", database, priority="cmdline")
    database = mongo_database(settings)
    uri = mongo_uri(settings)
    store = ArticleStore.from_settings(settings, uri)
    try:
        for path in files:
            result, runs = await store.replay(path, settings.getint("STORE_BATCH_SIZE", 200))
            path.unlink()
            print(f"replayed {path} into {redact(uri)} {database}: {result.new} new, "
                  f"{result.updated} updated, {result.unchanged} unchanged, {runs} run record(s)")
    finally:
        await store.close()
    return 0
