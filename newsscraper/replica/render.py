"""Render a :class:`SiteModel` into the pages the real site serves, in its real markup.

The markup follows the site's published templates (June 2024) as the team's notes on
the site document them, line for line where a sample page exists (the article page,
the "View more" fragment, the RSS feed, the sitemaps, the live-blog JSON): article pages
of every type, section listings and their "View more" fragments, tag and author pages,
RSS feeds, sitemaps on the static origin, robots.txt, live-blog JSON, and the server's
redirects. Every page is rendered once, up front, into bytes; only the few routes that
take a free parameter (an offset, a timestamp, a wrong slug) are answered on the fly
from pre-rendered pieces.

The pieces: :mod:`~newsscraper.replica.site` (the router and the responses),
:mod:`~newsscraper.replica.article_pages` and :mod:`~newsscraper.replica.index_pages`
(which template each page uses, and the values it is filled with),
``replica/templates/`` (the markup, one file per template, see
:mod:`~newsscraper.replica.templating`), :mod:`~newsscraper.replica.markup` (escaping and
formatting) and ``replica/data/`` (the real article's text, the stylesheet, logos and
photos).
"""

from __future__ import annotations

from newsscraper.replica.article_pages import ArticlePages
from newsscraper.replica.index_pages import LISTING_FIRST, MEDIA_LISTINGS
from newsscraper.replica.markup import esc, iso, jenc
from newsscraper.replica.model import ArticleSpec, SiteModel
from newsscraper.replica.site import (
    HTML,
    JSON,
    LISTING_STEP,
    NOT_FOUND,
    REAL_STATIC,
    REAL_WWW,
    TAG_PER_CALL,
    XML,
    Page,
    RenderedSite,
    response,
)


class Renderer(ArticlePages):
    """Turns the model into pages for one pair of origins."""

    # -- the whole site ----------------------------------------------------------------
    def render(self) -> RenderedSite:
        self.site = RenderedSite(self.www, self.static, renderer=self)
        older = {a.id: b.id for a, b in zip(self.live, self.live[1:], strict=False)}
        for a in self.m.articles:
            self.add_page(a, older.get(a.id, a.id - 1))
        self.indexes()
        return self.site

    def add_page(self, a: ArticleSpec, next_id: int) -> None:
        """The article's own routes: its page, or its 404/410, and a live blog's posts."""
        site, p = self.site, self.site.pages
        site.canonical_by_id[a.id] = a.path
        site.path_by_slug[a.slug] = a.path
        if a.removed:
            site.removed[a.id] = a.removed
            return
        p[a.path] = response(200, self.article_page(a, next_id).encode())
        site.next_ids[a.id] = next_id
        if a.type == "live":
            posts = site.live_posts[a.id] = self.live_posts(a)
            p[f"/live/{a.id}/0"] = response(200, jenc([post for _t, post in posts]).encode(), JSON)

    def publish(self, a: ArticleSpec) -> None:
        """Add ``a``, newer than every article, to the model and the rendered site: its
        page, and every listing, feed and sitemap it appears in. Pages already rendered
        keep their sidebar, as pages in a cache do."""
        self.m.articles.append(a)
        self.m.by_id[a.id] = a
        self.m.by_slug[a.slug] = a
        next_id = self.live[0].id if self.live else a.id - 1
        self.live.insert(0, a)
        self._sidebar = None
        self.add_page(a, next_id)
        self.indexes()


def render_site(
    model: SiteModel,
    base_url: str = REAL_WWW,
    static_url: str = REAL_STATIC,
    faults: str | None = None,
) -> RenderedSite:
    """Pre-render every page of ``model`` for the given origins; ``faults`` names a fault
    profile (see :mod:`newsscraper.replica.faults`) applied by :meth:`RenderedSite.get`."""
    site = Renderer(model, base_url, static_url).render()
    if faults:
        from newsscraper.replica.faults import FaultInjector

        site.faults = FaultInjector(faults, site)
    return site


__all__ = [
    "HTML",
    "JSON",
    "LISTING_FIRST",
    "LISTING_STEP",
    "MEDIA_LISTINGS",
    "NOT_FOUND",
    "REAL_STATIC",
    "REAL_WWW",
    "TAG_PER_CALL",
    "XML",
    "Page",
    "RenderedSite",
    "Renderer",
    "esc",
    "iso",
    "render_site",
]
