"""A parser for the replica's ``redesign`` layout, registered on import: what a parser
fix after that redesign looks like, for the reparse tests. The redesign renamed the
BEM blocks (``newsscraper/replica/redesign.py``); this layout reads them by their old
names. The section is the one thing it cannot read: the redesign dropped the JSON-LD
breadcrumb, the only place the page stated it."""

from __future__ import annotations

from newsscraper.sites.moscowtimes.layouts import layout_of, register_layout
from newsscraper.sites.moscowtimes.markers import PageMarkers
from newsscraper.sites.moscowtimes.page import WANTED, ArticlePage
from newsscraper.sites.moscowtimes.query import ClassIndex

RENAMED = (("story-live-", "live-"), ("story__", "article__"), ("story--", "article--"),
           ("credit", "byline"))


def old_name(token: str) -> str:
    if token == "topic":
        return "tag"
    for new, old in RENAMED:
        if token.startswith(new):
            return old + token[len(new):]
    return token


@register_layout
class StoryPage(ArticlePage):
    """Selected by the redesign's class names, which it renames back: the page then
    gets the built-in layout it had before the redesign."""

    @classmethod
    def layout_for(cls, page: PageMarkers) -> type[ArticlePage] | None:
        root, art = page.root, page.art
        if not any("story__" in (el.get("class") or "") for el in art.iter("header", "div")):
            return None
        for el in root.iter():
            classes = el.get("class") if isinstance(el.tag, str) else None
            if classes:
                el.set("class", " ".join(old_name(t) for t in classes.split()))
        base = layout_of(root, art, ClassIndex(art, WANTED))

        def __init__(self, root, art, url, index, head) -> None:
            base.__init__(self, root, art, url, ClassIndex(art, WANTED), head)

        return type(f"Story{base.__name__}", (base,), {"__init__": __init__})
