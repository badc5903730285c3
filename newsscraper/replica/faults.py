"""Fault profiles: the replica misbehaving the way real servers do. Off by default.

Profiles (``render_site(..., faults=PROFILE)``, ``ReplicaServer(model, faults=PROFILE)``,
``newsscraper replica serve --faults PROFILE``):

``flaky``
    Transient trouble that a crawler with retries (3 or more) gets through, with every
    page in the end. Which paths are hit is fixed by a CRC-32 of the path, so the same
    paths fail on every run; the attempt count is kept per path:

    - one path in eight (any page of either origin but ``/robots.txt``): 503 with
      ``Retry-After: 1`` on the first request, 500 on the second, the page on the third;
    - one article page in 50 of the rest: the first request stalls for
      ``STALL_SECONDS`` (longer than any sane download timeout), later ones are served;
    - one article page in 40 of the rest: every request is answered after 1.5 s.

``hostile``
    Fixed trap pages at article-looking URLs, linked as extra cards from ``/news`` so a
    crawl walks into them (ids 1-9 are no real articles; none has a truth record):

    =====================================  ==============================================
    ``/2025/11/01/stalled-story-a1``        never answers within 60 s (a timeout)
    ``/2025/11/01/truncated-story-a2``      declares its length, sends half, closes
    ``/2025/11/01/malformed-story-a3``      broken HTML: no head, unclosed tags, bad bytes
    ``/2025/11/01/huge-story-a4``           a 5 MB article page
    ``/2025/11/01/loop-story-a5``           301 -> ``loop-story-b-a6`` -> 301 back
    ``/2025/11/01/offsite-story-a7``        301 to another host (``localhost``)
    ``/2025/11/01/not-an-article-a8``       200 with a listing page, not an article
    ``/2025/11/01/slow-story-a9``           a real article's markup, after 3 s
    =====================================  ==============================================

``all``
    Both.

``redesign``
    At least a third of the article pages (40%, picked from the model's seed, the same
    ones on every run) in a layout no parser knows: renamed classes, the byline moved
    to the end, no JSON-LD (:mod:`newsscraper.replica.redesign`). Everything else is
    served as usual. A crawl of it reads no body from those pages and drops them
    (``validate/dropped/missing_body``, in the run record's ``counts.dropped``), which
    the close-of-spider monitors report (exit 4); not stored, they are fetched again by
    the next run. Not part of ``all``.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Mapping

from newsscraper.replica.redesign import redesign, redesigned_paths
from newsscraper.replica.responses import HTML, Page, bare_path

PROFILES = ("flaky", "hostile", "all", "redesign")
TRAP_PREFIX = "/2025/11/01/"
STALL_SECONDS = 60.0
FLAKY_STALL_SECONDS = 30.0
SLOW_SECONDS = 1.5
HUGE_BYTES = 5 * 1024 * 1024

BUSY = Page(503, {"Retry-After": "1", "Content-Type": HTML},
            b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
            b"<center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n")
ERROR = Page(500, {"Content-Type": HTML},
             b"<html><head><title>500 Internal Server Error</title></head><body>"
             b"<center><h1>500 Internal Server Error</h1></center></body></html>\n")


def flaky_kind(path: str) -> str | None:
    """What the ``flaky`` profile does to ``path``: ``5xx``, ``stall``, ``slow`` or None."""
    if path == "/robots.txt":
        return None
    h = zlib.crc32(path.encode())
    if h % 8 == 0:
        return "5xx"
    if _is_article_path(path):
        if h % 50 == 3:
            return "stall"
        if h % 40 == 1:
            return "slow"
    return None


def _is_article_path(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 5 and parts[1].isdigit() and "-a" in parts[4]


class FaultInjector:
    """Decides, per request, whether a fault replaces or changes the normal response.

    Built from the rendered www ``pages`` as they are before any publication (the traps
    copy an article page and ``/news``; ``redesign`` picks its article paths with
    ``seed``); it holds no reference to the site and changes none of its pages: the
    trap cards of ``hostile`` are added to ``/news`` as it is served."""

    def __init__(self, profile: str, base_url: str, pages: Mapping[str, Page], seed: int) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown fault profile {profile!r}; choose from {PROFILES}")
        self.profile = profile
        self.base_url = base_url
        self.flaky = profile in ("flaky", "all")
        self.hostile = profile in ("hostile", "all")
        self.attempts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self.traps = _trap_pages(base_url, pages) if self.hostile else {}
        self._news: tuple[Page | None, Page | None] = (None, None)  # (as rendered, with traps)
        self.redesigned: set[str] = set()
        if profile == "redesign":
            self.redesigned = redesigned_paths([p for p in pages if _is_article_path(p)], seed)
        self._new_layout: dict[str, Page] = {}

    def apply(self, origin: str, target: str, page: Page) -> Page:
        """The response to send instead of ``page`` (``page`` itself when no fault)."""
        path = target.split("?", 1)[0]
        if self.hostile and origin == "www":
            if path.startswith(TRAP_PREFIX):
                trap = self.traps.get(path[len(TRAP_PREFIX):])
                if trap is not None:
                    return trap
            if bare_path(target) == "/news":
                page = self._with_trap_cards(page)
        if path in self.redesigned and origin == "www" and page.status == 200:
            return self._redesigned(path, page)
        if not self.flaky:
            return page
        kind = flaky_kind(path)
        if kind is None:
            return page
        if kind == "slow":
            return Page(page.status, page.headers, page.body, delay=SLOW_SECONDS)
        with self._lock:
            n = self.attempts.get((origin, path), 0)
            self.attempts[(origin, path)] = n + 1
        if kind == "5xx" and n < 2:
            return BUSY if n == 0 else ERROR
        if kind == "stall" and n == 0:
            return Page(page.status, page.headers, page.body, delay=FLAKY_STALL_SECONDS)
        return page

    def _redesigned(self, path: str, page: Page) -> Page:
        # rendered on first request: an lxml round trip per page is too slow to do up front
        done = self._new_layout.get(path)
        if done is None:
            done = self._new_layout[path] = Page(200, page.headers, redesign(page.body))
        return done

    def _with_trap_cards(self, page: Page) -> Page:
        """``/news`` with a card per trap on top, so a crawl walks into them; made once
        per rendering of the page (a publication renders it again)."""
        rendered, linked = self._news
        if page is not rendered or linked is None:
            linked = _link_traps(page, self.base_url, list(self.traps))
            self._news = (page, linked)
        return linked


def _trap_pages(base_url: str, pages: Mapping[str, Page]) -> dict[str, Page]:
    some = next(p for path, p in pages.items() if _is_article_path(path))
    marker = b'<div class="article__content" y-name="article-content">'
    huge = some.body.replace(marker, marker + b"\n<!-- " + b"x" * HUGE_BYTES + b" -->\n", 1)
    malformed = (b"<html><body><article class='article'><h1>Broken <b>page<div>"
                 b"<p>unclosed <p>paragraphs \xff\xfe<script>var x = '</div></body>")

    def moved(location: str) -> Page:
        return Page(301, {"Location": location, "Content-Type": HTML}, b"")

    offsite = base_url.replace("127.0.0.1", "localhost")
    if offsite == base_url:
        offsite = "https://elsewhere.example"
    www = base_url + TRAP_PREFIX
    return {
        "stalled-story-a1": Page(200, {"Content-Type": HTML}, some.body, delay=STALL_SECONDS),
        "truncated-story-a2": Page(200, {"Content-Type": HTML}, some.body, truncate=True),
        "malformed-story-a3": Page(200, {"Content-Type": HTML}, malformed),
        "huge-story-a4": Page(200, {"Content-Type": HTML}, huge),
        "loop-story-a5": moved(www + "loop-story-b-a6"),
        "loop-story-b-a6": moved(www + "loop-story-a5"),
        "offsite-story-a7": moved(offsite + "/elsewhere/story"),
        "not-an-article-a8": pages["/news"],
        "slow-story-a9": Page(200, {"Content-Type": HTML}, some.body, delay=3.0),
    }


def _link_traps(page: Page, base_url: str, names: list[str]) -> Page:
    """``page`` (``/news``) with a card per trap at the top of its cluster."""
    cards = "".join(
        f'\t<div class="col-4 col-12-md col-4-sm">\n\t\t<div\n\tclass="article-excerpt-default '
        f'article-excerpt-default--news"\n\tdata-url="{base_url}{TRAP_PREFIX}{n}"\n\t'
        f'data-title="{n}"\n>\n\t<a href="{base_url}{TRAP_PREFIX}{n}" '
        f'class="article-excerpt-default__link" title="{n}">\n\t\t<div '
        f'class="article-excerpt-default__content">\n\t\t\t<h3 class="article-excerpt-default__'
        f'headline">{n}</h3>\n\t\t</div>\n\t</a>\n</div>\t</div>\n'
        for n in names if not n.startswith("loop-story-b"))
    marker = b'<div class="row-flex">\n'
    return Page(page.status, page.headers, page.body.replace(marker, marker + cards.encode(), 1))
