"""The arguments a scheduler passes to a crawl (``-a name=value``), checked up front.

They are the crawl's, not one spider's: the spider parses them and the ledger
(:mod:`newsscraper.crawl.ledger`) decides by them what is in scope, so they live here,
below both.

Every value arrives as a string from the command line (or as a Python value from a
``CrawlerRunner``); a bad one raises :class:`ArgumentError` naming the argument, before
any request is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from newsscraper import __version__
from newsscraper.sites.moscowtimes.site import REAL_STATIC, REAL_WWW

MODES = ("incremental", "full")
_SECTION = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[A-Za-z0-9_%-]+)?$")


class ArgumentError(ValueError):
    """A spider argument that cannot be used; the message says which and why."""


def parse_day(value: Any, name: str, today: date | None = None) -> date | None:
    """``2024-05-17``, or ``31d`` for 31 days before today (UTC); empty means none."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if text.endswith("d") and text[:-1].isdigit():
        try:
            return (today or datetime.now(timezone.utc).date()) - timedelta(days=int(text[:-1]))
        except OverflowError:
            raise ArgumentError(f"{name}: {value!r} reaches before year 1") from None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentError(f"{name} must be YYYY-MM-DD or Nd (N days ago), got {value!r}") \
            from None


def parse_count(value: Any, name: str, default: int | None, minimum: int) -> int | None:
    if value is None or value == "":
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ArgumentError(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ArgumentError(f"{name} must be at least {minimum}, got {number}")
    return number


def parse_origin(value: Any, name: str, default: str) -> str:
    """An origin such as ``http://127.0.0.1:8000``, without a trailing slash."""
    if value is None or value == "":
        return default
    text = str(value).strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ArgumentError(f"{name} must be an http(s) origin such as "
                            f"http://127.0.0.1:8000, got {value!r}")
    return text


@dataclass(frozen=True)
class CrawlArguments:
    """What one crawl covers; the field defaults are the crawl's defaults (the one place
    they are written). See :class:`~newsscraper.spiders.moscowtimes.MoscowTimesSpider`."""

    base_url: str = REAL_WWW
    static_url: str = REAL_STATIC
    since: date | None = None
    until: date | None = None
    max_articles: int | None = None
    related_depth: int = 2
    sections: frozenset[str] | None = None
    mode: str = "incremental"
    seeds: str | None = None

    @classmethod
    def parse(cls, base_url: Any = None, static_url: Any = None, since: Any = None,
              until: Any = None, max_articles: Any = None, related_depth: Any = None,
              sections: Any = None, mode: Any = None, seeds: Any = None,
              today: date | None = None) -> CrawlArguments:
        first = parse_day(since, "since", today)
        last = parse_day(until, "until", today)
        if first and last and first > last:
            raise ArgumentError(f"since ({first}) is after until ({last})")
        names: frozenset[str] | None = None
        if sections == "":  # -a sections= from an empty variable would mean every section
            raise ArgumentError("sections is empty; leave it out to crawl every section")
        if sections is not None:
            items = sections if isinstance(sections, (list, tuple, set, frozenset)) \
                else str(sections).split(",")
            names = frozenset(s.strip().strip("/") for s in items if s.strip().strip("/"))
            bad = sorted(s for s in names if not _SECTION.match(s))
            if bad or not names:
                raise ArgumentError(f"sections must be comma-separated listing names such "
                                    f"as news,opinion; got {sections!r}")
        chosen = cls.mode if mode in (None, "") else str(mode).strip()
        if chosen not in MODES:
            raise ArgumentError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        return cls(
            base_url=parse_origin(base_url, "base_url", cls.base_url),
            static_url=parse_origin(static_url, "static_url", cls.static_url),
            since=first, until=last,
            max_articles=parse_count(max_articles, "max_articles", None, 1),
            related_depth=parse_count(related_depth, "related_depth", cls.related_depth, 0) or 0,
            sections=names, mode=chosen,
            seeds=None if seeds in (None, "") else str(seeds))

    @classmethod
    def check_names(cls, names: Any) -> None:
        """Raise :class:`ArgumentError` for a name the spider does not take (a typo would
        otherwise crawl with the default). Names starting with ``_`` are a scheduler's
        (scrapyd's ``_job``)."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(n for n in names if n not in known and not str(n).startswith("_"))
        if unknown:
            raise ArgumentError(f"unknown argument {', '.join(unknown)}; the spider takes "
                                f"{', '.join(known)}")

    def section_allowed(self, section: str | None) -> bool:
        """Whether a page of ``section`` is in this crawl (every section without
        ``sections``)."""
        return self.sections is None or section in self.sections

    def as_record(self) -> dict[str, str]:
        """The arguments as the run record shows them (only those that were given)."""
        out = {"base_url": self.base_url, "static_url": self.static_url, "mode": self.mode,
               "related_depth": str(self.related_depth)}
        for name in ("since", "until", "max_articles", "seeds"):
            value = getattr(self, name)
            if value is not None:
                out[name] = str(value)
        if self.sections:
            out["sections"] = ",".join(sorted(self.sections))
        return out


def user_agent(contact: str | None) -> str:
    """The bot's User-Agent, naming the operator's contact (``NEWSSCRAPER_CONTACT``)."""
    contact = (contact or "").strip()
    return f"newsscraper/{__version__} (news archive crawler" + \
        (f"; +{contact})" if contact else ")")
