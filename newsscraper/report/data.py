"""The figures of the status report, built from one read of each collection.

FerretDB evaluates every filter but a single ``{_id: X}`` and every sort over the whole
collection, so the report never asks the server to count or group: it reads each
collection once with a projection of the fields it draws (:func:`read_snapshot`) and
aggregates in Python. Each ``*_figures`` function is pure: snapshot in, numbers out, so
the tests hold them against counts made directly in the database.
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from newsscraper.crawl.months import MonthState, month_of_sitemap
from newsscraper.report import cache
from newsscraper.sites.moscowtimes.site import MOSCOW
from newsscraper.sites.moscowtimes.urls import url_date

BATCH = 5000  # documents per reply: fewer round trips on a 100,000-article read
RUN_FIELDS = ("started_at", "ended_at", "status", "exit_status", "duration_seconds",
              "counts", "monitors", "finish_reason")
HELD_FIELDS = ("article", "held_at", "held_reason")
# runs that crawled nothing: removals are not theirs
NOT_CRAWLING = frozenset({"skipped", "rejected"})
TOP_SECTIONS = 8
TOP_FAILURES = 12


@dataclass
class Snapshot:
    """What the report reads: each collection once, only the fields it draws."""

    articles: list[dict[str, Any]]
    runs: list[dict[str, Any]]  # oldest first
    held: list[dict[str, Any]]
    state: dict[str, Any]  # crawl_state ``_id`` -> ``value``
    now: datetime
    days: int

    @property
    def since(self) -> datetime:
        return self.now - timedelta(days=self.days)


def read_snapshot(db, days: int, now: datetime | None = None,
                  cached: bool = True) -> Snapshot:
    """One find per collection (no filter the server would scan for twice, no sort);
    the articles from the report's cache and the changes since (:mod:`.cache`), or,
    ``cached=False``, all read (the cache neither read nor written)."""
    def fields(names: tuple[str, ...]) -> dict[str, int]:
        return dict.fromkeys(names, 1)

    articles = cache.cached_articles(db, entry) if cached else [
        entry(d) for d in db.articles.find({}, cache.projection(), batch_size=BATCH)]
    runs = list(db.runs.find({}, fields(RUN_FIELDS), batch_size=BATCH))
    runs = [r for r in runs if utc(r.get("started_at"))]
    runs.sort(key=lambda r: r["started_at"].replace(tzinfo=None))
    # held_at: indexed (ArticleStore.ensure_indexes), so not a scan of every revision
    held = list(db.article_versions.find({"held_at": {"$ne": None}, "held": True},
                                         fields(HELD_FIELDS), batch_size=BATCH))
    state = {d["_id"]: d.get("value") for d in db.crawl_state.find({}, {"value": 1})
             if isinstance(d.get("_id"), str)}
    return Snapshot(articles, runs, held, state,
                    now or datetime.now(timezone.utc).replace(microsecond=0), days)


def utc(value: Any) -> datetime | None:
    """A stored time as an aware UTC datetime (BSON dates come back naive unless the
    client is tz_aware), or None."""
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def entry(doc: dict[str, Any]) -> dict[str, Any]:
    """What the figures use of a stored article: its report fields (:data:`cache.FIELDS`),
    the month (:func:`article_month`) in place of the URL."""
    return {"article_id": doc.get("article_id"), "month": article_month(doc),
            **{name: doc.get(name) for name in cache.FIELDS[2:]}}


def article_month(doc: dict[str, Any]) -> str | None:
    """``YYYY-MM`` of the monthly sitemap that lists the article: the date in its URL
    (Moscow's), else its publication time in Moscow."""
    day = url_date(doc.get("url") or "")
    if day is None:
        published = utc(doc.get("published_at"))
        day = published.astimezone(MOSCOW).date() if published else None
    return f"{day:%Y-%m}" if day else None


# -- runs over time ----------------------------------------------------------------------
@dataclass
class RunPoint:
    started_at: datetime
    status: str
    duration: float | None
    requests: int
    new: int
    updated: int
    removed: int
    held: int
    failed_monitors: list[str]


def failed_monitors(value: Any) -> list[str]:
    """The names of a record's failed monitors (``monitors.failed``)."""
    failed = value.get("failed") if isinstance(value, dict) else None
    return [str(name) for name in failed] if isinstance(failed, list) else []


def removed_per_run(snap: Snapshot) -> Counter[int]:
    """Articles marked removed, by the index in ``snap.runs`` of the run that marked
    them: ``gone_at`` is set at the end of a run, so the last crawling run started at or
    before it. Derived: a run record does not count its removals."""
    crawling = [i for i, r in enumerate(snap.runs) if r.get("status") not in NOT_CRAWLING]
    starts = [snap.runs[i]["started_at"].replace(tzinfo=None) for i in crawling]
    out: Counter[int] = Counter()
    for doc in snap.articles:
        gone = utc(doc.get("gone_at"))
        if gone is None:
            continue
        at = bisect.bisect_right(starts, gone.replace(tzinfo=None)) - 1
        if at >= 0:
            out[crawling[at]] += 1
    return out


def run_figures(snap: Snapshot) -> list[RunPoint]:
    """Every run started in the window, oldest first."""
    removed = removed_per_run(snap)
    out = []
    for i, r in enumerate(snap.runs):
        started = utc(r["started_at"])
        if started is None or started < snap.since:
            continue
        counts = r["counts"] if isinstance(r.get("counts"), dict) else {}
        duration = r.get("duration_seconds")
        out.append(RunPoint(
            started, str(r.get("status") or "unknown"),
            float(duration) if isinstance(duration, (int, float)) else None,
            _int(counts.get("requests")), _int(counts.get("new")),
            _int(counts.get("updated")), removed[i], _int(counts.get("held")),
            failed_monitors(r.get("monitors"))))
    return out


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


# -- freshness ---------------------------------------------------------------------------
@dataclass
class FreshDay:
    day: date
    articles: int
    median_minutes: float
    p95_minutes: float


def nearest_rank(sorted_values: list[float], share: float) -> float:
    """The smallest value with at least ``share`` of the values at or below it."""
    rank = max(1, -(-int(share * 1000) * len(sorted_values) // 1000))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def freshness_figures(snap: Snapshot) -> list[FreshDay]:
    """Minutes from ``published_at`` to ``first_seen_at``, per UTC day of publication,
    for articles published in the window after the first recorded run started (before
    the copy existed the lag measures the backfill, not the schedule). A negative lag (a
    page dated ahead of our clock) counts as 0."""
    first = next((utc(r["started_at"]) for r in snap.runs), None)
    if first is None:
        return []
    start = max(first, snap.since)
    lags: defaultdict[date, list[float]] = defaultdict(list)
    for doc in snap.articles:
        published, stored = utc(doc.get("published_at")), utc(doc.get("first_seen_at"))
        if published is None or stored is None or published < start or published > snap.now:
            continue
        lags[published.date()].append(max(0.0, (stored - published).total_seconds() / 60))
    out = []
    for day in sorted(lags):
        values = sorted(lags[day])
        out.append(FreshDay(day, len(values), statistics.median(values),
                            nearest_rank(values, 0.95)))
    return out


# -- archive completeness ----------------------------------------------------------------
@dataclass
class MonthFigures:
    month: str  # YYYY-MM
    listed: int | None  # None: no listing kept for this month
    stored: int  # stored, not removed
    removed: int
    missing: list[int]  # listed, not stored
    read_whole_at: str = ""  # our clock at the last read of every article of the month


def archive_figures(snap: Snapshot) -> list[MonthFigures]:
    """Per month: what its sitemap listed when last read (``crawl_state``
    ``listing:<path>``, kept for removals), stored, removed, and the listed ids not
    stored. When last read whole comes from ``sitemap:<path>``."""
    listings: dict[str, set[int]] = {}
    whole: dict[str, str] = {}
    for key, value in snap.state.items():
        kind, _, path = key.partition(":")
        ym = month_of_sitemap(path) if kind in ("listing", "sitemap") else None
        if ym is None:
            continue
        name = f"{ym[0]:04d}-{ym[1]:02d}"
        if kind == "listing" and isinstance(value, list):
            listings[name] = {int(i) for i in value if isinstance(i, int)}
        elif kind == "sitemap" and (state := MonthState.load(value)):
            whole[name] = state.full_at or "yes"
    live: Counter[str] = Counter()
    gone: Counter[str] = Counter()
    stored_ids: set[int] = set()
    for doc in snap.articles:
        if isinstance(doc.get("article_id"), int):
            stored_ids.add(doc["article_id"])
        month = doc["month"]
        if month:
            (gone if doc.get("gone_at") else live)[month] += 1
    out = []
    for month in sorted(set(listings) | set(live) | set(gone)):
        listed = listings.get(month)
        out.append(MonthFigures(
            month, None if listed is None else len(listed), live[month], gone[month],
            sorted(listed - stored_ids) if listed is not None else [], whole.get(month, "")))
    return out


# -- content -----------------------------------------------------------------------------
@dataclass
class ContentFigures:
    months: list[str]
    sections: dict[str, list[int]]  # name -> count per month (top sections, then "other")
    types: dict[str, list[int]]
    quality_days: list[date] = field(default_factory=list)
    stored: list[int] = field(default_factory=list)  # revisions stored that day
    partial: list[int] = field(default_factory=list)  # of them, partial parses
    held: list[int] = field(default_factory=list)  # revisions held back that day


def content_figures(snap: Snapshot) -> ContentFigures:
    """Articles per section and per type per month (the whole archive), and, per UTC day
    of the window, current revisions stored (``changed_at``), how many of those are
    partial parses, and revisions held back (``held_at``)."""
    by_section: Counter[tuple[str, str]] = Counter()
    by_type: Counter[tuple[str, str]] = Counter()
    stored: Counter[date] = Counter()
    partial: Counter[date] = Counter()
    for doc in snap.articles:
        month = doc["month"]
        if month:
            by_section[month, str(doc.get("section") or "(none)")] += 1
            by_type[month, str(doc.get("type") or "(none)")] += 1
        changed = utc(doc.get("changed_at"))
        if changed is not None and changed >= snap.since:
            stored[changed.date()] += 1
            if doc.get("partial"):
                partial[changed.date()] += 1
    held: Counter[date] = Counter()
    for doc in snap.held:
        at = utc(doc.get("held_at"))
        if at is not None and at >= snap.since:
            held[at.date()] += 1
    months = sorted({m for m, _ in by_section})
    first = snap.since.date()
    days = [first + timedelta(days=n) for n in range((snap.now.date() - first).days + 1)]
    return ContentFigures(months, _per_month(by_section, months, TOP_SECTIONS),
                          _per_month(by_type, months, TOP_SECTIONS), days,
                          [stored[d] for d in days], [partial[d] for d in days],
                          [held[d] for d in days])


def _per_month(counts: Counter[tuple[str, str]], months: list[str],
               top: int) -> dict[str, list[int]]:
    totals: Counter[str] = Counter()
    for (_, name), n in counts.items():
        totals[name] += n
    kept = [name for name, _ in totals.most_common(top)]
    out = {name: [counts[m, name] for m in months] for name in kept}
    rest = [name for name in totals if name not in kept]
    if rest:
        out["other"] = [sum(counts[m, name] for name in rest) for m in months]
    return out


# -- failures ----------------------------------------------------------------------------
@dataclass
class FailureFigure:
    stat: str
    total: int
    runs: int  # runs of the window that counted it


def failure_figures(snap: Snapshot) -> list[FailureFigure]:
    """The failure counters of the window's runs (``counts.failures``, the validator's
    drops and spilled items), summed, most frequent first."""
    total: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for r in snap.runs:
        started = utc(r["started_at"])
        if started is None or started < snap.since:
            continue
        for stat, n in run_failures(r.get("counts")).items():
            if n > 0:
                total[stat] += n
                seen[stat] += 1
    return [FailureFigure(stat, n, seen[stat]) for stat, n in total.most_common(TOP_FAILURES)]


def run_failures(counts: Any) -> dict[str, int]:
    """A run record's failure counters by stat name."""
    if not isinstance(counts, dict):
        return {}
    out: dict[str, int] = {}
    for entry in counts.get("failures") or []:
        if isinstance(entry, dict) and isinstance(entry.get("count"), int):
            out[str(entry.get("stat"))] = entry["count"]
    for reason, n in (counts.get("dropped") or {}).items():
        if isinstance(n, int):
            out[f"validate/dropped/{reason}"] = n
    if isinstance(counts.get("spilled"), int):
        out["mongo/spilled"] = counts["spilled"]
    return out
