"""The ``redesign`` fault profile: article pages in a layout no parser knows.

A site redesign rarely changes every page at once: templates roll out by type or by
traffic bucket, and cached pages keep the old markup for a while. So the profile serves
a fixed share (:data:`REDESIGN_SHARE`, more than a third) of the article pages, picked
from the model's seed, in a new layout and leaves the rest as they were:

- the BEM block is renamed: ``article__*`` -> ``story__*``, ``article--*`` -> ``story--*``,
  ``byline*`` -> ``credit*``, ``live-*`` -> ``story-live-*``, ``tag`` -> ``topic``
  (the outer ``article.article`` wrapper keeps its class, so a crawler still sees an
  article page, and reads it wrong rather than skipping it);
- the byline moves from under the header to the end of the article;
- no JSON-LD at all (the ``<meta>`` tags stay, as they usually do).

A parser of the old layout reads such a page as a partial article: no body, no byline,
no section from the breadcrumb. That is what a monitor of field coverage must catch.
"""

from __future__ import annotations

import math
import random

from lxml import html as lxml_html

REDESIGN_SHARE = 0.4
_RENAMES = (("article__", "story__"), ("article--", "story--"), ("byline", "credit"),
            ("live-", "story-live-"))


def redesigned_paths(article_paths: list[str], seed: int) -> set[str]:
    """The article paths served redesigned: the same ones for the same seed and site."""
    paths = sorted(article_paths)
    k = math.ceil(len(paths) * REDESIGN_SHARE)
    return set(random.Random(f"redesign:{seed}").sample(paths, k))


def _rename(token: str) -> str:
    if token == "tag":
        return "topic"
    for old, new in _RENAMES:
        if token.startswith(old):
            return new + token[len(old):]
    return token


def redesign(body: bytes) -> bytes:
    """The article page ``body`` in the new layout (see the module docstring)."""
    root = lxml_html.document_fromstring(body)
    for script in root.xpath('//script[@type="application/ld+json"]'):
        script.drop_tree()
    article = next((el for el in root.iter("article")
                    if "article" in (el.get("class") or "").split()), None)
    if article is not None:
        for byline in article.xpath(".//div[contains(@class, 'article__byline')]"):
            byline.getparent().remove(byline)
            article.append(byline)
    for el in root.iter():
        cls = el.get("class") if isinstance(el.tag, str) else None
        if cls:
            el.set("class", " ".join(_rename(t) for t in cls.split()))
    return lxml_html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")
