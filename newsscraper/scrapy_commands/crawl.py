"""``scrapy crawl`` that exits non-zero when the run failed (e.g. database down).

Scrapy's own command only reports bootstrap failures in its exit code; a scheduler
(cron, systemd, scrapyd) needs to see a crawl whose items could not be stored.
"""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl

from newsscraper.extensions.runs import FAILURE_REASONS


class Command(ScrapyCrawl):
    def _create_crawler(self, spname):
        self._crawler = super()._create_crawler(spname)
        return self._crawler

    def run(self, args, opts) -> None:
        super().run(args, opts)
        crawler = getattr(self, "_crawler", None)
        if crawler is not None and crawler.stats is not None:
            reason = crawler.stats.get_value("finish_reason")
            if reason in FAILURE_REASONS or crawler.stats.get_value("mongo/spilled"):
                self.exitcode = 3
