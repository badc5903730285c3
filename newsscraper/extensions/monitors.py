"""Data-quality monitors run when a crawl closes (a spidermon suite).

A crawl that stores nothing because the site changed its markup still ends "finished";
these monitors turn that into ``monitors_failed`` (exit 4), name what failed in the run
record, and can notify someone through spidermon's actions. The run recorder runs them;
a crawl that keeps no record (``STORE_ENABLED`` or ``RUNS_ENABLED`` off) runs them
through :mod:`newsscraper.extensions.verdict`, with the same exit status.

Thresholds are settings (defaults in ``newsscraper/default_settings.py``):

- ``MONITOR_FINISH_REASONS`` (``["finished"]``): finish reasons that count as a clean end.
- ``MONITOR_MIN_STORED_SHARE`` (0.9): articles stored (new, updated, moved or unchanged) against
  the articles discovery scheduled (less pages gone, 404/410, and same-id drops).
- ``MONITOR_MAX_GONE_SHARE`` (0.5): pages gone (404/410) against the articles discovery
  scheduled, once 10 or more are gone.
- articles discovered: listing pages, feeds and sitemaps read must offer at least one
  article link between them (no setting: none at all is a broken discovery).
- ``MONITOR_MIN_FIELD_COVERAGE`` (title, body, published_at, section: 0.99) and
  ``MONITOR_MAX_PARTIAL_SHARE`` (0.02): over the articles parsed, stored or dropped for a
  missing field, so that a redesign the validator drops still shows.
- ``MONITOR_MAX_PARSER_BUGS`` (0): ``spider/parser_bug``.
- ``MONITOR_MAX_WARC_FAILED`` (0): ``warc/failed``, pages to keep that the WARC files did
  not get (a full disk, a writer process that died: the crawl went on without them).
- ``MONITOR_MAX_SERVER_ERROR_SHARE`` (0.05): HTTP 5xx responses and download timeouts
  the spider was left with after retries, against requests.
- ``MONITOR_MAX_UNREACHABLE_SHARE`` (0.5): requests whose last attempt ended in a
  connection error, DNS error, timeout, 403, 429 or 5xx, against requests; also the
  largest share of the crawl robots.txt may forbid. And some page of the site must
  answer (2xx, 404 or 410; robots.txt is no page). :mod:`newsscraper.extensions.reach`
  reads these from Scrapy's stats.
- ``MONITOR_RECENT_DAYS`` (31): a full pass whose ``since`` is within this many days must
  store at least one article.
- ``MONITOR_NOTIFY`` (``[]``): any of ``email``, ``slack``, ``telegram``; each is
  spidermon's action, configured by its own ``SPIDERMON_*`` settings, sent when a
  monitor fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, ClassVar

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from spidermon import Monitor, MonitorSuite, monitors
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner
from spidermon.exceptions import NotConfigured as SpidermonNotConfigured

from newsscraper.crawl.scaleout import enabled as scaled_out
from newsscraper.extensions.reach import requests_of

logger = logging.getLogger(__name__)

COVERED_FIELDS = ("title", "body", "published_at", "section")
FEW_GONE = 10  # pages gone (404/410) too few to say the article URLs changed
NOTIFIERS = {
    "email": "spidermon.contrib.actions.email.smtp.SendSmtpEmail",
    "slack": "spidermon.contrib.actions.slack.notifiers.SendSlackMessageSpiderFinished",
    "telegram": "spidermon.contrib.actions.telegram.notifiers.SendTelegramMessageSpiderFinished",
}


class ArticleCoverage:
    """Counts, per parsed article, which fields it has (``coverage/articles``,
    ``coverage/<field>``, ``coverage/partial``): the figures the coverage monitor reads.
    An article dropped for a missing field counts too. Off with ``MONITORS_ENABLED``."""

    def __init__(self, crawler) -> None:
        if not crawler.settings.getbool("MONITORS_ENABLED"):
            raise NotConfigured("monitors are off")
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def item_scraped(self, item) -> None:
        self._count(item)

    def item_dropped(self, item, exception) -> None:
        if str(exception).startswith("missing_"):
            self._count(item)

    def _count(self, item) -> None:
        a = ItemAdapter(item)
        self.stats.inc_value("coverage/articles")
        for name in COVERED_FIELDS:
            if a.get(name) not in (None, "", []):
                self.stats.inc_value(f"coverage/{name}")
        if a.get("partial"):
            self.stats.inc_value("coverage/partial")


class _Monitor(Monitor):
    """Reads the crawl's stats and settings as spidermon hands them over."""

    longMessage = False  # the message alone, without unittest's "x not less than y"

    @property
    def stats(self) -> dict[str, Any]:
        return self.data.stats

    def setting(self, name: str, kind=float):
        settings = self.data.crawler.settings
        if kind is list:
            return settings.getlist(name)
        if kind is dict:
            return settings.getdict(name)
        if kind is bool:
            return settings.getbool(name)
        return kind(settings.get(name))

    def scheduled(self) -> int:
        """Article requests discovery scheduled, by every channel."""
        return sum(v for k, v in self.stats.items() if k.startswith("spider/scheduled/"))

    def stored(self) -> int:
        """Articles stored (new, updated, moved or unchanged); with the store off, the
        articles the pipelines passed (``item_scraped_count``), which it would have
        stored."""
        if not self.setting("STORE_ENABLED", bool):
            return self.stats.get("item_scraped_count", 0)
        return sum(self.stats.get(f"mongo/{k}", 0) for k in ("new", "updated", "moved",
                                                            "unchanged"))


