"""The few facts at the top of the status report: is the copy being kept?

Computed here from what the report has read already (and the spill directory), in one
small function, so that a ``newsscraper health`` command can share it later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from newsscraper.report.data import utc
from newsscraper.storage.spill import SpillFile

# runs still going or ended badly: the first thing an operator looks at
GOOD_STATUSES = frozenset({"finished", "running"})


@dataclass
class Health:
    last_run_started: datetime | None
    last_run_status: str | None
    last_run_age: timedelta | None
    newest_article: str | None  # _id-less: the article id
    newest_published: datetime | None
    newest_stored: datetime | None
    held_revisions: int
    spill_files: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def health_facts(runs: list[dict[str, Any]], articles: list[dict[str, Any]], held: int,
                 spill_dir: Path, now: datetime, interval: timedelta) -> Health:
    """Last run (its status and age), the newest article stored (by publication time),
    held revisions, pending spill files; ``problems`` names what needs an operator: the
    last run not finished, no run for two schedule intervals, revisions held, files
    waiting to be replayed. ``runs`` oldest first, as :func:`read_snapshot` gives them."""
    last = runs[-1] if runs else None
    started = utc(last.get("started_at")) if last else None
    status = str(last.get("status")) if last else None
    age = now - started if started else None
    newest = max((a for a in articles if utc(a.get("published_at"))),
                 key=lambda a: utc(a["published_at"]), default=None)  # type: ignore[arg-type,return-value]
    spills = [str(p) for p in SpillFile(spill_dir).pending()]
    problems = []
    if last is None:
        problems.append("no run recorded")
    elif status not in GOOD_STATUSES:
        problems.append(f"the last run ended {status}")
    if age is not None and age > 2 * interval:
        problems.append(f"no run for {_span(age)} (schedule: every {_span(interval)})")
    if held:
        problems.append(f"{held} revision(s) held back")
    if spills:
        problems.append(f"{len(spills)} spill file(s) wait for the next run's replay")
    return Health(started, status, age,
                  str(newest.get("article_id")) if newest else None,
                  utc(newest.get("published_at")) if newest else None,
                  utc(newest.get("first_seen_at")) if newest else None,
                  held, spills, problems)


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} days"
