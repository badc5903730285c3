"""The router: a rendered site's pages by origin and path, and the responses built on the
fly for routes that take a free parameter (an offset, a timestamp, a wrong slug).

Routes of the www origin (``RenderedSite.get``):

- ``/{Y}/{m}/{d}/{slug}-a{id}``: the article (404 or 410 when removed in this epoch);
  any other date or slug with a known id -> 301 to the canonical URL;
  ``/{Y}/{m}/{d}/{slug}`` (no id, e.g. the render-dated related links) -> 301 by slug;
  ``.../pdf`` -> a PDF; ``/(articles|news|photogalleries)/{slug}-{id}`` -> 301;
  ``/all/{id}`` -> the infinite-scroll fragment (no ``<head>``).
- ``/{section}``, ``/videos``, ``/galleries``, ``/podcasts``: listing pages (lead card
  + 18, "View more" from 19 in steps of 18); ``/tag/{slug or title}``: the same with 20
  cards (canonical and "View more" on the title). ``/{section}/{offset}`` -> 18 cards
  from the SQL offset, an empty body past the end; ``/tag/{title}/{offset}`` and
  ``/{videos,galleries,podcasts}/{offset}`` -> 20 cards (so pages overlap), the full page
  for offset 0.
- ``/author/{slug}``: up to 100 cards, no canonical, no og tags.
- ``/live/{id}/{from}``: the live blog's posts after the Unix time ``from`` (0: all).
- ``/rss/{news,opinion,city,arts-and-life,meanwhile,podcasts,in-depth,all,yandex-news}``.
- ``/robots.txt``, ``/``, ``/favicon.ico``. Static origin: ``/sitemap/sitemap.xml`` (index),
  ``/sitemap/{Y}-{M}.xml``, ``/sitemap/newsmap.xml`` + its section files; the look of the
  site from ``data/``: ``/css/main.css`` (the replica's own stylesheet), the logos under
  ``/img/`` and the favicon; ``/image/...``: one of a few small grey-toned PNG "photos",
  the same one for a given URL.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from newsscraper.replica.markup import jenc
from newsscraper.replica.templating import fill
from newsscraper.sites.moscowtimes.site import REAL_STATIC as REAL_STATIC  # re-exported
from newsscraper.sites.moscowtimes.site import REAL_WWW as REAL_WWW  # re-exported

if TYPE_CHECKING:
    from newsscraper.replica.faults import FaultInjector
    from newsscraper.replica.render import Renderer

LISTING_STEP = 18  # cards per section "View more" fragment, and the button's step

TAG_PER_CALL = 20  # cards per tag / type fragment (the button still steps 18: overlap)

HTML = "text/html; charset=UTF-8"

XML = "application/xml; charset=UTF-8"

JSON = "application/json"


@dataclass
class Page:
    """One response. ``delay`` and ``truncate`` are set by fault profiles only."""

    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0
    """Seconds the server waits before answering."""
    truncate: bool = False
    """Declare the full ``Content-Length``, send half the body, close the connection."""


def response(status: int, body: bytes, ctype: str = HTML) -> Page:
    return Page(status, {"Content-Type": ctype}, body)


NOT_FOUND = response(404, fill("not_found").encode())

GONE = response(
    410,
    NOT_FOUND.body.replace(b"<h1>404</h1>", b"<h1>410</h1>").replace(
        b"does not exist.", b"has been removed."
    ),
)

PDF = response(200, b"%PDF-1.4\n% replica: the article as a PDF\n%%EOF\n", "application/pdf")

PHOTOS = 6  # data/photo{0..5}.png: small grey-toned "photos", one picked per image URL


@cache
def asset(name: str) -> bytes:
    """A file of ``data/``, read once per process."""
    return resources.files("newsscraper.replica").joinpath(f"data/{name}").read_bytes()


@cache
def static_assets() -> dict[str, Page]:
    """The stylesheet, logos and favicon the pages link to, on the static origin."""
    return {
        "/css/main.css": response(200, asset("style.css"), "text/css; charset=UTF-8"),
        "/img/logo_tmt_30_yo.svg": response(200, asset("logo.svg"), "image/svg+xml"),
        "/img/logo.png": response(200, asset("logo.png"), "image/png"),  # JSON-LD publisher, 50x50
        "/img/logo_1280.png": response(200, asset("logo_1280.png"), "image/png"),  # JSON-LD org
        "/img/icons/favicon.ico": response(200, asset("favicon.ico"), "image/x-icon"),
    }


@cache
def photo(k: int) -> Page:
    return response(200, asset(f"photo{k}.png"), "image/png")


@dataclass
class RenderedSite:
    """All pages of one rendering of a model for one pair of origins."""

    base_url: str
    static_url: str
    pages: dict[str, Page] = field(default_factory=dict)
    """www origin, by exact path."""
    static_pages: dict[str, Page] = field(default_factory=dict)
    """static origin, by exact path."""
    canonical_by_id: dict[int, str] = field(default_factory=dict)  # id -> canonical path
    path_by_slug: dict[str, str] = field(default_factory=dict)  # slug -> canonical path
    removed: dict[int, int] = field(default_factory=dict)  # id -> 404 | 410
    fragments: dict[str, list[str]] = field(default_factory=dict)  # listing path -> cards
    tag_paths: dict[str, str] = field(default_factory=dict)  # slug or title -> listing path
    live_posts: dict[int, list[tuple[float, dict]]] = field(default_factory=dict)
    next_ids: dict[int, int] = field(default_factory=dict)  # id -> next older id
    faults: FaultInjector | None = None
    renderer: Renderer | None = field(default=None, repr=False)

    def get(self, path: str, origin: str = "www") -> Page:
        """The response for ``path`` (with its query string) on the ``www`` or ``static``
        origin, after the fault profile, if any, had its say. Unknown paths: a 404 page."""
        page = self.route(path, origin)
        if self.faults is not None:
            page = self.faults.apply(origin, path, page)
        return page

    def route(self, path: str, origin: str = "www") -> Page:
        """The fault-free response for ``path``."""
        bare = path.split("?", 1)[0].split("#", 1)[0]
        if len(bare) > 1:
            bare = bare.rstrip("/")
        if origin == "static":
            page = self.static_pages.get(bare)
            if page is None and bare.startswith("/image/"):
                return photo(zlib.crc32(bare.encode()) % PHOTOS)  # the same one per URL
            return page or NOT_FOUND
        page = self.pages.get(bare)
        return page if page is not None else self._dynamic(bare)

    def _redirect(self, path: str) -> Page:
        return Page(301, {"Location": self.base_url + path, "Content-Type": HTML}, b"")

    def _dynamic(self, bare: str) -> Page:
        m = re.fullmatch(r"/\d{4}/\d{2}/\d{2}/([a-z0-9-]+?)(?:-a(\d+))?(/pdf)?", bare)
        if m:
            slug, aid, pdf = m.groups()
            if aid:
                if int(aid) in self.removed:
                    return GONE if self.removed[int(aid)] == 410 else NOT_FOUND
                target = self.canonical_by_id.get(int(aid))
            else:
                target = self.path_by_slug.get(slug)
            if target is None:
                return NOT_FOUND
            if pdf:
                return PDF
            return self._redirect(target) if bare != target else NOT_FOUND
        m = re.fullmatch(r"/(?:articles|news|photogalleries)/[a-z0-9-]+-(\d+)", bare)
        if m and int(m.group(1)) in self.canonical_by_id:
            return self._redirect(self.canonical_by_id[int(m.group(1))])
        m = re.fullmatch(r"/all/(\d+)", bare)
        if m and int(m.group(1)) in self.next_ids and self.renderer is not None:
            # rendered on first request: crawlers skip these, and they double the memory
            aid = int(m.group(1))
            page = self.pages[bare] = response(
                200,
                self.renderer.all_fragment(self.renderer.m.by_id[aid], self.next_ids[aid]).encode(),
            )
            return page
        m = re.fullmatch(r"/live/(\d+)/(\d+)", bare)
        if m:
            posts = self.live_posts.get(int(m.group(1)))
            if posts is None:
                return NOT_FOUND
            since = int(m.group(2))
            return response(200, jenc([p for t, p in posts if t > since]).encode(), JSON)
        m = re.fullmatch(r"(/[a-z-]+|/tag/[^/]+)/(\d+)", bare)
        if m:
            listing = m.group(1)
            if listing.startswith("/tag/"):
                listing = self.tag_paths.get(unquote_plus(listing[5:]), "")
            cards = self.fragments.get(listing)
            if cards is None:
                return NOT_FOUND
            offset = int(m.group(2))
            if listing.startswith(("/tag/", "/videos", "/galleries", "/podcasts")):
                if offset == 0:  # these show the full page for offset 0
                    return self.pages[listing]
                per_call = TAG_PER_CALL
            else:
                per_call = LISTING_STEP
            return response(200, "".join(cards[offset : offset + per_call]).encode())
        m = re.fullmatch(r"/tag/([^/]+)", bare)
        if m and unquote_plus(m.group(1)) in self.tag_paths:
            return self.pages[self.tag_paths[unquote_plus(m.group(1))]]
        return NOT_FOUND
