"""Article cards (``article/excerpt/default``): what listings, the home page and an
article's "Read more" cluster show of an article, and the labels cards carry."""

from __future__ import annotations

from newsscraper.replica.links import Links
from newsscraper.replica.markup import esc, teaser
from newsscraper.replica.model import ArticleSpec
from newsscraper.replica.templating import fill


class Cards:
    """Each article's card, rendered once and kept: a card does not change when the
    article is listed again (a publication), as in the site's cache."""

    def __init__(self, links: Links) -> None:
        self.links = links
        self._cards: dict[int, str] = {}

    def card(self, a: ArticleSpec) -> str:
        card = self._cards.get(a.id)
        if card is None:
            card = self._cards[a.id] = self._card(a)
        return card

    def cards(self, items: list[ArticleSpec], cls: str = "col-4 col-12-md col-4-sm") -> str:
        return "".join(f'\t<div class="{cls}">\n\t\t{self.card(a)}\t</div>\n' for a in items)

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
        img = fill("card_image", src=self.links.img("article_640", a.image.file)) if a.image else ""
        return fill(
            "card",
            section=a.section,
            url=self.links.url(a),
            title=esc(a.title),
            img=img,
            lcls=lcls,
            label=label,
            author=author,
            live=live,
            teaser=esc(teaser(a)),
            readtime=2 + len(a.blocks),
        )


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
