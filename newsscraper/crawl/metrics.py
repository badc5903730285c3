"""A run's outcome for Prometheus, written by ``scrapy crawl`` once its exit status is
known (:mod:`newsscraper.scrapy_commands.crawl`), however the run ended: finished,
rejected (2), failed (3), monitors failed (4), skipped (75) or crashed (1).

- ``NEWSSCRAPER_METRICS_FILE``: a file in node_exporter's textfile format, for its
  textfile collector (``--collector.textfile.directory``). ``write_to_textfile`` writes a
  temporary file and renames it, so the collector never reads half a file.
- ``NEWSSCRAPER_PUSHGATEWAY_URL``: the same metrics pushed (PUT) to a Pushgateway under
  ``job=NEWSSCRAPER_PUSHGATEWAY_JOB`` (``newsscraper``), bounded by
  ``NEWSSCRAPER_PUSHGATEWAY_TIMEOUT`` (10 s). A failure is a WARNING, never the run's.

Both are read as ``MONGO_DATABASE`` is: ``-s`` over the environment over settings.py.
``newsscraper_last_success_timestamp_seconds`` of a run that did not succeed is the
previous one's: from the previous metrics file, else the newest ``finished`` record in
``runs``, else 0 (none known).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Gauge

from newsscraper.storage.runsummary import ARTICLE_OUTCOMES

logger = logging.getLogger(__name__)

LAST_SUCCESS = "newsscraper_last_success_timestamp_seconds"


def registry_of(stats: Mapping[str, Any], exit_status: int, ended: float,
                last_success: float) -> CollectorRegistry:
    """The run's metrics; ``last_success`` is the previous success, kept unless this run
    exits 0."""
    registry = CollectorRegistry()

    def gauge(name: str, text: str, value: float) -> None:
        Gauge(name, text, registry=registry).set(value)

    gauge("newsscraper_last_run_timestamp_seconds", "When the last run ended", ended)
    gauge(LAST_SUCCESS, "When the last run with exit status 0 ended (0: none known)",
          ended if exit_status == 0 else last_success)
    gauge("newsscraper_run_duration_seconds", "How long the last run crawled",
          float(stats.get("elapsed_time_seconds") or 0))
    gauge("newsscraper_run_exit_status", "The last run's exit status (README, Exit "
                                         "statuses)", exit_status)
    articles = Gauge("newsscraper_articles", "Articles of the last run, by outcome",
                     ["outcome"], registry=registry)
    for outcome, stat in ARTICLE_OUTCOMES.items():
        articles.labels(outcome=outcome).set(float(stats.get(stat) or 0))
    gauge("newsscraper_requests", "Requests the last run sent",
          float(stats.get("downloader/request_count") or 0))
    gauge("newsscraper_monitors_failed", "Monitors the last run failed",
          float(stats.get("monitors/failed") or 0))
    return registry


def write_run_metrics(settings: Any, stats: Mapping[str, Any] | None, exit_status: int) -> None:
    """Write and push the run's metrics as configured; nothing when neither is set."""
    from newsscraper.storage.uri import layered_setting

    path = layered_setting(settings, "NEWSSCRAPER_METRICS_FILE")
    gateway = layered_setting(settings, "NEWSSCRAPER_PUSHGATEWAY_URL")
    if not path and not gateway:
        return
    previous = (previous_success(path) if path else None)
    if previous is None and exit_status != 0:
        previous = success_from_runs(settings)
    registry = registry_of(stats or {}, exit_status, time.time(), previous or 0.0)
    if path:
        write_file(path, registry)
    if gateway:
        push(gateway, registry, layered_setting(settings, "NEWSSCRAPER_PUSHGATEWAY_JOB"),
             float(layered_setting(settings, "NEWSSCRAPER_PUSHGATEWAY_TIMEOUT")))


def write_file(path: str, registry: CollectorRegistry) -> None:
    from prometheus_client import write_to_textfile

    try:
        write_to_textfile(path, registry)  # a temporary file, then renamed over it
    except OSError as exc:
        logger.warning("could not write the metrics file %s (%s)", path, exc.strerror or exc)


def push(url: str, registry: CollectorRegistry, job: str, timeout: float) -> None:
    from prometheus_client import push_to_gateway

    try:
        push_to_gateway(url, job=job, registry=registry, timeout=timeout)
    except Exception as exc:  # whatever the gateway or the URL does, the run's status stands
        logger.warning("could not push the metrics to the Pushgateway at %s (%s: %s)",
                       url, type(exc).__name__, exc)


def previous_success(path: str) -> float | None:
    """``newsscraper_last_success_timestamp_seconds`` of the file written last time."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == LAST_SUCCESS:
                    return float(sample.value)
    except (OSError, ValueError):
        return None  # no file yet, or not ours: the runs collection may know
    return None


def success_from_runs(settings: Any) -> float | None:
    """When the newest ``finished`` run ended, from ``runs`` (``settings``: the ``crawl``
    command's, defaults layered); best effort in about a second, as a run that failed
    for the database finds it away."""
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from newsscraper.storage.uri import mongo_database, mongo_uri

    if not settings.getbool("STORE_ENABLED"):
        return None
    client: MongoClient = MongoClient(mongo_uri(settings), serverSelectionTimeoutMS=1000,
                                      connectTimeoutMS=1000, socketTimeoutMS=5000,
                                      tz_aware=True)
    try:
        runs = client[mongo_database(settings)][settings.get("MONGO_RUNS_COLLECTION")]
        found = list(runs.find({"status": "finished"}, {"ended_at": 1})
                     .sort("ended_at", -1).limit(1))
    except PyMongoError:
        return None
    finally:
        client.close()
    return found[0]["ended_at"].timestamp() if found and found[0].get("ended_at") else None
