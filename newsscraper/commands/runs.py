"""``newsscraper runs [--last N]``: the crawl run records as a table, newest last."""

from __future__ import annotations

import argparse
from typing import Any

from newsscraper.consumers.database import (
    ReadFailed,
    add_database_argument,
    fail,
    open_database,
    stamp,
)

COLUMNS = ("start (UTC)", "status", "duration", "new", "updated", "unchanged", "errors")


def add_parser(sub) -> None:
    p = sub.add_parser("runs", help="print the crawl run records as a table")
    p.add_argument("--last", type=positive, default=20, metavar="N",
                   help="the N most recent runs (20)")
    add_database_argument(p)
    p.set_defaults(func=run)


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number: {text!r}")
    return value


def run(args) -> int:
    from pymongo import DESCENDING
    from pymongo.errors import PyMongoError

    try:
        client, db, _uri = open_database(args.database)
    except ReadFailed as exc:
        return fail("newsscraper runs", exc)
    try:
        records = list(db.runs.find().sort("started_at", DESCENDING).limit(args.last))
    except PyMongoError as exc:
        return fail("newsscraper runs", ReadFailed(f"reading runs failed ({type(exc).__name__})"))
    finally:
        client.close()
    if not records:
        print(f"no run recorded in {db.name}")
        return 0
    print(table(list(reversed(records))))
    return 0


def table(records: list[dict[str, Any]]) -> str:
    """Aligned columns; a ``monitors`` column only when some record has monitor results."""
    with_monitors = any("monitors" in r for r in records)
    head = list(COLUMNS) + (["monitors"] if with_monitors else [])
    rows = [head]
    for r in records:
        counts = r.get("counts") or {}
        row = [stamp(r.get("started_at")), str(r.get("status") or "-"),
               duration(r.get("duration_seconds")),
               *(str(counts.get(k, "-")) for k in ("new", "updated", "unchanged", "errors"))]
        if with_monitors:
            row.append(monitors(r.get("monitors")))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    numeric = {3, 4, 5, 6}
    lines = []
    for row in rows:
        cells = zip(row, widths, strict=True)
        lines.append("  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                               for i, (cell, w) in enumerate(cells)).rstrip())
    return "\n".join(lines)


def duration(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def monitors(value: Any) -> str:
    """A run's monitor results, whatever their shape: ``ok`` or what failed."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        if isinstance(value.get("failed"), (int, list)):
            failed = value["failed"]
            count = failed if isinstance(failed, int) else len(failed)
            names = "" if isinstance(failed, int) else ": " + ", ".join(map(str, failed))
            return "ok" if not count else f"{count} failed{names}"
        bad = [k for k, v in value.items() if v not in (True, "ok", "passed", "success")]
        return "ok" if not bad else f"{len(bad)} failed: {', '.join(bad)}"
    if isinstance(value, list):
        return f"{len(value)} failed: {', '.join(map(str, value))}" if value else "ok"
    return str(value)
