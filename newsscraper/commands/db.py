"""``newsscraper db start|stop|status``: manage the embedded local FerretDB."""

from __future__ import annotations

import os
import sys

from newsscraper.storage.local import DatabaseError, LocalDatabase, install_ferretdb, ping
from newsscraper.storage.uri import redact


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
        return 0 if up else 3
    if external and args.action != "install":
        print(f"MONGO_URI is set ({redact(external)}): using that server, nothing to {args.action}")
        return 0
    try:
        db = LocalDatabase.from_env()
        if args.action == "install":
            print(install_ferretdb(log=lambda m: print(m, file=sys.stderr)))
            return 0
        if args.action == "start":
            print(db.start(log=lambda m: print(m, file=sys.stderr)))
            return 0
        if args.action == "stop":
            print(db.stop())
            return 0
        ok, message = db.status()
        print(message)
        return 0 if ok else 3
    except (DatabaseError, OSError) as exc:
        print(f"newsscraper db {args.action}: {exc}", file=sys.stderr)
        return 1
