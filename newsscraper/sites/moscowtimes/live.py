"""Live-blog posts: the ``/live/{id}/{from}`` JSON a live blog page loads its posts from."""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from newsscraper.items import Image, LinkBlock, LivePost, RelatedLink
from newsscraper.sites.moscowtimes.errors import ParseError
from newsscraper.sites.moscowtimes.page import add_paragraph, block_paragraphs, related_link
from newsscraper.sites.moscowtimes.query import HTML_PARSER
from newsscraper.sites.moscowtimes.site import MOSCOW, parse_iso
from newsscraper.sites.moscowtimes.text import collapse
from newsscraper.sites.moscowtimes.urls import absolute_url


def parse_live_posts(body: str | bytes, url: str = "") -> list[LivePost]:
    """Posts of a live blog from the ``/live/{id}/{from}`` JSON, in ascending time.

    Posts without a readable id or time are left out. A post keeps the text of its html
    blocks, its related articles, its images (URL, caption, credits) and its link blocks;
    embeds (tweets, iframes) are not kept. Relative URLs resolve against ``url``."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError) as exc:
        raise ParseError(f"live posts are not JSON: {exc}") from exc
    if not isinstance(data, list):
        raise ParseError("live posts JSON is not a list")
    posts = [post for raw in data if (post := live_post(raw, url)) is not None]
    posts.sort(key=lambda p: p.published_at)
    return posts


def live_post(raw: Any, base: str) -> LivePost | None:
    """One post of the live JSON, or ``None`` when it has no readable id or time."""
    if not isinstance(raw, dict):
        return None
    published = parse_iso(raw.get("time"), MOSCOW)  # naive: the site's Moscow time
    try:
        post_id = int(raw["id"])
    except (KeyError, TypeError, ValueError):
        return None
    if published is None:
        return None
    post = LivePost(post_id=post_id, published_at=published, body="")
    paragraphs: list[str] = []
    blocks = raw.get("body")
    for block in blocks if isinstance(blocks, list) else ():
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "html" and isinstance(block.get("body"), str):
            paragraphs += _paragraphs(block["body"])
        elif kind == "article" and (link := _related(block.get("article"), base)):
            post.related.append(link)
        elif kind == "image" and (image := _image(block.get("image"), base)):
            post.images.append(image)
        elif kind == "link" and (promo := _link(block, base)):
            post.links.append(promo)
    post.body = "\n\n".join(paragraphs)
    return post


def _paragraphs(html: str) -> list[str]:
    try:
        root = etree.fromstring(f"<div id='post'>{html}</div>", HTML_PARSER)
    except (etree.ParserError, ValueError):
        return []
    block = root.find(".//div[@id='post']") if root is not None else None
    out: list[str] = []
    for el in block_paragraphs(block) if block is not None else ():
        add_paragraph(out, el)
    return out


def _text(value: Any) -> str | None:
    """A JSON string value, whitespace collapsed; ``None`` for anything else or blank."""
    return collapse(value) or None if isinstance(value, str) else None


def _url(value: Any, base: str) -> str | None:
    href = _text(value)
    if not href:
        return None
    return absolute_url(base, href) if base else href


def _related(data: Any, base: str) -> RelatedLink | None:
    url = _url(data.get("url"), base) if isinstance(data, dict) else None
    return related_link(url, _text(data.get("title")) or "") if url else None


def _image(data: Any, base: str) -> Image | None:
    url = _url(data.get("src"), base) if isinstance(data, dict) else None
    if not url:
        return None
    return Image(url=url, caption=_text(data.get("caption")), credits=_text(data.get("credits")))


def _link(block: dict, base: str) -> LinkBlock | None:
    data = block.get("link")
    if not isinstance(data, dict) or not (url := _url(data.get("url"), base)):
        return None
    return LinkBlock(url=url, title=_text(data.get("title")) or "",
                     description=_text(block.get("description")))
