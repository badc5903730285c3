"""Pages that list articles: section, media, tag and author listings with the cards
their "View more" fragments are cut from, the home page and robots.txt."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsscraper.replica.cards import Cards
from newsscraper.replica.links import Links
from newsscraper.replica.markup import esc, teaser
from newsscraper.replica.model import SECTIONS, ArticleSpec
from newsscraper.replica.responses import Page, response
from newsscraper.replica.shell import Shell
from newsscraper.replica.templating import fill
from newsscraper.sites.moscowtimes.site import ORGANISATION

LISTING_FIRST = 19  # lead card + 18 on a full listing page
LISTING_STEP = 18  # cards per section "View more" fragment, and the button's step
TAG_PER_CALL = 20  # cards per tag / type fragment (the button still steps 18: overlap)
AUTHOR_CARDS = 100
MEDIA_LISTINGS = {"videos": "video", "galleries": "gallery", "podcasts": "podcast"}


@dataclass
class Listings:
    """What :meth:`IndexPages.listings` renders, for the router's tables."""

    pages: dict[str, Page] = field(default_factory=dict)
    """www pages by path."""
    fragments: dict[str, list[str]] = field(default_factory=dict)
    """listing path -> one card per listed article, what "View more" fragments show."""
    tag_paths: dict[str, str] = field(default_factory=dict)
    """a tag's slug and its title -> its listing path."""


class IndexPages:
    """The listing pages of ``live`` (the site's live articles, newest first)."""

    def __init__(self, links: Links, live: list[ArticleSpec], shell: Shell, cards: Cards) -> None:
        self.links = links
        self.live = live
        self.shell = shell
        self.cards = cards

    def listings(self) -> Listings:
        """Every section, features, media, tag and author listing."""
        out = Listings()
        for key, (path, label, _bc, _rss) in SECTIONS.items():
            self.listing(out, path, label, [a for a in self.live if a.section == key])
        self.listing(out, "in-depth", "Features", [a for a in self.live if a.section == "indepth"])
        for path, kind in MEDIA_LISTINGS.items():
            self.listing(out, path, path.capitalize(), [a for a in self.live if a.type == kind])
        self.tags_and_authors(out)
        return out

    def home(self) -> Page:
        home = fill("home", cards=self.cards.cards(self.live[:19]))
        return response(
            200,
            self.shell.page(
                "The Moscow Times - Independent News From Russia",
                self.links.www + "/",
                home,
                body_class="home",
            ).encode(),
        )

    def robots(self) -> Page:
        return response(200, fill("robots.txt", static=self.links.static).encode(), "text/plain")

    def listing(
        self,
        out: Listings,
        path: str,
        label: str,
        items: list[ArticleSpec],
        canonical_key: str | None = None,
        more_key: str | None = None,
        first: int = LISTING_FIRST,
    ) -> None:
        """A full listing page at ``/{path}`` (a lead card, then default cards up to
        ``first``, and the "View more" button) and the cards its fragments are cut from."""
        www = self.links.www
        lead = ""
        if items:
            a = items[0]
            lead = fill(
                "listing_lead", url=self.links.url(a), title=esc(a.title), teaser=esc(teaser(a))
            )
        more_path = more_key or path
        more = fill(
            "listing_more",
            www=www,
            more_path=more_path,
            first=first,
            listing_step=LISTING_STEP,
        )
        h1 = "Latest articles" if path == "news" else label
        content = fill(
            "listing", h1=esc(h1), lead=lead, cards=self.cards.cards(items[1:first]), more=more
        )
        canonical = f"{www}/{canonical_key or path}"
        out.pages[f"/{path}"] = response(
            200, self.shell.page(label, canonical, content, body_class="section").encode()
        )
        out.fragments[f"/{path}"] = [self.cards.cards([a]) for a in items]

    def tags_and_authors(self, out: Listings) -> None:
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
                out, f"tag/{slug}", title, items, canonical_key=key, more_key=key,
                first=TAG_PER_CALL
            )
            out.tag_paths[slug] = out.tag_paths[title] = f"/tag/{slug}"
        for slug, (name, items) in by_author.items():
            content = fill(
                "author_page",
                name=esc(name),
                cards=self.cards.cards(items[:AUTHOR_CARDS], "col-4 col-6-sm"),
            )
            # author pages: no canonical, no og tags, the site's name as <title>
            out.pages[f"/author/{slug}"] = response(
                200, self.shell.page(ORGANISATION, "", content, body_class="author").encode()
            )
