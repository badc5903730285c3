"""CleanPipeline: normalise every text, date, name, tag and URL of an Article."""

from __future__ import annotations

from itemadapter import ItemAdapter

from newsscraper.cleaning import (
    canonicalize_url,
    clean_body,
    clean_text,
    dedupe_tags,
    split_authors,
    to_utc,
)


class CleanPipeline:
    """Normalises articles in place with :mod:`newsscraper.cleaning` (pure functions).

    Text stays exactly as published apart from invisible debris (zero-width and control
    characters), Unicode composition (NFC) and whitespace; entities are not decoded a
    second time. Reads no settings.
    """

    def __init__(self, stats=None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        a = ItemAdapter(item)
        for name in ("title", "subtitle", "lead", "section"):
            if name in a:
                a[name] = clean_text(a.get(name))
        if a.get("title") is None:
            a["title"] = ""
        a["body"] = clean_body(a.get("body"))
        a["authors"] = split_authors(a.get("authors"))
        a["tags"] = dedupe_tags(a.get("tags"))
        for name in ("published_at", "modified_at"):
            value = a.get(name)
            a[name] = to_utc(value) if value is not None else None
        if a.get("url"):
            a["url"] = canonicalize_url(a["url"])
        read_more = map(canonicalize_url, a.get("read_more") or [])
        a["read_more"] = list(dict.fromkeys(u for u in read_more if u))
        for link in a.get("related") or []:
            link.title = clean_text(link.title) or ""
        image = a.get("image")
        if image is not None:
            image.caption = clean_text(image.caption)
            image.credits = clean_text(image.credits)
        for post in a.get("live_posts") or []:
            post.body = clean_body(post.body)
            for photo in post.images:
                photo.caption, photo.credits = clean_text(photo.caption), clean_text(photo.credits)
            post.published_at = to_utc(post.published_at) or post.published_at
        if self.stats:
            self.stats.inc_value("clean/items")
        return item
