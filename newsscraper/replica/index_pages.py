"""Pages that list articles: listings and their "View more" fragments, tag and author
pages, the home page, RSS feeds and sitemaps; and the site's shell (header, sidebar)."""

from __future__ import annotations

import zlib
from functools import cached_property

from newsscraper.replica import feeds
from newsscraper.replica.base import RendererBase
from newsscraper.replica.markup import esc, iso, month_text
from newsscraper.replica.model import MSK, ORGANISATION, SECTIONS, ArticleSpec
from newsscraper.replica.site import (
    LISTING_STEP,
    TAG_PER_CALL,
    Page,
    response,
    static_assets,
)
from newsscraper.replica.templating import fill

LISTING_FIRST = 19  # lead card + 18 on a full listing page
AUTHOR_CARDS = 100
MEDIA_LISTINGS = {"videos": "video", "galleries": "gallery", "podcasts": "podcast"}
MENU = [
    ("news", "News"),
    ("opinion", "Opinion"),
    ("business", "Business"),
    ("ukraine-war", "Ukraine War"),
    ("climate", "Climate"),
    ("arts-and-life", "Arts & Life"),
    ("meanwhile", "Meanwhile"),
    ("diaspora", "The New Diaspora"),
    ("features", "Features"),
    ("lectures", "TMT Lecture Series"),
    ("videos", "Videos"),
    ("galleries", "Galleries"),
    ("podcasts", "Podcasts"),
]


