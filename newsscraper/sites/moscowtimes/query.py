"""The one selector mechanism of the page classes: lxml trees, CSS compiled to XPath once.

Page classes name their selectors as class attributes (CSS, or XPath starting with
``/``, ``.`` or an axis). :class:`ClassIndex` answers the ``tag.class`` ones from a
single walk over the article, the common case, cheaper than one query each.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from lxml import etree
from parsel.csstranslator import HTMLTranslator

from newsscraper.sites.moscowtimes.text import collapse

# plain elements: quicker than lxml.html's. huge_tree lifts libxml2's 256-level depth
# limit (past it the rest of the page is silently dropped) to 2048 levels and its
# 10 MB text-node limit; MAX_PAGE_CHARS bounds the memory a hostile page can take.
HTML_PARSER = etree.HTMLParser(collect_ids=False, huge_tree=True)
_UTF8_PARSER = etree.HTMLParser(encoding="utf-8", collect_ids=False, huge_tree=True)
MAX_PAGE_CHARS = 16 * 1024 * 1024  # DOWNLOAD_MAXSIZE; real article pages are ~100 kB

_CSS = HTMLTranslator()
_XPATH_STARTS = ("/", "./", ".//", "ancestor::", "following::")
# visible text in document order; a <br> (matched as an element) is a line break on
# screen, so a space once whitespace is collapsed
_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)] | .//br")


class PageError(ValueError):
    """Markup that no HTML parser reads (raised as the parsers' ``ParseError``)."""


def parse_html(source: str | bytes, url: str):
    """The root element of an HTML document, from its text or its UTF-8 bytes
    (:func:`~.text.html_source`). Raises :class:`PageError` for a page over
    :data:`MAX_PAGE_CHARS` or one lxml refuses."""
    if len(source) > MAX_PAGE_CHARS:
        raise PageError(f"page too large: {len(source):,} characters (limit {MAX_PAGE_CHARS:,})")
    try:
        if isinstance(source, bytes):
            root = etree.fromstring(source, _UTF8_PARSER, base_url=url)
        else:
            try:
                root = etree.fromstring(source, HTML_PARSER, base_url=url)
            except ValueError:  # a str with an XML declaration naming an encoding (XHTML)
                root = etree.fromstring(source.encode("utf-8"), _UTF8_PARSER, base_url=url)
    except (etree.ParserError, ValueError) as exc:  # lxml refuses some byte soups outright
        raise PageError(f"unparseable HTML: {exc}") from exc
    if root is None:
        raise PageError("no HTML document")
    return root


@cache
def compiled(selector: str) -> etree.XPath:
    """A compiled query for a CSS selector (or an XPath starting with / or . or an axis)."""
    path = selector if selector.startswith(_XPATH_STARTS) else _CSS.css_to_xpath(selector)
    return etree.XPath(path)


def select(node, selector: str) -> list:
    """Every element ``selector`` matches under ``node``."""
    return compiled(selector)(node)


def first(node, selector: str):
    """The first element ``selector`` matches under ``node``, or ``None``."""
    found = compiled(selector)(node)
    return found[0] if found else None


def attr(node, selector: str, name: str) -> str | None:
    """Attribute ``name`` of the first match, or ``None``."""
    el = first(node, selector)
    return el.get(name) if el is not None else None


def has_class(el, token: str) -> bool:
    """Whether ``el``'s class attribute holds ``token``."""
    return token in (el.get("class") or "").split()


def inside(el, token: str, levels: int = 3) -> bool:
    """Whether one of ``el``'s nearest ancestors has the class ``token``."""
    for _ in range(levels):
        el = el.getparent()
        if el is None:
            return False
        if has_class(el, token):
            return True
    return False


def text_of(el) -> str:
    """Visible text of an element, whitespace collapsed (script and style left out)."""
    if el is None:
        return ""
    if not len(el):  # no child elements: the common paragraph
        return collapse(el.text or "")
    if next(el.iter("script", "style", "br"), None) is None:
        # the text serialiser: twice as quick as XPath's string(), the same text
        return collapse(etree.tostring(el, method="text", encoding="unicode", with_tail=False))
    return collapse("".join(t if isinstance(t, str) else " " for t in _TEXT(el)))


class ClassIndex:
    """The ``tag.class`` elements named by ``selectors`` inside one element, in document
    order, found in a single pass."""

    __slots__ = ("found",)

    def __init__(self, root, wanted: dict[str, frozenset[str]]) -> None:
        found: dict[str, list] = {}
        for el in root.iter(*wanted):
            classes = el.get("class")
            if classes:
                tokens = wanted[el.tag]
                for token in classes.split():
                    if token in tokens:
                        found.setdefault(f"{el.tag}.{token}", []).append(el)
        self.found = found

    @staticmethod
    def wanted(selectors: Iterable[str]) -> dict[str, frozenset[str]]:
        """The tag -> class tokens table a walk for ``selectors`` looks for."""
        out: dict[str, frozenset[str]] = {}
        for selector in selectors:
            tag, token = selector.split(".")
            out[tag] = out.get(tag, frozenset()) | {token}
        return out

    def all(self, selector: str) -> list:
        """Every element of ``selector`` (``tag.class``), in document order."""
        return self.found.get(selector, [])

    def first(self, selector: str):
        """The first element of ``selector`` (``tag.class``), or ``None``."""
        found = self.found.get(selector)
        return found[0] if found else None
