"""What a directory of WARC files holds, for re-reading it: the latest copy of each
article page, of each live blog's posts, and the redirects of slug-only links."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from newsscraper.sites.moscowtimes import article_id_from_url
from newsscraper.warc.middleware import PAGE_HEADER, is_live_posts
from newsscraper.warc.reader import Entry, responses, warc_files

logger = logging.getLogger(__name__)


@dataclass
class ArchiveIndex:
    """Response records by what they are; the latest fetch wins where a page was
    fetched more than once (runs of many days share a directory)."""

    articles: dict[object, Entry] = field(default_factory=dict)
    """Article pages answered 200, by article id (by URL for a slug-only one)."""
    live_posts: dict[str, Entry] = field(default_factory=dict)
    """Live blogs' posts answered 200, by URL."""
    redirects: dict[str, str] = field(default_factory=dict)
    """Slug-only article URL -> the URL its redirect named."""
    files: int = 0

    @classmethod
    def build(cls, directory: Path, since: datetime | None = None) -> ArchiveIndex:
        """Read every record header under ``directory``; article pages fetched before
        ``since`` are left out."""
        index = cls()
        for path in warc_files(directory):
            index.files += 1
            for entry in responses(path):
                index.add(entry, since)
        return index

    def add(self, entry: Entry, since: datetime | None) -> None:
        kind = entry.warc_headers.get(PAGE_HEADER) or \
            ("live_posts" if is_live_posts(entry.url) else "other")
        if kind == "live_posts" and entry.status == 200:
            _latest(self.live_posts, entry.url, entry)
        elif kind == "article" and entry.location and 300 <= entry.status < 400:
            self.redirects[entry.url] = urljoin(entry.url, entry.location)
        elif kind == "article" and entry.status == 200 and \
                (since is None or entry.source.fetched_at >= since):
            _latest(self.articles, article_id_from_url(entry.url) or entry.url, entry)


def _latest(table: dict, key: object, entry: Entry) -> None:
    held = table.get(key)
    if held is None or entry.source.fetched_at >= held.source.fetched_at:
        table[key] = entry
