"""``newsscraper runs [--last N]``: the crawl runs as a table, newest last; the workers
of one scaled-out run (records sharing a ``run_id``) are one row."""

from __future__ import annotations

import argparse
from typing import Any

from newsscraper.commands.reader import (
    ReadFailed,
    add_database_argument,
    fail,
    open_database,
    stamp,
)
from newsscraper.outcome import EXIT_OK

COLUMNS = ("start (UTC)", "status", "exit", "duration", "workers", "new", "updated",
           "moved", "unchanged", "removed", "held", "requests", "errors")
COUNTS = ("new", "updated", "moved", "unchanged", "removed", "held", "requests", "errors")
NUMERIC = {2, 4, 5, 6, 7, 8, 9, 10, 11, 12}


def add_parser(sub) -> None:
    p = sub.add_parser("runs", help="print the crawl run records as a table")
    p.add_argument("--last", type=positive, default=20, metavar="N",
                   help="the N most recent runs (20), a scaled-out run's workers counting as "
                        "one")
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
        records = newest_runs(db.runs.find().sort("started_at", DESCENDING), args.last)
    except PyMongoError as exc:
        return fail("newsscraper runs", ReadFailed(f"reading runs failed ({type(exc).__name__})"))
    finally:
        client.close()
    if not records:
        print(f"no run recorded in {db.name}")
        return EXIT_OK
    print(table(list(reversed(records))))
    return EXIT_OK


def newest_runs(cursor, last: int) -> list[dict[str, Any]]:
    """The ``last`` newest runs from records newest first, each scaled-out run's worker
    records merged (:func:`merge`). Runs never overlap (the lease), so one run's records
    come one after another."""
    groups: list[list[dict[str, Any]]] = []
    for record in cursor:
        key = record.get("run_id") or record.get("_id")
        if groups and (groups[-1][0].get("run_id") or groups[-1][0].get("_id")) == key:
            groups[-1].append(record)
        elif len(groups) == last:
            break
        else:
            groups.append([record])
    return [merge(g) for g in groups]


def merge(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One row of a run's records: from the first start to the last end, the worst exit
    status (and its status; ``running`` while any worker runs), counts summed, monitors
    of every worker."""
    if len(records) == 1:
        return {**records[0], "workers": 1}
    worst = max(records, key=_exit)
    statuses = {r.get("status") for r in records}
    starts = [r["started_at"] for r in records if r.get("started_at")]
    ends = [r["ended_at"] for r in records if r.get("ended_at")]
    counts: dict[str, Any] = {}
    for r in records:
        for k, v in (r.get("counts") or {}).items():
            if isinstance(v, int):
                counts[k] = counts.get(k, 0) + v
    out: dict[str, Any] = {"started_at": min(starts) if starts else None,
                           "status": "running", "counts": counts, "workers": len(records)}
    if "running" not in statuses:
        out.update(status=worst.get("status"), exit_status=worst.get("exit_status"))
        if starts and ends:
            out["duration_seconds"] = (max(ends) - min(starts)).total_seconds()
    monitors = [r["monitors"] for r in records if "monitors" in r]
    if monitors:
        out["monitors"] = {"failed": sorted({str(f) for m in monitors if isinstance(m, dict)
                                             for f in m.get("failed") or []})}
    return out


def table(records: list[dict[str, Any]]) -> str:
    """Aligned columns; a ``monitors`` column only when some record has monitor results."""
    with_monitors = any("monitors" in r for r in records)
    head = list(COLUMNS) + (["monitors"] if with_monitors else [])
    rows = [head]
    for r in records:
        counts = r.get("counts")
        row = [stamp(r.get("started_at")), str(r.get("status") or "-"),
               str(r.get("exit_status", "-")), duration(r.get("duration_seconds")),
               str(r.get("workers", 1)), *(count(counts, k) for k in COUNTS)]
        if with_monitors:
            row.append(monitors(r.get("monitors")))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for row in rows:
        cells = zip(row, widths, strict=True)
        lines.append("  ".join(cell.rjust(w) if i in NUMERIC else cell.ljust(w)
                               for i, (cell, w) in enumerate(cells)).rstrip())
    return "\n".join(lines)


def _exit(record: dict[str, Any]) -> int:
    value = record.get("exit_status")
    return value if isinstance(value, int) else -1


def count(counts: Any, name: str) -> str:
    """A run's count; ``-`` for a record without counts (rejected, skipped, running) and
    for a count older records do not have, except ``removed``, kept only when non-zero."""
    if not isinstance(counts, dict):
        return "-"
    if name == "removed" and "removed" not in counts:
        return "0"
    return str(counts.get(name, "-"))


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
