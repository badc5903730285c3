"""A :class:`SiteModel` rendered into the pages the real site serves, in its real markup,
and the router that answers requests from them.

The markup follows the site's published templates (June 2024) as the team's notes on
the site document them, line for line where a sample page exists (the article page,
the "View more" fragment, the RSS feed, the sitemaps, the live-blog JSON). Every page is
rendered once, up front, into bytes; only the few routes that take a free parameter (an
offset, a timestamp, a wrong slug) are answered on the fly from pre-rendered pieces.

:class:`RenderedSite` owns the renderers, each given what it needs:
:class:`~newsscraper.replica.article_pages.ArticlePages`,
:class:`~newsscraper.replica.index_pages.IndexPages` and
:class:`~newsscraper.replica.feeds.Feeds` (which template each page uses, and the values
it is filled with), sharing the site's shell (:mod:`~newsscraper.replica.shell`), the
article cards (:mod:`~newsscraper.replica.cards`) and the URLs
(:mod:`~newsscraper.replica.links`). A fault profile
(:mod:`~newsscraper.replica.faults`) decorates the responses the router gives.
``replica/templates/`` holds the markup, one file per template (see
:mod:`~newsscraper.replica.templating`), and ``replica/data/`` the real article's text,
the stylesheet, logos and photos.

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
from urllib.parse import unquote_plus

from newsscraper.replica.article_pages import ArticlePages
from newsscraper.replica.cards import Cards
from newsscraper.replica.faults import FaultInjector
from newsscraper.replica.feeds import Feeds
from newsscraper.replica.index_pages import LISTING_STEP, TAG_PER_CALL, IndexPages
from newsscraper.replica.links import Links
from newsscraper.replica.markup import jenc
from newsscraper.replica.model import ArticleSpec, SiteModel
from newsscraper.replica.responses import (
    GONE,
    HTML,
    JSON,
    NOT_FOUND,
    PDF,
    PHOTOS,
    Page,
    bare_path,
    photo,
    response,
    static_assets,
)
from newsscraper.replica.shell import Shell
from newsscraper.sites.moscowtimes.site import REAL_STATIC, REAL_WWW

STATIC_ROBOTS = b"User-agent: *\nDisallow:\n"


class RenderedSite:
    """All pages of one rendering of ``model`` for one pair of origins, and the router.

    ``faults``, when set, is a fault profile's injector: :meth:`get` passes it every
    response :meth:`route` gives."""

    def __init__(self, model: SiteModel, base_url: str = REAL_WWW,
                 static_url: str = REAL_STATIC) -> None:
        self.model = model
        self.links = Links.of(model.now, base_url, static_url)
        self.base_url = self.links.www
        self.static_url = self.links.static
        self.pages: dict[str, Page] = {}
        """www origin, by exact path."""
        self.static_pages: dict[str, Page] = {}
        """static origin, by exact path."""
        self.canonical_by_id: dict[int, str] = {}  # id -> canonical path
        self.path_by_slug: dict[str, str] = {}  # slug -> canonical path
        self.removed: dict[int, int] = {}  # id -> 404 | 410
        self.fragments: dict[str, list[str]] = {}  # listing path -> cards
        self.tag_paths: dict[str, str] = {}  # slug or title -> listing path
        self.live_posts: dict[int, list[tuple[float, dict]]] = {}
        self.next_ids: dict[int, int] = {}  # id -> next older id
        self.faults: FaultInjector | None = None
        # the live articles, newest first: the renderers list from it, publish() adds to it
        self.live = sorted(model.live_articles, key=lambda a: (a.published, a.id), reverse=True)
        cards = Cards(self.links)
        self.shell = Shell(self.links, self.live, cards)
        self.article_pages = ArticlePages(model, self.links, self.shell, cards)
        self.index_pages = IndexPages(self.links, self.live, self.shell, cards)
        self.feeds = Feeds(self.links, self.live)
        older = {a.id: b.id for a, b in zip(self.live, self.live[1:], strict=False)}
        for a in model.articles:
            self._add_article(a, older.get(a.id, a.id - 1))
        self._render_indexes()

    def _add_article(self, a: ArticleSpec, next_id: int) -> None:
        """The article's own routes: its page, or its 404/410, and a live blog's posts."""
        self.canonical_by_id[a.id] = a.path
        self.path_by_slug[a.slug] = a.path
        if a.removed:
            self.removed[a.id] = a.removed
            return
        self.pages[a.path] = response(200, self.article_pages.page(a, next_id).encode())
        self.next_ids[a.id] = next_id
        if a.type == "live":
            posts = self.live_posts[a.id] = self.article_pages.live_posts(a)
            self.pages[f"/live/{a.id}/0"] = response(
                200, jenc([post for _t, post in posts]).encode(), JSON)

    def _render_indexes(self) -> None:
        """Every page that lists articles: listings, tag and author pages, feeds,
        sitemaps, robots.txt and the home page."""
        listings = self.index_pages.listings()
        self.pages.update(listings.pages)
        self.fragments.update(listings.fragments)
        self.tag_paths.update(listings.tag_paths)
        self.pages.update(self.feeds.feeds())
        self.static_pages.update(self.feeds.sitemaps())
        self.pages["/robots.txt"] = self.index_pages.robots()
        self.static_pages["/robots.txt"] = response(200, STATIC_ROBOTS, "text/plain")
        self.static_pages.update(static_assets())
        self.pages["/favicon.ico"] = self.static_pages["/img/icons/favicon.ico"]  # browsers ask
        self.pages["/"] = self.index_pages.home()

    def publish(self, a: ArticleSpec) -> None:
        """Add ``a``, newer than every article, to the model and the rendered site: its
        page, and every listing, feed and sitemap it appears in. Pages already rendered
        keep their sidebar, as pages in a cache do."""
        self.model.add(a)
        next_id = self.live[0].id if self.live else a.id - 1
        self.live.insert(0, a)
        self.shell.forget_sidebar()
        self._add_article(a, next_id)
        self._render_indexes()

    def get(self, path: str, origin: str = "www") -> Page:
        """The response for ``path`` (with its query string) on the ``www`` or ``static``
        origin, after the fault profile, if any, had its say. Unknown paths: a 404 page."""
        page = self.route(path, origin)
        if self.faults is not None:
            page = self.faults.apply(origin, path, page)
        return page

    def route(self, path: str, origin: str = "www") -> Page:
        """The fault-free response for ``path``."""
        bare = bare_path(path)
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
        if m and int(m.group(1)) in self.next_ids:
            # rendered on first request: crawlers skip these, and they double the memory
            aid = int(m.group(1))
            page = self.pages[bare] = response(200, self.article_pages.all_fragment(
                self.model.by_id[aid], self.next_ids[aid]).encode())
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


def render_site(
    model: SiteModel,
    base_url: str = REAL_WWW,
    static_url: str = REAL_STATIC,
    faults: str | None = None,
) -> RenderedSite:
    """Pre-render every page of ``model`` for the given origins; ``faults`` names a fault
    profile (see :mod:`newsscraper.replica.faults`) applied by :meth:`RenderedSite.get`."""
    site = RenderedSite(model, base_url, static_url)
    if faults:
        site.faults = FaultInjector(faults, site.base_url, site.pages, model.seed)
    return site
