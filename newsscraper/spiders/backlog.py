"""Sitemap entries waiting for the scheduler.

A monthly sitemap of the archive lists thousands of articles; made into requests at
once, every month's entries would wait in the scheduler as ``Request`` objects (about
3 kB each). The spider keeps each sitemap's locs as one string instead and hands them
to the crawl ledger a chunk at a time, as the scheduler drains (``start()`` keeps
yielding them, see :meth:`MoscowTimesSpider.drain_backlog`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass
class Listed:
    """The entries of one sitemap not requested yet."""

    locs: str
    """Every loc, one a line: one object for the whole sitemap, not one per entry."""
    source: str
    month: str | None
    refresh: bool
    whole: bool = True
    """False for a monthly sitemap cut short: never marked read."""
    pos: int = 0

    def take(self, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count and self.pos < len(self.locs):
            end = self.locs.find("\n", self.pos)
            end = len(self.locs) if end < 0 else end
            out.append(self.locs[self.pos:end])
            self.pos = end + 1
        return out

    @property
    def done(self) -> bool:
        return self.pos >= len(self.locs)


class SitemapBacklog:
    """Sitemaps read, in the order read, each handed out ``chunk`` entries at a time."""

    def __init__(self, chunk: int = 100) -> None:
        self.chunk = chunk
        self.waiting: deque[Listed] = deque()

    def __bool__(self) -> bool:
        return bool(self.waiting)

    def add(self, locs: list[str], source: str, month: str | None, refresh: bool,
            whole: bool = True) -> None:
        if locs:
            self.waiting.append(Listed("\n".join(locs), source, month, refresh, whole))

    def next_chunk(self) -> tuple[Listed, list[str]]:
        """The next entries, from the oldest sitemap waiting (dropped once handed out
        whole)."""
        listed = self.waiting[0]
        locs = listed.take(self.chunk)
        if listed.done:
            self.waiting.popleft()
        return listed, locs
