"""``scrapy crawl`` whose exit status says how the run ended (see
:mod:`newsscraper.outcome`): 0 ok, 2 bad arguments or settings, 3 failed,
4 monitors failed, 75 skipped; and, with that status, the run's metrics for Prometheus
(:mod:`newsscraper.crawl.metrics`).

Scrapy's own command only reports bootstrap failures, as tracebacks and status 1; a
scheduler (cron, systemd, scrapyd) needs to tell these cases apart, and an operator
needs one line saying what to fix.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import datetime, timezone
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError
from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from newsscraper.crawl.arguments import ArgumentError
from newsscraper.crawl.metrics import write_run_metrics
from newsscraper.crawl.preflight import check_credentials, check_settings, check_uri
from newsscraper.crawl.run_id import new_run_id
from newsscraper.default_settings import layer_defaults
from newsscraper.outcome import EXIT_CRASHED, EXIT_USAGE, BadSetting, exit_status
from newsscraper.seeds import SeedError
from newsscraper.storage.runsummary import summary_updates
from newsscraper.storage.uri import mongo_database, mongo_uri, uses_local_database

logger = logging.getLogger(__name__)

# what a person or a scheduler got wrong, as opposed to a bug
BAD_INPUT = (ArgumentError, SeedError, BadSetting)


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: Any) -> None:
        super().process_options(args, opts)
        # the settings the preflight, a rejection's record, the metrics and the crawler
        # (Scrapy's crawler process is given this object) read: the project's defaults
        # under them, once (settings.py holds them already; another project's may not)
        assert self.settings is not None
        layer_defaults(self.settings)

    def run(self, args: list[str], opts: Any) -> None:
        self.run_crawler: Any = None
        self._run(args, opts)
        # every run that got this far has its exit status now, whatever it is
        write_run_metrics(self.settings, self._stats(), self.exitcode)

    def _stats(self) -> dict[str, Any] | None:
        try:
            return self.run_crawler.stats.get_stats() if self.run_crawler is not None else None
        except RuntimeError:  # the crawl never started
            return None

    def _run(self, args: list[str], opts: Any) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name, e.g. scrapy crawl moscowtimes")
        self.spider_name = args[0]
        assert self.crawler_process is not None and self.settings is not None
        try:
            self._preflight()
            crawler = self.run_crawler = self._create_crawler(args[0])
        except BAD_INPUT as exc:
            self._reject(exc, opts.spargs)
            return
        failures: list[BaseException] = []
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        _catch(started, failures.append)
        self.crawler_process.start()
        if failures:
            self._bootstrap_failed(failures[0], opts.spargs)
            return
        try:
            stats = crawler.stats
        except RuntimeError:  # the crawl never started
            self.exitcode = EXIT_CRASHED
            return
        code = stats.get_value("run/exit_status")
        self.exitcode = int(code) if code is not None else \
            exit_status(stats.get_value("finish_reason"), stats.get_stats())

    def _preflight(self) -> None:
        settings = self.settings
        assert settings is not None
        check_settings(settings)
        if not settings.getbool("STORE_ENABLED"):
            return
        uri = mongo_uri(settings)
        check_uri(uri)
        if not uses_local_database(settings):
            check_credentials(uri, min(settings.getint("MONGO_TIMEOUT_MS"), 3000))

    def _bootstrap_failed(self, exc: BaseException, spargs: dict) -> None:
        if isinstance(exc, BAD_INPUT):
            self._reject(exc, spargs)
            return
        setting = bad_setting_value(exc)
        if setting is not None:
            self._reject(setting, spargs)
            return
        logger.error("the crawl could not start", exc_info=exc)
        self.exitcode = EXIT_CRASHED

    def _reject(self, exc: BaseException, spargs: dict) -> None:
        """One line, exit 2, and a ``rejected`` run record when the database takes it."""
        message = f"newsscraper: {exc}"
        print(message, file=sys.stderr)
        if self.settings is not None and self.settings.get("LOG_FILE"):
            logger.error(message)
        if not isinstance(exc, BadSetting):
            record_rejection(self.settings, str(exc), spargs, self.spider_name)
        self.exitcode = EXIT_USAGE


def bad_setting_value(exc: BaseException) -> BadSetting | None:
    """A component read a setting of the wrong kind (``-s STORE_BATCH_SIZE=abc``): the
    error, named after the setting, when Scrapy's settings getter raised it."""
    if not isinstance(exc, (ValueError, TypeError)):
        return None
    name = None
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.endswith(os.path.join("scrapy", "settings", "__init__.py")):
            name = frame.f_locals.get("name", name)
        tb = tb.tb_next
    return BadSetting(f"setting {name}: {exc}") if isinstance(name, str) else None


def _catch(started: Any, report) -> None:
    """Report the exception a crawl's startup ended with, and mark it retrieved so that
    asyncio does not print it again as a traceback."""
    if isinstance(started, asyncio.Future):
        def done(task: asyncio.Future) -> None:
            if not task.cancelled() and task.exception() is not None:
                report(task.exception())
        started.add_done_callback(done)
    else:  # a Twisted Deferred (CrawlerProcess without the asyncio reactor)
        started.addErrback(lambda failure: report(failure.value))


def record_rejection(settings: Any, error: str, spargs: dict,
                     spider: str = "moscowtimes") -> None:
    """Best effort, with a short timeout: a crontab line with a typo shows up in ``runs``
    as well as in the scheduler's mail, but a database that is away must not delay the
    one-line answer. ``settings``: the command's, defaults layered."""
    if settings is None:
        return
    if not settings.getbool("STORE_ENABLED") or \
            not settings.getbool("RUNS_ENABLED"):
        return
    now = datetime.now(timezone.utc).replace(microsecond=0)
    record = {"_id": new_run_id(), "spider": spider, "status": "rejected",
              "exit_status": EXIT_USAGE, "error": error, "started_at": now, "ended_at": now,
              "arguments": {str(k): str(v) for k, v in spargs.items()},
              "host": os.uname().nodename, "pid": os.getpid()}
    client: MongoClient = MongoClient(mongo_uri(settings), serverSelectionTimeoutMS=1000,
                                      connectTimeoutMS=1000, socketTimeoutMS=2000)
    db = client[mongo_database(settings)]
    try:
        db[settings.get("MONGO_RUNS_COLLECTION")].insert_one(record)
        for key, update in summary_updates(spider, str(record["_id"]), record):
            db["crawl_state"].update_one({"_id": key}, update, upsert=True)
    except PyMongoError:
        pass
    finally:
        client.close()
