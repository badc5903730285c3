"""``newsscraper spill status|list|replay``: items kept on disk while the database was down."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from newsscraper.outcome import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def add_parser(sub) -> None:
    p = sub.add_parser("spill", help="inspect or replay items spilled while MongoDB was down")
    p.add_argument("action", choices=("status", "list", "replay"))
    p.add_argument("--data-dir", default=None,
                   help="default: NEWSSCRAPER_DATA_DIR (setting or environment), as the "
                        "crawl uses")
    p.add_argument("--database", default=None,
                   help="default: MONGO_DATABASE (setting or environment), as the crawl uses")
    p.add_argument("--include-untargeted", action="store_true",
                   help="replay also spill files that name no database (written by an "
                        "older version) into this database")
    p.set_defaults(func=run)


def run(args) -> int:
    from newsscraper.commands.reader import crawl_settings
    from newsscraper.storage.paths import data_dir, spill_target
    from newsscraper.storage.spill import SpillFile, SpillUnreadable, describe, target_of

    if args.data_dir is not None and not Path(args.data_dir).is_dir():
        print(f"newsscraper spill {args.action}: --data-dir {args.data_dir}: no such "
              f"directory", file=sys.stderr)
        return EXIT_USAGE
    # the crawl's database, data dir and collections
    settings = crawl_settings()
    if args.database:
        settings.set("MONGO_DATABASE", args.database, priority="cmdline")
    if args.data_dir:
        settings.set("NEWSSCRAPER_DATA_DIR", args.data_dir, priority="cmdline")
    spill = SpillFile(Path(data_dir(settings)) / "spill", spill_target(settings))
    files = spill.pending()
    if args.action == "status":
        total, unreadable = 0, 0
        for path in files:
            try:
                total += len(SpillFile.read(path))
            except SpillUnreadable:
                unreadable += 1
        print(f"{len(files)} spill file(s), {total} record(s) waiting in {spill.directory}"
              + (f", {unreadable} file(s) unreadable" if unreadable else ""))
        return EXIT_OK
    if args.action == "list":
        for path in files:
            print(describe(path))
        if not files:
            print(f"no spill files in {spill.directory}")
        return EXIT_OK
    own, others = spill.mine()
    if args.include_untargeted:
        own += [p for p in others if target_of(p) is None]
    for path in others:
        if path not in own:
            print(f"kept, not for this database: {describe(path)}")
    return asyncio.run(_replay(sorted(own), settings))


async def _replay(files: list[Path], settings) -> int:
    from pymongo.errors import PyMongoError

    from newsscraper.storage.mongo import ArticleStore
    from newsscraper.storage.spill import SpillUnreadable, quarantine
    from newsscraper.storage.uri import mongo_database, mongo_uri, redact

    database = mongo_database(settings)
    uri = mongo_uri(settings)
    store = ArticleStore.from_settings(settings, uri)
    status = EXIT_OK
    try:
        for path in files:
            try:
                result, runs = await store.replay(path, settings.getint("STORE_BATCH_SIZE"))
            except SpillUnreadable as exc:
                print(f"newsscraper spill replay: {exc}; kept as {quarantine(path)}",
                      file=sys.stderr)
                status = EXIT_USAGE  # the README's 2: not UTF-8, put aside
                continue
            except PyMongoError as exc:
                print(f"newsscraper spill replay: {redact(uri)} failed "
                      f"({type(exc).__name__}); {path} and the rest kept", file=sys.stderr)
                return EXIT_FAILED
            path.unlink()
            print(f"replayed {path} into {redact(uri)} {database}: {result.new} new, "
                  f"{result.updated} updated, {result.unchanged} unchanged, {result.held} "
                  f"held, {runs} run record(s)")
    finally:
        await store.close()
    return status
