"""What a run's record says of it at close, besides its status: the counts (articles by
outcome, drops, failures) and the close-of-spider monitors' outcome."""

from __future__ import annotations

import logging
from typing import Any

from newsscraper.crawl.unreachable import KINDS
from newsscraper.extensions.monitors import run_close_monitors
from newsscraper.outcome import SKIP_REASON, exit_status
from newsscraper.storage.runsummary import ARTICLE_OUTCOMES

logger = logging.getLogger(__name__)

# what went wrong in a run, by stat name (spiders/failures.py, its unreachable kinds,
# crawl/parsers.py, warc/writer.py, Scrapy's)
FAILURE_STATS = ("spider/http_", *(f"spider/{kind}" for kind in KINDS),
                 "spider/error/", "spider/parser_bug",
                 "spider/parse_error", "spider/not_article", "spider/store_lookup_errors",
                 "parsers/crashes", "parsers/timeouts", "parsers/restarts",
                 "downloader/exception_type_count/", "retry/max_reached",
                 "removed/errors", "runs/errors", "lease/errors", "monitors/errors",
                 "warc/failed", "warc/writer_died")
MAX_FAILURES = 20


def run_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The record's ``counts``: articles by outcome (``removed`` only when the
    removed-articles job counted), drops, spills, errors, requests, items, failures."""
    dropped = {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("validate/dropped/")}
    articles = {outcome: stats.get(stat, 0) for outcome, stat in ARTICLE_OUTCOMES.items()
                if outcome != "removed" or stat in stats}
    return {
        **articles,
        "dropped": dropped, "dropped_same_id": stats.get("spider/duplicate_canonical", 0),
        "spilled": stats.get("mongo/spilled", 0),
        "errors": stats.get("log_count/ERROR", 0),
        "requests": stats.get("downloader/request_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "failures": _failures(stats),
    }


def _failures(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The run's failure counters, the largest ``MAX_FAILURES``: a list of ``{stat,
    count}`` because stat names hold dots (exception types), which cannot be field
    names."""
    found = [(k, v) for k, v in stats.items()
             if k.startswith(FAILURE_STATS) and isinstance(v, int) and v > 0]
    found.sort(key=lambda kv: (-kv[1], kv[0]))
    return [{"stat": k, "count": v} for k, v in found[:MAX_FAILURES]]


def monitors_record(crawler, spider, reason: str) -> dict[str, Any] | None:
    """The close-of-spider monitors' outcome (:mod:`newsscraper.extensions.monitors`) as
    the record keeps it; none for a skipped run."""
    if reason == SKIP_REASON:
        return None
    try:
        outcome = run_close_monitors(crawler, spider, reason)
    except Exception:
        logger.exception("the monitors could not run")
        crawler.stats.inc_value("monitors/errors")
        return {"passed": [], "failed": [], "error": "the monitors could not run"}
    for name in outcome.failed:
        logger.error("monitor failed: %s: %s", name, outcome.details.get(name, ""))
    crawler.stats.set_value("monitors/failed", len(outcome.failed))
    return outcome.as_record()


def verdict(crawler, spider, reason: str,
            monitors_enabled: bool = True) -> tuple[dict[str, Any] | None, int]:
    """The monitors' record (none when they are off or the run was skipped) and the
    run's exit status, set as the ``run/exit_status`` stat the ``crawl`` command exits
    with: for the run recorder and for a crawl that keeps no record alike."""
    monitors = monitors_record(crawler, spider, reason) if monitors_enabled else None
    code = exit_status(reason, crawler.stats.get_stats(),
                       bool(monitors and monitors.get("failed")))
    crawler.stats.set_value("run/exit_status", code)
    return monitors, code