@monitors.name("finish reason")
class FinishReasonMonitor(_Monitor):
    @monitors.name("the crawl ended cleanly")
    def test_finish_reason(self):
        reason = self.stats.get("finish_reason")
        allowed = self.setting("MONITOR_FINISH_REASONS", list)
        self.assertIn(reason, allowed, msg=f"finish reason {reason!r}, expected one of {allowed}")


@monitors.name("articles stored")
class StoredArticlesMonitor(_Monitor):
    @monitors.name("stored against discovered")
    def test_stored_share(self):
        if self.stats.get("scaleout/run"):
            # its requests went to the shared queue: other workers stored part of them
            self.skipTest("a worker of a shared run")
        scheduled = self.scheduled()
        # gone pages store nothing; two URLs of one article (read once) store one
        expected = scheduled - self.stats.get("spider/gone", 0) - \
            self.stats.get("spider/duplicate_canonical", 0)
        if expected <= 0:
            self.skipTest("discovery scheduled no article")
        share = self.stored() / expected
        minimum = self.setting("MONITOR_MIN_STORED_SHARE")
        self.assertGreaterEqual(share, minimum, msg=f"stored {self.stored()} of {expected} "
                                f"articles discovered ({share:.1%}, minimum {minimum:.0%})")

    @monitors.name("gone against discovered")
    def test_gone_share(self):
        # removed articles are few: most of a run's answering 404 or 410 is article URLs
        # that changed, which "stored against discovered" does not count against the run
        scheduled = self.scheduled()
        if scheduled <= 0:
            self.skipTest("discovery scheduled no article")
        gone = self.stats.get("spider/gone", 0)
        if gone < FEW_GONE:
            # a quiet hour's run that scheduled one new article and one a reader removed
            # is no broken crawl
            self.skipTest(f"fewer than {FEW_GONE} pages gone")
        share, maximum = gone / scheduled, self.setting("MONITOR_MAX_GONE_SHARE")
        self.assertLessEqual(share, maximum, msg=f"{gone} of {scheduled} articles scheduled "
                             f"answered 404 or 410 ({share:.0%}, maximum {maximum:.0%}): "
                             "have the site's article URLs changed?")


@monitors.name("articles discovered")
class DiscoveryMonitor(_Monitor):
    """Listing pages, feeds and sitemaps that answer but offer no article link (a
    redesign of the listings, a feed emptied, a placeholder page served for every path)
    leave a run with nothing scheduled, so no other monitor has anything to fail on."""

    @monitors.name("discovery pages offer articles")
    def test_discovery_offers(self):
        read = {kind: self.stats.get(f"spider/{stat}", 0) for kind, stat in (
            ("listing", "listing_pages"), ("feed", "feeds"), ("sitemap", "sitemaps"),
            ("news sitemap", "sitemaps/news"))}
        if not sum(read.values()):
            self.skipTest("no discovery page read (seeds, or a worker given articles)")
        offered = sum(v for k, v in self.stats.items() if k.startswith("spider/offered/"))
        self.assertGreater(offered, 0, msg="no article link on the " + ", ".join(
            f"{n} {kind} page(s)" for kind, n in read.items() if n) + " read: has the "
            "site's markup changed?")


