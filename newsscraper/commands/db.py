"""``newsscraper db start|stop|status``: manage the embedded local FerretDB."""

from __future__ import annotations

import os
import sys

from newsscraper.outcome import EXIT_FAILED, EXIT_OK
from newsscraper.storage.ferretdb import DatabaseError, LocalDatabase, install_ferretdb, ping
from newsscraper.storage.uri import redact

# the verb answers as an init script does (LSB): `status` 3 when the server does not run
# or answer (as every verb that cannot reach its database); 1, LSB's generic error, when
# start, stop or install fails (the port taken) or `status` cannot tell (a bad
# NEWSSCRAPER_DB_PORT): the README's and tests/storage/test_local_database.py's 1
NOT_RUNNING = EXIT_FAILED
DB_ERROR = 1


def add_parser(sub) -> None:
    p = sub.add_parser("db", help="start, stop or inspect the local FerretDB")
    p.add_argument("action", choices=("start", "stop", "status", "install"))
    p.set_defaults(func=run)


def run(args) -> int:
    external = os.environ.get("MONGO_URI")
    if external and args.action == "status":
        up = ping(external, timeout_ms=3000)
        print(f"MONGO_URI is set: {redact(external)} "
              f"{'answers ping' if up else 'does not answer ping'}")
        if up:
            print(id_index_report(external))
        return EXIT_OK if up else NOT_RUNNING
    if external and args.action != "install":
        print(f"MONGO_URI is set ({redact(external)}): using that server, nothing to {args.action}")
        return EXIT_OK
    try:
        db = LocalDatabase.from_env()
        if args.action == "install":
            print(install_ferretdb(log=lambda m: print(m, file=sys.stderr)))
            return EXIT_OK
        if args.action == "start":
            print(db.start(log=lambda m: print(m, file=sys.stderr)))
            return EXIT_OK
        if args.action == "stop":
            print(db.stop())
            return EXIT_OK
        ok, message = db.status()
        print(message)
        if ok:
            print(id_index_report(db.uri))
        return EXIT_OK if ok else NOT_RUNNING
    except (DatabaseError, OSError) as exc:
        print(f"newsscraper db {args.action}: {exc}", file=sys.stderr)
        return DB_ERROR


def id_index_report(uri: str) -> str:
    """One line on how the server finds a document by ``_id`` in the crawl's database:
    the ``explain`` of an ``_id`` lookup on ``articles`` (or on a scratch collection,
    dropped again, while there are no articles yet)."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from newsscraper.commands.reader import crawl_settings
    from newsscraper.storage.database import plan_scans
    from newsscraper.storage.uri import client_options, mongo_database

    settings = crawl_settings()
    client: MongoClient = MongoClient(uri, **client_options(settings))
    try:
        db = client[mongo_database(settings)]
        name = settings.get("MONGO_ARTICLES_COLLECTION")
        scratch = name not in db.list_collection_names()
        if scratch:
            name = "_newsscraper_probe"
            db[name].insert_one({"_id": "probe:1"})
        try:
            scans = plan_scans(db.command("explain", {"find": name,
                                                      "filter": {"_id": "probe:0"}}))
        finally:
            if scratch:
                db.drop_collection(name)
    except PyMongoError as exc:
        return f"_id lookups: not checked ({type(exc).__name__})"
    finally:
        client.close()
    if scans:
        return ("WARNING: _id lookups scan the whole collection (explain says SCAN): an "
                "unpatched FerretDB? `newsscraper db install`, then restart it "
                "(docs/storage.md)")
    return "_id lookups: served by an index" if scans is False else \
        "_id lookups: plan not recognised"
