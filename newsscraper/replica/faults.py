"""Fault profiles: the replica misbehaving the way real servers do. Off by default.

Profiles (``--faults``):

- ``flaky``: one page in eight (article, listing and feed pages, chosen by a hash of the
  path) fails: first with 503 + ``Retry-After: 1``, then 500, then it serves normally, so
  a crawler that retries gets everything. Every 40th article path is slow (1.5 s).
- ``hostile``: the fixed trap pages below, linked as extra cards from ``/news``.
- ``all``: both.

Hostile trap paths (ids 1-9 are not real articles):

=======================================  =============================================
``/2025/11/01/stalled-story-a1``          never answers within 60 s (a timeout)
``/2025/11/01/truncated-story-a2``        declares a length, sends half, closes
``/2025/11/01/malformed-story-a3``        broken HTML: unclosed tags, no head, garbage
``/2025/11/01/huge-story-a4``             a 5 MB article page
``/2025/11/01/loop-story-a5``             301 -> ``loop-story-b-a6`` -> 301 back
``/2025/11/01/offsite-story-a7``          301 to another host (``localhost``)
``/2025/11/01/not-an-article-a8``         200, a listing page at an article URL
``/2025/11/01/slow-story-a9``             answers after 3 s
=======================================  =============================================
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass

from newsscraper.replica.render import HTML, Page, RenderedSite

PROFILES = ("flaky", "hostile", "all")
TRAP_PREFIX = "/2025/11/01/"


@dataclass
class Action:
    kind: str
    page: Page | None = None
    delay: float = 0.0

    async def run(self, writer: asyncio.StreamWriter, origin) -> bool:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.kind == "truncate":
            assert self.page is not None
            half = Page(self.page.status, self.page.headers, self.page.body[: len(self.page.body) // 2])
            origin.write(writer, half, declared_length=len(self.page.body))
            await writer.drain()
            return False  # close mid-body
        if self.page is not None:
            origin.write(writer, self.page)
            await writer.drain()
        return True


def _trap_pages(site: RenderedSite) -> dict[str, Action]:
    some = next(iter(p for path, p in site.pages.items()
                     if path.count("/") == 4 and p.status == 200 and "-a" in path))
    body = some.body
    huge = body.replace(b'<div class="article__content" y-name="article-content">',
                        b'<div class="article__content" y-name="article-content">'
                        + b"<!-- " + b"x" * (5 * 1024 * 1024) + b" -->", 1)
    malformed = (b"<html><body><article class='article'><h1>Broken <b>page<div>"
                 b"<p>unclosed <p>paragraphs \xff\xfe<script>var x = '</div></body>")
    listing = site.pages["/news"]
    loc = lambda target: {"Location": target}  # noqa: E731
    return {
        "stalled-story-a1": Action("serve", Page(200, {"Content-Type": HTML}, body), delay=60),
        "truncated-story-a2": Action("truncate", Page(200, {"Content-Type": HTML}, body)),
        "malformed-story-a3": Action("serve", Page(200, {"Content-Type": HTML}, malformed)),
        "huge-story-a4": Action("serve", Page(200, {"Content-Type": HTML}, huge)),
        "loop-story-a5": Action("serve", Page(301, loc(TRAP_PREFIX + "loop-story-b-a6"), b"")),
        "loop-story-b-a6": Action("serve", Page(301, loc(TRAP_PREFIX + "loop-story-a5"), b"")),
        "offsite-story-a7": Action("serve", Page(301, loc(
            site.base_url.replace("127.0.0.1", "localhost") + "/elsewhere"), b"")),
        "not-an-article-a8": Action("serve", listing),
        "slow-story-a9": Action("serve", Page(200, {"Content-Type": HTML}, body), delay=3),
    }


class FaultInjector:
    """Decides, per request, whether a fault replaces the normal response."""

    def __init__(self, profile: str, site: RenderedSite) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown fault profile {profile!r}; choose from {PROFILES}")
        self.flaky = profile in ("flaky", "all")
        self.hostile = profile in ("hostile", "all")
        self.site = site
        self.attempts: dict[str, int] = {}
        self.traps = _trap_pages(site) if self.hostile else {}
        if self.hostile:
            _link_traps(site, list(self.traps))

    def action(self, origin: str, target: str) -> Action | None:
        path = target.split("?", 1)[0]
        if self.hostile and path.startswith(TRAP_PREFIX):
            trap = self.traps.get(path[len(TRAP_PREFIX):])
            if trap is not None:
                return trap
        if self.flaky and origin == "www" and path not in ("/robots.txt",):
            h = zlib.crc32(path.encode())
            if h % 8 == 0:
                n = self.attempts.get(path, 0)
                self.attempts[path] = n + 1
                if n == 0:
                    return Action("serve", Page(503, {"Retry-After": "1", "Content-Type": HTML},
                                                b"<html><body>busy</body></html>"))
                if n == 1:
                    return Action("serve", Page(500, {"Content-Type": HTML}, b"error"))
            elif h % 40 == 1 and path.count("/") == 4:
                return Action("serve", self.site.get(target, origin), delay=1.5)
        return None


def _link_traps(site: RenderedSite, names: list[str]) -> None:
    """Add a card per trap to /news so a crawl walks into them."""
    cards = "".join(
        f'\t<div class="col-4 col-12-md col-4-sm"><div class="article-excerpt-default '
        f'article-excerpt-default--news" data-url="{site.base_url}{TRAP_PREFIX}{n}">'
        f'<a href="{site.base_url}{TRAP_PREFIX}{n}" class="article-excerpt-default__link" '
        f'title="{n}"><div class="article-excerpt-default__content">'
        f'<h3 class="article-excerpt-default__headline">{n}</h3></div></a></div></div>\n'
        for n in names if not n.startswith("loop-story-b"))
    page = site.pages["/news"]
    marker = b'<div class="row-flex">\n'
    site.pages["/news"] = Page(page.status, page.headers,
                               page.body.replace(marker, marker + cards.encode(), 1))
