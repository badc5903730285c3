"""What an article page's ``<head>`` states: meta tags, canonical link and JSON-LD, read once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from newsscraper.sites.moscowtimes.query import select
from newsscraper.sites.moscowtimes.site import ORGANISATION
from newsscraper.sites.moscowtimes.text import collapse

JSON_LD = 'script[type="application/ld+json"]'
ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle")


@dataclass
class Head:
    """Everything read once from ``<head>``: meta tags, links and the JSON-LD blocks."""

    meta: dict[str, str] = field(default_factory=dict)  # property or name -> content
    canonical: str | None = None
    news: dict[str, Any] = field(default_factory=dict)
    breadcrumb: list[dict[str, Any]] = field(default_factory=list)
    invalid_json_ld: int = 0

    def stated_authors(self) -> list[str]:
        """The people the head names as authors (the first one only, on this site)."""
        people = [collapse(str(p.get("name") or "")) for p in as_list(self.news.get("author"))
                  if isinstance(p, dict) and p.get("@type") == "Person"]
        meta = collapse(self.meta.get("article:author") or "")
        if not people and meta and meta != ORGANISATION:
            people = [meta]
        return [p for p in people if p]

    def stated_tags(self) -> list[str]:
        """The tags ``article:tag`` / keywords meta / JSON-LD ``keywords`` state."""
        for raw in (self.meta.get("article:tag"), self.meta.get("keywords"),
                    self.news.get("keywords")):
            if isinstance(raw, str) and (tags := [t.strip() for t in raw.split(",") if t.strip()]):
                return tags
        return []


def read_head(root) -> Head:
    """One pass over ``<head>`` (and any JSON-LD elsewhere): meta first, then JSON-LD."""
    head = Head()
    container = root.find("head")
    scripts = []
    for el in (container if container is not None else ()):
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name")
            if key and key not in head.meta:
                head.meta[key] = el.get("content") or ""
        elif tag == "link" and el.get("rel") == "canonical" and head.canonical is None:
            head.canonical = el.get("href")
        elif tag == "script" and el.get("type") == "application/ld+json":
            scripts.append(el)
    if container is None:
        scripts = select(root, JSON_LD)
    for script in scripts:
        _read_json_ld(head, script.text or "")
    return head


def _read_json_ld(head: Head, text: str) -> None:
    if "Article" not in text and "BreadcrumbList" not in text:
        return  # the organisation and WebSite blocks (the latter invalid JSON anyway)
    try:
        data = json.loads(text)
    except ValueError:
        head.invalid_json_ld += 1
        return
    for item in json_ld_items(data):
        kind = item.get("@type")
        if kind in ARTICLE_TYPES and not head.news:
            head.news = item
        elif kind == "BreadcrumbList" and not head.breadcrumb:
            elements = item.get("itemListElement")
            head.breadcrumb = [i for i in as_list(elements) if isinstance(i, dict)]


def json_ld_items(data: Any) -> list[dict]:
    """The objects of a JSON-LD block: one object, a list of them, or an ``@graph``."""
    items = data if isinstance(data, list) else [data]
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            out.extend(i for i in as_list(item.get("@graph")) if isinstance(i, dict))
    return out


def as_list(value: Any) -> list:
    """``value`` itself when it is a list, else a list of it."""
    return value if isinstance(value, list) else [value]
