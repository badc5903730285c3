"""``newsscraper report``: the status of the copy as one self-contained HTML page.

:func:`build_report` reads the database (each collection once, the articles through a
cache kept from the changes feed: :mod:`.data`, :mod:`.cache`), works out the health
facts (:mod:`.health`), and lays out the page (:mod:`.page`) with its charts
(:mod:`.charts`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from newsscraper.report import page
from newsscraper.report.data import (
    Snapshot,
    archive_figures,
    content_figures,
    failure_figures,
    freshness_figures,
    read_snapshot,
    run_figures,
)
from newsscraper.report.health import Health, health_facts

__all__ = ["Health", "Snapshot", "build_report", "health_facts", "read_snapshot",
           "render"]


def build_report(db, spill_dir: Path, days: int = 30, interval: timedelta = timedelta(
        minutes=30), now: datetime | None = None, cached: bool = True) -> str:
    """The page for database ``db`` (a pymongo ``Database``); ``cached``: the articles
    through the report's cache (:mod:`.cache`), else read whole."""
    return render(read_snapshot(db, days, now, cached), db.name, spill_dir, interval)


def render(snap: Snapshot, name: str, spill_dir: Path, interval: timedelta) -> str:
    health = health_facts(snap.runs, snap.articles, len(snap.held), spill_dir, snap.now,
                          interval)
    return page.page(
        f"newsscraper status: {name}",
        f"built {page.when(snap.now)} from database {name}: {len(snap.articles)} articles, "
        f"{len(snap.runs)} run records; runs, freshness, quality and failures over the "
        f"last {snap.days} days",
        [page.health_section(health),
         page.runs_section(run_figures(snap), snap.days),
         page.freshness_section(freshness_figures(snap), interval),
         page.archive_section(archive_figures(snap)),
         page.content_section(content_figures(snap)),
         page.failures_section(failure_figures(snap), snap.days)])