@monitors.name("field coverage")
class FieldCoverageMonitor(_Monitor):
    def _articles(self) -> int:
        articles = self.stats.get("coverage/articles", 0)
        if not articles:
            self.skipTest("no article parsed")
        return articles

    @monitors.name("fields present")
    def test_fields(self):
        articles = self._articles()
        minimum = self.setting("MONITOR_MIN_FIELD_COVERAGE", dict)
        short = {name: self.stats.get(f"coverage/{name}", 0) / articles
                 for name in minimum}
        short = {k: v for k, v in short.items() if v < float(minimum[k])}
        self.assertFalse(short, msg="coverage below minimum: " + ", ".join(
            f"{k} {v:.1%} < {float(minimum[k]):.0%}" for k, v in sorted(short.items())))

    @monitors.name("partial articles")
    def test_partial(self):
        articles = self._articles()
        share = self.stats.get("coverage/partial", 0) / articles
        maximum = self.setting("MONITOR_MAX_PARTIAL_SHARE")
        self.assertLessEqual(share, maximum, msg=f"{share:.1%} of {articles} articles "
                             f"partial (maximum {maximum:.0%})")


@monitors.name("parser bugs")
class ParserBugMonitor(_Monitor):
    @monitors.name("no parser bug")
    def test_parser_bugs(self):
        bugs = self.stats.get("spider/parser_bug", 0)
        maximum = self.setting("MONITOR_MAX_PARSER_BUGS", int)
        self.assertLessEqual(bugs, maximum, msg=f"{bugs} parser bug(s) (maximum {maximum})")


@monitors.name("pages archived")
class WarcMonitor(_Monitor):
    """The WARC files are the copy of record (reparse reads them): a page the crawl
    fetched but could not keep there is a gap an operator must hear of."""

    @monitors.name("every page kept in the WARC files")
    def test_warc_failed(self):
        failed = self.stats.get("warc/failed", 0)
        maximum = self.setting("MONITOR_MAX_WARC_FAILED", int)
        died = " (the writer process died)" if self.stats.get("warc/writer_died") else ""
        self.assertLessEqual(failed, maximum, msg=f"{failed} page(s) not kept in the WARC "
                             f"files{died} (maximum {maximum})")


@monitors.name("server errors")
class ServerErrorMonitor(_Monitor):
    @monitors.name("5xx and timeouts")
    def test_server_errors(self):
        requests = self.stats.get("downloader/request_count", 0)
        if not requests:
            self.skipTest("no request made")
        # what the spider was left with after retries: a 5xx retried into a 200 lost
        # nothing
        errors = sum(v for k, v in self.stats.items()
                     if k.startswith("spider/http_5") or k == "spider/timeout"
                     or (k.startswith("spider/error/") and "Timeout" in k))
        maximum = self.setting("MONITOR_MAX_SERVER_ERROR_SHARE")
        self.assertLessEqual(errors / requests, maximum, msg=f"{errors} of {requests} requests "
                             f"met a 5xx or a timeout (maximum {maximum:.0%})")


@monitors.name("site reached")
class SiteReachedMonitor(_Monitor):
    """A site that is down, blocks the crawler or shuts it out by robots.txt leaves a run
    with nothing to store and no other monitor to fail: this one says so."""

    @monitors.name("a page answered")
    def test_answered(self):
        requests = requests_of(self.stats)
        if requests.pages <= 0:
            self.skipTest("no page asked of the site")
        if not requests.unreachable and scaled_out(self.data.crawler.settings):
            # a scale-out worker's share can be a redirect or two whose targets the shared
            # dupefilter gave to other workers: the run's other workers read the pages
            self.skipTest("a scale-out worker answered only with redirects or the like")
        self.assertGreater(requests.answered, 0, msg=f"no page of the site answered: "
                           f"{requests.pages} request(s), none with 2xx, 404 or 410" +
                           ("" if requests.unreachable else " (redirects or other statuses)"))

    @monitors.name("requests unreachable")
    def test_unreachable(self):
        requests = requests_of(self.stats)
        if requests.made <= 0:
            self.skipTest("no request made")
        failed = sum(requests.unreachable.values())
        share, maximum = failed / requests.made, self.setting("MONITOR_MAX_UNREACHABLE_SHARE")
        self.assertLessEqual(share, maximum, msg=f"{failed} of {requests.made} requests "
                             f"unreachable ({share:.0%}, maximum {maximum:.0%}): "
                             f"{requests.causes()}")

    @monitors.name("robots.txt allows the crawl")
    def test_robots(self):
        requests = requests_of(self.stats)
        wanted = requests.forbidden + max(requests.pages, 0)
        share = requests.forbidden / wanted if wanted else 0.0
        maximum = self.setting("MONITOR_MAX_UNREACHABLE_SHARE")
        self.assertLessEqual(share, maximum, msg=f"robots.txt forbade {requests.forbidden} "
                             f"of {wanted} requests ({share:.0%}, maximum {maximum:.0%})")


