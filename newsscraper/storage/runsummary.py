"""The last run and the last successful one of a spider, kept in ``crawl_state`` by
``_id`` (``runs:<spider>:last``, ``runs:<spider>:last_success``) beside their records.

``newsscraper health`` reads these two documents instead of ``runs``: FerretDB evaluates
every filter and sort but ``{_id: X}`` over the whole collection, and a year of runs
(17,520 records, one every 30 minutes) took it 17 s to read. The last one also keeps the
newest ``published_at`` a run has stored and when a run last held a revision back
(``$max`` both; ``held``/``held_run``: how many, which run), so that the probe reads
neither ``articles`` nor ``article_versions``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

# a published_at further ahead than this is a bad date; it must not mask a stale archive
FUTURE_SLACK = timedelta(days=1)

# what the store did with a run's articles, by outcome: the stat that counts each. The
# run record's ``counts`` and the ``newsscraper_articles{outcome}`` metric both read it
ARTICLE_OUTCOMES = {"new": "mongo/new", "updated": "mongo/updated", "moved": "mongo/moved",
                    "unchanged": "mongo/unchanged", "held": "store/revision_held",
                    "removed": "removed/marked"}


def last_key(spider: str) -> str:
    return f"runs:{spider}:last"


def success_key(spider: str) -> str:
    return f"runs:{spider}:last_success"


def summary_updates(spider: str, run_id: str, fields: dict[str, Any],
                    newest_published: datetime | None = None) -> list[tuple[str, dict]]:
    """``(_id, update)`` of the documents a run's closing ``fields`` change; none for a
    skipped run, which did not run."""
    status = fields.get("status")
    if status in (None, "skipped", "running"):
        return []
    summary = {"run_id": run_id, "status": status, "exit_status": fields.get("exit_status"),
               "ended_at": fields.get("ended_at"), "error": fields.get("error"),
               "monitors": {"failed": list((fields.get("monitors") or {}).get("failed") or [])}}
    last: dict[str, Any] = {"$set": summary}
    latest: dict[str, Any] = {}
    if newest_published is not None:
        if newest_published.tzinfo is None:
            newest_published = newest_published.replace(tzinfo=timezone.utc)
        if newest_published <= datetime.now(timezone.utc) + FUTURE_SLACK:
            latest["newest_published_at"] = newest_published
    # the run record sets its counts field by field (counts.held) or as one document
    held = (fields.get("counts") or {}).get("held") or fields.get("counts.held") or 0
    if held and isinstance(fields.get("ended_at"), datetime):
        latest["held_at"] = fields["ended_at"]  # the last run that held a revision back
        summary.update(held_run=run_id, held=held)
    if latest:
        last["$max"] = latest
    out = [(last_key(spider), last)]
    if status == "finished":
        out.append((success_key(spider), {"$set": summary}))
    return out
