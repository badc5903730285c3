"""The close-of-spider monitors of a crawl that keeps no run record (``STORE_ENABLED``
or ``RUNS_ENABLED`` off): the :class:`~newsscraper.extensions.runs.RunRecorder` runs
them otherwise. Without this, a crawl that read nothing (the site down, every page
refused) and stored nothing would exit 0."""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsscraper.extensions.closing import verdict
from newsscraper.extensions.monitors import notifiers
from newsscraper.extensions.runs import records_runs


class UnrecordedVerdict:
    """At close, runs the monitors (their failures logged as the recorder logs them)
    and sets the ``run/exit_status`` stat the ``crawl`` command exits with: 4 when one
    failed. Settings: ``MONITORS_ENABLED``, ``MONITOR_*``; off when runs are recorded."""

    def __init__(self, crawler) -> None:
        s = crawler.settings
        if not s.getbool("MONITORS_ENABLED"):
            raise NotConfigured("monitors are off")
        if records_runs(s):
            raise NotConfigured  # the run recorder runs them: nothing to say
        notifiers(crawler)  # a notifier its settings do not complete: found at start
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason: str) -> None:
        verdict(self.crawler, spider, reason)