@monitors.name("recent full pass")
class RecentFullPassMonitor(_Monitor):
    @monitors.name("stores at least one article")
    def test_recent_full_pass(self):
        arguments = getattr(self.data.spider, "arguments", {}) or {}
        since = _day(arguments.get("since"))
        recent = timedelta(days=self.setting("MONITOR_RECENT_DAYS", int))
        today = datetime.now(timezone.utc).date()
        if arguments.get("mode") != "full" or since is None or today - since > recent:
            self.skipTest("not a full pass of recent days")
        self.assertGreaterEqual(self.stored(), 1,
                                msg=f"a full pass since {since} stored no article")


class CloseSpiderSuite(MonitorSuite):
    monitors: ClassVar[list] = [
        FinishReasonMonitor, StoredArticlesMonitor, DiscoveryMonitor, FieldCoverageMonitor,
        ParserBugMonitor, WarcMonitor, ServerErrorMonitor, SiteReachedMonitor,
        RecentFullPassMonitor]


class _Result(SpiderMonitorResult):
    def log(self, msg, level=logging.DEBUG):
        # spidermon logs through Spider.log(), which Scrapy deprecates
        logger.log(level, "[Spidermon] %s", msg)

    def write_errors(self):
        # the message, not the assertion's traceback
        for status in self.step.error_statuses:
            for item in self.step.items_for_status(status):
                self.log_error(f"{item.status}: {item.item.name}: {_last_line(item.error)}")


class _Runner(SpiderMonitorRunner):
    def create_result(self):
        return _Result(self.spider)


@dataclass
class MonitorOutcome:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        return {"passed": self.passed, "failed": self.failed, "details": self.details}


def run_close_monitors(crawler, spider, reason: str | None = None) -> MonitorOutcome:
    """Run :class:`CloseSpiderSuite` (and its notifications) over the crawl's stats;
    ``reason``: the finish reason, when the stats may not hold it yet."""
    suite = CloseSpiderSuite(crawler=crawler, monitors_failed_actions=notifiers(crawler))
    stats = crawler.stats.get_stats()
    if reason is not None:
        stats = {**stats, "finish_reason": reason}
    data = {"stats": stats, "stats_history": [], "crawler": crawler,
            "spider": spider, "sc_spider_name": spider.name, "job": None}
    result = _Runner(spider=spider).run(suite, **data)
    outcome = MonitorOutcome()
    for item in result.monitor_results:
        name = item.item.monitor_name
        if item.status in ("FAIL", "ERROR"):
            outcome.failed.append(name)
            detail = _last_line(item.error)
            outcome.details[name] = "; ".join(filter(None, (outcome.details.get(name), detail)))
        elif item.status != "SKIPPED":
            outcome.passed.append(name)
    # a monitor with one failing test and one passing one is failed, once
    outcome.passed = sorted(set(outcome.passed) - set(outcome.failed))
    outcome.failed = sorted(set(outcome.failed))
    return outcome


def _last_line(error: str | None) -> str:
    lines = [line for line in (error or "").strip().splitlines() if line.strip()]
    return lines[-1].removeprefix("AssertionError: ") if lines else ""


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def notifiers(crawler) -> list:
    """The spidermon actions ``MONITOR_NOTIFY`` names, built from the crawler's settings.
    A name we do not know, or an action its settings do not complete, is a settings
    error: found at start, not when a monitor fails in the night."""
    from newsscraper.outcome import BadSetting

    names = crawler.settings.getlist("MONITOR_NOTIFY")
    unknown = sorted(set(names) - set(NOTIFIERS))
    if unknown:
        raise BadSetting(f"MONITOR_NOTIFY: unknown notifier(s) {', '.join(unknown)}; "
                         f"use {', '.join(NOTIFIERS)}")
    actions = []
    for name in dict.fromkeys(names):
        try:
            actions.append(load_object(NOTIFIERS[name]).from_crawler(crawler))
        except (SpidermonNotConfigured, ImportError) as exc:
            raise BadSetting(f"MONITOR_NOTIFY {name}: {exc}") from None
    return actions
