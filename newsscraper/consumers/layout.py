"""The seed's text layout of one article, shared by ``demo``, ``export --format text``
and ``show``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_text(doc: Mapping[str, Any]) -> str:
    """An article laid out as text: its body paragraphs, "Related article: <title>" where
    each inline related block stands, then "Original url:" with the URL, then the
    related links (the layout of tests/data/golden_a85152.txt)."""
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
    out.append(f"Original url:\n{doc['url']}")
    if related:
        out.append("\n".join(link["url"] for link in related))
    return "\n\n".join(out)
