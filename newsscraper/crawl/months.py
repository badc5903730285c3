"""Monthly sitemaps between runs: what a crawl remembers of each, and how it reads one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from newsscraper.cleaning.functions import to_utc

_MONTH_FILE = re.compile(r"/(\d{4})-(\d{1,2})\.xml$")


def month_of_sitemap(loc: str) -> tuple[int, int] | None:
    """``(2024, 5)`` for a monthly sitemap such as ``/sitemap/2024-5.xml``, else None."""
    m = _MONTH_FILE.search(urlsplit(loc).path)
    return (int(m.group(1)), int(m.group(2))) if m else None


def month_key(loc: str) -> str:
    """State key of a monthly sitemap: its path (a replica's ports change between runs)."""
    return f"sitemap:{urlsplit(loc).path}"


def lastmod_stamp(raw: str | None) -> str:
    """A sitemap ``lastmod`` as the state keeps it (ISO, UTC); "" when missing or
    unreadable, which plans the month as never read."""
    moment = to_utc(raw) if raw else None
    return moment.isoformat() if moment else ""


@dataclass(frozen=True)
class MonthState:
    """What the crawl remembers of one monthly sitemap between runs (``crawl_state``)."""

    seen: str
    """``lastmod`` when the month's file was last read to the end."""
    full: str
    """``lastmod`` when every article of the month was last fetched or found stored."""
    full_at: str = ""
    """Our clock (ISO, UTC) at that full read."""

    @classmethod
    def load(cls, value: Any) -> MonthState | None:
        """The state as stored, or None when there is none (or it is unreadable)."""
        if isinstance(value, str):  # the state of earlier versions: a plain lastmod
            return cls(value, value)
        if isinstance(value, dict) and value.get("seen") and value.get("full"):
            return cls(str(value["seen"]), str(value["full"]), str(value.get("full_at") or ""))
        return None

    @classmethod
    def after(cls, plan: str, stamp: str, state: MonthState | None, now: str) -> MonthState:
        """The state once a month was read to the end under ``plan``."""
        if plan == "new" and state is not None:
            return cls(stamp, state.full, state.full_at)
        return cls(stamp, stamp, now)

    def as_value(self) -> dict[str, str]:
        return {"seen": self.seen, "full": self.full, "full_at": self.full_at}


def plan_month(stamp: str, state: MonthState | None, now: datetime, recheck: timedelta,
               trust: bool = True) -> str:
    """How an incremental run reads a monthly sitemap whose index entry says ``stamp``:

    - ``read``: never read (or no lastmod): its articles not stored yet;
    - ``skip``: nothing moved since it was last read whole, or since its last read while
      a recheck is not due;
    - ``new``: it moved, a recheck is not due: the articles not stored yet;
    - ``full``: it moved and a recheck is due: every article, stored or not.
    """
    if state is None or not stamp:
        return "read"
    if stamp == state.full:
        return "skip"
    due = trust and (_elapsed(state.full, stamp) >= recheck
                     or (bool(state.full_at) and _elapsed(state.full_at, now) >= recheck))
    if due:
        return "full"
    return "skip" if stamp == state.seen else "new"


def trusted(stamps: list[str], states: list[MonthState | None]) -> bool:
    """False when every moved month has the same ``lastmod``: that is the build time of
    the index, not edits."""
    moved = [s for s, state in zip(stamps, states, strict=True)
             if s and state is not None and s != state.full]
    return not (len(moved) > 1 and len(set(moved)) == 1)


def _elapsed(earlier: str | datetime, later: str | datetime) -> timedelta:
    a, b = to_utc(earlier), to_utc(later)
    if a is None or b is None:
        return timedelta.max  # unreadable: better read whole than miss edits
    return b - a


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
