"""The crawl ledger: what a crawl has asked for, what it knows, and what is still owed.

The spider parses a page and asks the ledger which of the articles it names are worth
fetching; the ledger answers from the run's claims (one request per article id, however
many links lead to it), the date window, the ``max_articles`` budget, and, in
incremental runs, the store (articles an earlier run stored are skipped unless recent,
or their month's sitemap moved). It plans the monthly sitemaps from what earlier runs
remember (``crawl_state``) and, at the end, remembers the months read whole: a month is
whole when its file was read to the end and every article it owed this run was fetched
(or is gone), so an article lost to an error, the window, the budget or a worker that
died is looked for again next run.

Its state lives in a :class:`~newsscraper.crawl.state.LedgerState`: this process's own,
or one the workers of a scaled-out run share.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from newsscraper.crawl.arguments import CrawlArguments
from newsscraper.crawl.months import (
    MonthState,
    lastmod_stamp,
    month_key,
    month_of_sitemap,
    plan_month,
    trusted,
)
from newsscraper.crawl.shared_store import acquire_store, release_store
from newsscraper.crawl.state import IdSet, LedgerState, LocalState
from newsscraper.signals import articles_writing

logger = logging.getLogger(__name__)

# names in the state
IDS, SLUGS, PARSED, READ_IDS, DONE = "ids", "slugs", "parsed", "read", "done"
PLANS, READ, INCOMPLETE = "month_plans", "months_read", "months_incomplete"
FIRST_PAGES, NEWS_WAITING = "first_pages", "news_waiting"


def need(month: str) -> str:
    return f"need:{month}"


class CrawlLedger:
    """Decisions and bookkeeping of one crawl (see the module docstring).

    Settings: ``NEWSSCRAPER_REFRESH_DAYS``, ``NEWSSCRAPER_KNOWN_BATCH``,
    ``NEWSSCRAPER_MONTH_RECHECK_HOURS``, ``STORE_ENABLED``.
    """

    def __init__(self, crawler, args: CrawlArguments, state: LedgerState | None = None,
                 listing_sections: Iterable[str] = ()) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.args = args
        self.incremental = args.mode == "incremental"
        self.refresh = timedelta(days=s.getfloat("NEWSSCRAPER_REFRESH_DAYS"))
        self.known_batch = max(1, s.getint("NEWSSCRAPER_KNOWN_BATCH"))
        self.recheck = timedelta(hours=s.getfloat("NEWSSCRAPER_MONTH_RECHECK_HOURS"))
        self.uses_store = s.getbool("STORE_ENABLED")
        self.state: LedgerState = state or LocalState()
        self.store: Any = None
        # sections whose first listing page decides on their news sitemap
        self.listing_sections = frozenset(listing_sections)
        # this process's memory of the store's answers (a cache: the store is the truth)
        self.skipped_known: set[int] = set()
        # ids of the batches this process handed to the store: stored unless the run
        # spilled (then no month is remembered), so the close asks only about the rest
        self.written = IdSet()
        crawler.signals.connect(self.on_writing, articles_writing)

    @property
    def stats(self):
        return self.crawler.stats  # set once the crawl starts, after the ledger is built

    @classmethod
    def from_crawler(cls, crawler, args: CrawlArguments, state: LedgerState | None = None,
                     listing_sections: Iterable[str] = ()) -> CrawlLedger:
        return cls(crawler, args, state, listing_sections)

    async def open(self) -> None:
        if self.uses_store and self.store is None:
            self.store = acquire_store(self.crawler)

    async def close(self, reason: str) -> None:
        """Remember the months read whole (only after a run that finished), let go of
        the store."""
        try:
            done = await self.complete_months()
            self.stats.set_value("spider/months_complete", len(done))
            if done and reason == "finished" and self.store is not None:
                await self.store.state.set(done)
        except Exception as exc:
            logger.warning("could not save the sitemap state (%s): the next run re-reads "
                           "those months", type(exc).__name__)
        finally:
            if self.store is not None:
                self.store = None
                await release_store(self.crawler)
            await self.state.close()

    # -- scope ---------------------------------------------------------------------------
    def in_window(self, day: date | None) -> bool:
        a = self.args
        return day is None or not ((a.since and day < a.since) or (a.until and day > a.until))

    def month_in_window(self, year: int, month: int) -> bool:
        a = self.args
        if a.since and (year, month) < (a.since.year, a.since.month):
            return False
        return not (a.until and (year, month) > (a.until.year, a.until.month))

    async def budget_left(self) -> bool:
        limit = self.args.max_articles
        return limit is None or await self.state.count(IDS) < limit

    def recent(self, published: datetime | None) -> bool:
        """Inside the refresh window: fetched again even when stored."""
        if published is None:
            return False
        if published.tzinfo is None:  # BSON dates come back naive, in UTC
            published = published.replace(tzinfo=timezone.utc)
        return published >= datetime.now(timezone.utc) - self.refresh

    # -- articles ------------------------------------------------------------------------
    async def select(self, found: dict[int, tuple[str, date | None]], month: str | None = None,
                     refresh: bool = False) -> list[tuple[int, str]]:
        """Which of the articles ``found`` (id -> URL, day in its URL) to fetch, in order,
        each claimed for this run. ``refresh``: stored ones too (their month moved)."""
        keys = [str(aid) for aid in found]
        claimed = {k for k, c in zip(keys, await self.flags(IDS, keys), strict=True) if c}
        owed: list[str] = []  # claimed already (by another page or worker), still owed
        wanted: dict[int, str] = {}
        for aid, (url, day) in found.items():
            if str(aid) in claimed:
                owed.append(str(aid))
            elif refresh or aid not in self.skipped_known:
                if self.in_window(day):
                    wanted[aid] = url
                    continue
                self.stats.inc_value("spider/outside_window")
                await self.month_lost(month)
        stored = {} if refresh else await self.known(list(wanted))
        take: list[tuple[int, str]] = []
        for aid, url in wanted.items():
            if aid in stored:
                if not self.recent(stored[aid]):
                    self.stats.inc_value("spider/skipped_known")
                    self.skipped_known.add(aid)
                    continue
                self.stats.inc_value("spider/refreshed")
            take.append((aid, url))
        if month is not None and (owed or take):
            # owed before claimed: a worker that dies between the two leaves the month
            # owing articles nobody read, so it is not remembered as read whole
            await self.state.add(need(month), *owed, *(str(aid) for aid, _ in take))
        out: list[tuple[int, str]] = []
        for aid, url in take:
            if not await self.budget_left():
                self.stats.inc_value("spider/over_max_articles")
                await self.month_lost(month)
                break
            if await self.state.add(IDS, str(aid)):
                out.append((aid, url))
        return out

    async def claim_slug(self, slug: str) -> bool:
        """A slug-only link is resolved once per run, while the budget lasts."""
        return await self.budget_left() and bool(await self.state.add(SLUGS, slug))

    async def parsed(self, article_id: int, requested: int | None = None) -> bool:
        """An article page was read: False when this id was read already (two URLs, one
        canonical article)."""
        await self.state.add(READ_IDS, *{str(article_id), str(requested or article_id)})
        await self.state.add(IDS, str(article_id))
        return bool(await self.state.add(PARSED, str(article_id)))

    async def done(self, article_id: int | None) -> None:
        """Nothing more is owed for this id in this run, and nothing will be stored: it is
        gone for good, or its page is no article."""
        if article_id is not None:
            await self.state.add(DONE, str(article_id))

    async def known(self, ids: list[int]) -> dict[int, datetime | None]:
        """Which of ``ids`` an earlier run stored, asked in batches; {} if unknowable."""
        out: dict[int, datetime | None] = {}
        if self.store is None or not self.incremental or not ids:
            return out
        for i in range(0, len(ids), self.known_batch):
            try:
                out.update(await self.store.articles.known_ids(ids[i:i + self.known_batch]))
            except Exception as exc:
                logger.warning("known-id lookup failed (%s): fetching those articles",
                               type(exc).__name__)
                self.stats.inc_value("spider/store_lookup_errors")
                break
            self.stats.inc_value("spider/store_lookups")
        return out

    async def flags(self, name: str, members: list[str]) -> list[bool]:
        many = getattr(self.state, "contains_many", None)
        if many is not None:
            return await many(name, members)
        return [await self.state.contains(name, m) for m in members]

    # -- months --------------------------------------------------------------------------
    async def plan_months(self, entries: list[tuple[str, str | None]]) -> list[tuple[str, str,
                                                                                     bool]]:
        """Monthly sitemaps ``(loc, lastmod)`` of the index to read: ``(loc, state key,
        refresh)``, inside the window, newest first (the index is not sorted). In
        incremental runs a month is skipped while its ``lastmod`` stands still, yields
        its new articles when it moved, and is re-read whole when a recheck is due."""
        months = sorted(((ym, loc, lastmod_stamp(raw)) for loc, raw in entries
                         if (ym := month_of_sitemap(loc)) and self.month_in_window(*ym)),
                        reverse=True)
        keys = [month_key(loc) for _, loc, _ in months]
        previous = await self.remembered(keys)
        states = [previous.get(k) for k in keys]
        trust = trusted([stamp for *_, stamp in months], states)
        if not trust:
            logger.warning("every changed month has the same lastmod: taken as the build time "
                           "of the index, not as edits")
        now = datetime.now(timezone.utc)
        out = []
        for (_, loc, stamp), key, state in zip(months, keys, states, strict=True):
            if not await self.budget_left():
                self.stats.inc_value("spider/months_over_max_articles")
                break
            plan = plan_month(stamp, state, now, self.recheck, trust) \
                if self.incremental else "full"
            self.stats.inc_value(f"spider/months/{plan}")
            if plan == "skip":
                continue
            await self.state.put(PLANS, key, json.dumps(
                [plan, stamp, state.as_value() if state else None]))
            out.append((loc, key, self.incremental and plan == "full"))
        return out

    async def remembered(self, keys: list[str]) -> dict[str, MonthState | None]:
        if self.store is None or not keys:
            return {}
        try:
            stored = await self.store.state.get(keys)
        except Exception as exc:
            logger.warning("sitemap state unavailable (%s): reading every month",
                           type(exc).__name__)
            return {}
        return {k: MonthState.load(v) for k, v in stored.items()}

    async def month_read(self, month: str) -> None:
        """The month's file was read to the end."""
        await self.state.add(READ, month)

    async def month_lost(self, month: str | None) -> None:
        """An article of the month will not be fetched in this run (window, budget)."""
        if month is not None:
            await self.state.add(INCOMPLETE, month)

    async def complete_months(self) -> dict[str, dict[str, str]]:
        """The state of every month read whole in this run: its file read to the end and
        every article it owed read and stored (or gone). Stored is asked of the store:
        a worker that died had read articles it never stored."""
        plans = await self.state.items(PLANS)
        if not plans:
            return {}
        months, lost = await self.state.members(READ), await self.state.members(INCOMPLETE)
        done, read = await self.state.members(DONE), await self.state.members(READ_IDS)
        now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        owed: dict[str, set[str]] = {}
        for key in plans:
            if key in months and key not in lost:
                owed[key] = await self.state.members(need(key)) - done
        unread = {key for key, ids in owed.items() if ids - read}
        stored = await self.stored({i for key, ids in owed.items() if key not in unread
                                    for i in ids})
        out = {}
        for key, ids in owed.items():
            plan, stamp, previous = json.loads(plans[key])
            if stamp and key not in unread and ids <= stored:
                out[key] = MonthState.after(plan, stamp, MonthState.load(previous),
                                            now).as_value()
        return out

    def on_writing(self, batch: list[dict]) -> None:
        for doc in batch:
            self.written.add(str(doc.get("article_id")))

    async def stored(self, ids: set[str]) -> set[str]:
        """Which of ``ids`` are in the store (all of them when there is no store to ask:
        then nothing is remembered anyway). Those this process wrote are not asked about:
        at archive scale that would be 100,000 reads at close."""
        if self.store is None:
            return ids
        out = {i for i in ids if i in self.written}
        keys = sorted(int(i) for i in ids if i not in out)
        for i in range(0, len(keys), self.known_batch):
            out.update(map(str, await self.store.articles.known_ids(keys[i:i + self.known_batch])))
        return out

    # -- listings and news sitemaps --------------------------------------------------------
    async def first_page(self, section: str, caught_up: bool) -> str | None:
        """A section's first listing page was read (or failed: not caught up). Returns
        the section's news sitemap when it waits for this page and is worth reading."""
        await self.state.put(FIRST_PAGES, section, "caught_up" if caught_up else "behind")
        waiting = await self.state.get(NEWS_WAITING, section)
        return None if caught_up else waiting

    async def news_sitemap(self, section: str, url: str) -> bool:
        """Read a section's news sitemap now? In incremental runs with a store, a section
        with a listing seed decides by its first page: caught up (it showed stored
        articles) means nothing newer is missing. Nobody waits: when the first page is
        not read yet, the URL waits here and :meth:`first_page` hands it on."""
        if not (self.incremental and self.store is not None) or \
                section not in self.listing_sections:
            return True
        await self.state.put(NEWS_WAITING, section, url)
        status = await self.state.get(FIRST_PAGES, section)
        if status == "caught_up":
            self.stats.inc_value("spider/news_sitemap_caught_up")
        elif status is None:
            self.stats.inc_value("spider/news_sitemap_after_listing")
        return status == "behind"
