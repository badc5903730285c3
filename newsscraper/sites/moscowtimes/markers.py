"""The markers that select a page layout: what a layout class declares
(:class:`Markers`) and what a page shows (:class:`PageMarkers`), as fundus's publisher
versions and web-poet's rules pick a parser, but by markup rather than URL or date."""

from __future__ import annotations

from dataclasses import dataclass

from newsscraper.sites.moscowtimes.fields import cached_property
from newsscraper.sites.moscowtimes.query import ClassIndex, attr, select

# div.gtm-type[data-type] is a child of the outer <article> wrapper
DATA_TYPE = "ancestor::article/div[@data-type][contains(@class, 'gtm-type')]"


@dataclass(frozen=True)
class Markers:
    """What on a page selects a layout, strongest first.

    ``element``, a walked ``tag.class`` in the article, selects it on any page. Else a
    page that states ``div.gtm-type[data-type]`` is selected by that alone: ``data_type``
    must equal it. Only older pages without one are selected by ``article_class`` (in
    ``article.article``'s class attribute) or ``header`` (a CSS selector on the page).
    """

    element: str | None = None
    data_type: str | None = None
    article_class: str | None = None
    header: str | None = None

    def found_on(self, page: PageMarkers) -> bool:
        """Whether ``page`` shows these markers."""
        if self.element is not None and page.index.first(self.element) is not None:
            return True
        if page.data_type:
            return page.data_type == self.data_type
        if self.article_class is not None and self.article_class in page.article_class:
            return True
        return self.header is not None and page.has(self.header)


class PageMarkers:
    """The markers of one article page, each read when a layout first asks for it."""

    def __init__(self, root, art, index: ClassIndex) -> None:
        self.root, self.art, self.index = root, art, index
        self._has: dict[str, bool] = {}

    @cached_property
    def data_type(self) -> str:
        """``div.gtm-type[data-type]``, stripped; empty when the page has none."""
        return (attr(self.art, DATA_TYPE, "data-type") or "").strip()

    @cached_property
    def article_class(self) -> str:
        """The class attribute of ``article.article``."""
        return self.art.get("class") or ""

    def has(self, selector: str) -> bool:
        """Whether the page has an element ``selector`` matches."""
        found = self._has.get(selector)
        if found is None:
            found = self._has[selector] = bool(select(self.root, selector))
        return found
