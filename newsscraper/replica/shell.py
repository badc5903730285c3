"""The site's shell: the header every HTML page starts with, the sidebar ("Latest" and
"Most read"), and the page frame listings and author pages are set in."""

from __future__ import annotations

import zlib
from functools import cached_property

from newsscraper.replica.cards import Cards, ranked_label
from newsscraper.replica.links import Links
from newsscraper.replica.markup import esc, iso, month_text
from newsscraper.replica.model import MSK, ArticleSpec
from newsscraper.replica.templating import fill

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


class Shell:
    """The pieces every HTML page shares. ``live`` is the site's list of live articles,
    newest first, which its owner keeps current; the sidebar drawn from it is kept until
    :meth:`forget_sidebar` (a publication)."""

    def __init__(self, links: Links, live: list[ArticleSpec], cards: Cards) -> None:
        self.links = links
        self.live = live
        self.cards = cards
        self._sidebar: str | None = None

    @cached_property
    def site_header(self) -> str:
        """The header every HTML page starts with (the same on every page)."""
        www = self.links.www
        links = "".join(
            f'\n\t\t\t<li class="menu__item"><a href="{www}/{path}">{esc(label)}</a></li>'
            for path, label in MENU
        )
        return fill("site_header", www=www, static=self.links.static, links=links)

    def sidebar(self) -> str:
        if self._sidebar is None:
            items = "".join(
                fill(
                    "sidebar_item",
                    url=self.links.url(s),
                    title=esc(s.title),
                    published=iso(s.published),
                    date_text=month_text(s.published.astimezone(MSK)),
                )
                for s in self.live[:5]
            )
            self._sidebar = fill("sidebar", items=items, ranked=self.most_read())
        return self._sidebar

    def forget_sidebar(self) -> None:
        """Draw the sidebar again for pages rendered from now on."""
        self._sidebar = None

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
            fill("ranked_item", rank=k, url=self.links.url(a), title=esc(a.title),
                 label=ranked_label(a), author=(
                     f'\n\t\t\t\t\t\t\t\t<span class="article-excerpt-ranked__author">\n'
                     f"\t\t\t\t\t{esc(a.authors[0].name)}\t\t\t\t</span>"
                     if a.is_opinion and a.authors else ""))
            for k, a in enumerate(picked, 1))

    def page(
        self, title: str, canonical: str, content: str, body_class: str = "", og: bool = True
    ) -> str:
        """A whole HTML page around ``content``: head, header, sidebar."""
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
            www=self.links.www,
            esc_title=esc(title),
            head=head,
            static=self.links.static,
            body_class=body_class,
            site_header=self.site_header,
            content=content,
            sidebar=self.sidebar(),
        )
