"""The seed's text layout of one article, shared by ``demo``, ``export --format text``
and ``show``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any


def as_text(doc: Mapping[str, Any]) -> str:
    """An article laid out as text: its body paragraphs, "Related article: <title>" where
    each inline related block stands, a live blog's posts (see :func:`live_posts_text`),
    then "Original url:" with the URL, then the related links (the layout of
    tests/data/golden_a85152.txt)."""
    paragraphs = [p for p in (doc.get("body") or "").split("\n\n") if p]
    related = doc.get("related") or []
    out: list[str] = []
    for i in range(len(paragraphs) + 1):
        out += [f"Related article: {link['title']}" for link in related
                if link.get("position") == i]
        if i < len(paragraphs):
            out.append(paragraphs[i])
    out += [f"Related article: {link['title']}" for link in related
            if not isinstance(link.get("position"), int) or link["position"] > len(paragraphs)]
    if doc.get("live_posts"):
        out.append(live_posts_text(doc["live_posts"]))
    out.append(f"Original url:\n{doc['url']}")
    if related:
        out.append("\n".join(link["url"] for link in related))
    return "\n\n".join(out)


def live_posts_text(posts: list[Mapping[str, Any]]) -> str:
    """A live blog's posts in their stored order (ascending time): a "Live posts (N):"
    line, then each post's time (UTC), its paragraphs and its related blocks."""
    out = [f"Live posts ({len(posts)}):"]
    for post in posts:
        out.append(f"[{post_time(post.get('published_at'))}]")
        out += [p for p in (post.get("body") or "").split("\n\n") if p]
        out += [f"Related article: {link.get('title')}" for link in post.get("related") or []]
    return "\n\n".join(out)


def post_time(value: Any) -> str:
    """A post's time as ``YYYY-MM-DD HH:MM UTC`` (a stored date or its ISO string)."""
    if isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        return "time unknown"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