class IndexPages(RendererBase):
    """The listing, feed and sitemap pages, and the pieces every page shares."""

    def indexes(self) -> None:
        """Every page that lists articles: listings, tag and author pages, feeds,
        sitemaps, robots.txt and the home page."""
        site, p = self.site, self.site.pages
        for key, (path, label, _bc, _rss) in SECTIONS.items():
            self.listing(p, path, label, [a for a in self.live if a.section == key])
        self.listing(p, "in-depth", "Features", [a for a in self.live if a.section == "indepth"])
        for path, kind in MEDIA_LISTINGS.items():
            self.listing(p, path, path.capitalize(), [a for a in self.live if a.type == kind])
        self.tags_and_authors(p)
        feeds.feeds(self, p)
        feeds.sitemaps(self, site.static_pages)
        p["/robots.txt"] = response(
            200, fill("robots.txt", static=self.static).encode(), "text/plain"
        )
        site.static_pages["/robots.txt"] = response(
            200, b"User-agent: *\nDisallow:\n", "text/plain"
        )
        site.static_pages.update(static_assets())
        p["/favicon.ico"] = site.static_pages["/img/icons/favicon.ico"]  # browsers ask for it
        home = fill("home", cards=self.cards(self.live[:19]))
        p["/"] = response(
            200,
            self.shell(
                "The Moscow Times - Independent News From Russia",
                self.www + "/",
                home,
                body_class="home",
            ).encode(),
        )

    @cached_property
    def _site_header(self) -> str:
        links = "".join(
            f'\n\t\t\t<li class="menu__item"><a href="{self.www}/{path}">{esc(label)}</a></li>'
            for path, label in MENU
        )
        return fill("site_header", www=self.www, static=self.static, links=links)

    def site_header(self) -> str:
        """The header every HTML page starts with (the same on every page)."""
        return self._site_header

    def sidebar(self) -> str:
        if self._sidebar is not None:
            return self._sidebar
        items = "".join(
            fill(
                "sidebar_item",
                url=self.url(s),
                title=esc(s.title),
                published=iso(s.published),
                date_text=month_text(s.published.astimezone(MSK)),
            )
            for s in self.live[:5]
        )
        self._sidebar = fill("sidebar", items=items, ranked=self.most_read())
        return self._sidebar

    def most_read(self) -> str:
        """The "Most read" tab: a fixed pick of recent articles, with their labels (the
        opinion label and author for opinion pieces)."""
        recent = self.live[:40]
        # columns top the chart: the newest opinion piece, then a fixed pick of the rest
        first = [a for a in recent if a.is_opinion][:1]
        rest = sorted((a for a in recent if a not in first),
                      key=lambda a: zlib.crc32(a.slug.encode()))
        picked = first + rest[: 5 - len(first)]
        return "".join(
            fill("ranked_item", rank=k, url=self.url(a), title=esc(a.title),
                 label=ranked_label(a), author=(
                     f'\n\t\t\t\t\t\t\t\t<span class="article-excerpt-ranked__author">\n'
                     f"\t\t\t\t\t{esc(a.authors[0].name)}\t\t\t\t</span>"
                     if a.is_opinion and a.authors else ""))
            for k, a in enumerate(picked, 1))

    # -- listings ------------------------------------------------------------------------
    def teaser(self, a: ArticleSpec) -> str:
        text = a.intro or self.first_text(a)
        return text if len(text) <= 150 else text[:147].rstrip() + "..."

    def card(self, a: ArticleSpec) -> str:
        card = self._cards.get(a.id)
        if card is None:
            card = self._cards[a.id] = self._card(a)
        return card

    def _card(self, a: ArticleSpec) -> str:
        label = card_label(a)
        lcls = " label--opinion article-excerpt-default__label--opinion" if a.is_opinion else ""
        author = (
            f'\n\t\t<span class="article-excerpt-default__author">{esc(a.authors[0].name)}</span>'
            if a.is_opinion and a.authors
            else ""
        )
        live = (
            '<span class="live-label-wrap"><span class="pulsating-icon"></span>LIVE |</span> '
            if a.type == "live"
            else ""
        )
        img = fill("card_image", src=self.img("article_640", a.image.file)) if a.image else ""
        return fill(
            "card",
            section=a.section,
            url=self.url(a),
            title=esc(a.title),
            img=img,
            lcls=lcls,
            label=label,
            author=author,
            live=live,
            teaser=esc(self.teaser(a)),
            readtime=2 + len(a.blocks),
        )

    def cards(self, items: list[ArticleSpec], cls: str = "col-4 col-12-md col-4-sm") -> str:
        return "".join(f'\t<div class="{cls}">\n\t\t{self.card(a)}\t</div>\n' for a in items)

    def shell(
        self, title: str, canonical: str, content: str, body_class: str = "", og: bool = True
    ) -> str:
        head = ""
        if canonical:
            head += f'\n\t<link rel="canonical" href="{canonical}">'
        if og and canonical:
            head += (
                f'\n\t<meta property="og:url" content="{canonical}">'
                f'\n\t<meta property="og:title" content="{esc(title)}">'
            )
        return fill(
            "shell",
            www=self.www,
            esc_title=esc(title),
            head=head,
            static=self.static,
            body_class=body_class,
            site_header=self.site_header(),
            content=content,
            sidebar=self.sidebar(),
        )

    def listing(
        self,
        p: dict[str, Page],
        path: str,
        label: str,
        items: list[ArticleSpec],
        canonical_key: str | None = None,
        more_key: str | None = None,
        first: int = LISTING_FIRST,
    ) -> None:
        """A full listing page at ``/{path}`` (a lead card, then default cards up to
        ``first``, and the "View more" button) and the cards its fragments are cut from."""
        lead = ""
        if items:
            a = items[0]
            lead = fill(
                "listing_lead", url=self.url(a), title=esc(a.title), teaser=esc(self.teaser(a))
            )
        more_path = more_key or path
        more = fill(
            "listing_more",
            www=self.www,
            more_path=more_path,
            first=first,
            listing_step=LISTING_STEP,
        )
        h1 = "Latest articles" if path == "news" else label
        content = fill(
            "listing", h1=esc(h1), lead=lead, cards=self.cards(items[1:first]), more=more
        )
        canonical = f"{self.www}/{canonical_key or path}"
        p[f"/{path}"] = response(
            200, self.shell(label, canonical, content, body_class="section").encode()
        )
        self.site.fragments[f"/{path}"] = [self.cards([a]) for a in items]

    def tags_and_authors(self, p: dict[str, Page]) -> None:
        by_tag: dict[str, tuple[str, list[ArticleSpec]]] = {}
        by_author: dict[str, tuple[str, list[ArticleSpec]]] = {}
        for a in self.live:
            for t in a.tags:
                by_tag.setdefault(t.slug, (t.title, []))[1].append(a)
            for au in a.authors:
                by_author.setdefault(au.slug, (au.name, []))[1].append(a)
        for slug, (title, items) in by_tag.items():
            # canonical and "View more" use the tag's title, not its slug
            # (raw, as the template prints it: a client encodes the space)
            key = f"tag/{esc(title)}"
            self.listing(
                p, f"tag/{slug}", title, items, canonical_key=key, more_key=key, first=TAG_PER_CALL
            )
            self.site.tag_paths[slug] = self.site.tag_paths[title] = f"/tag/{slug}"
        for slug, (name, items) in by_author.items():
            content = fill(
                "author_page",
                name=esc(name),
                cards=self.cards(items[:AUTHOR_CARDS], "col-4 col-6-sm"),
            )
            # author pages: no canonical, no og tags, the site's name as <title>
            p[f"/author/{slug}"] = response(
                200, self.shell(ORGANISATION, "", content, body_class="author").encode()
            )

    # -- feeds ---------------------------------------------------------------------------


def card_label(a: ArticleSpec) -> str:
    """The label ``common/label.php`` prints on a card."""
    if a.is_opinion:
        return "opinion"
    if a.type == "live":
        return "Liveblog"
    if a.analysis:
        return "News Analysis"
    return {"ukraine_war": "Ukraine War", "indepth": "Feature"}.get(a.section, a.section)


def ranked_label(a: ArticleSpec) -> str:
    """``common/label.php`` in a "Most read" excerpt: opinion and analysis get the
    ``label--opinion`` modifier."""
    modifier = " label--opinion" if a.is_opinion or a.analysis else ""
    return (f'<span class="label article-excerpt-ranked__label{modifier}">\n'
            f"\t\t{esc(card_label(a))}\t</span>\n")
