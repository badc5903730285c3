"""The report's own copy of the few fields it draws of each article, kept up to date from
the changes feed, so a report reads the articles changed since the last one, not all.

On FerretDB a read of ``articles`` costs about a millisecond of server CPU per document
whatever the projection (it decodes each whole ~5 kB document): 100 s at 100,000
articles. The cache (collection ``report_cache``) holds each article's report fields
packed into documents of up to ``CHUNK`` articles (by article id), about a hundred
documents at 100,000 articles, and a bookmark. A report reads the cache, then the
articles whose ``changed_at`` is after the bookmark (the changes feed, served from the
``changed_at`` index), and writes back the chunks that changed.

Every write that changes what the report draws moves ``changed_at`` (docs/consumers.md,
"The changes feed": new, revised, moved, removed, related ids), so the cache needs no hook
in the writers. The bookmark is the clock of the read minus ``LAG``, never the newest
``changed_at`` seen: a batch is stamped with the moment its write starts and may commit
later (docs/consumers.md, "The lag"). A database without a cache (written before it
existed, or by another format) is read whole once, and that is logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from pymongo.errors import DuplicateKeyError

logger = logging.getLogger(__name__)

COLLECTION = "report_cache"
FORMAT = 1  # of the packed entries: a different one is rebuilt from the articles
CHUNK = 1000  # articles per cache document (by article id): ~70 kB each
LAG = timedelta(minutes=5)  # as the feed readers' default (docs/consumers.md)
BOOKMARK = "bookmark"
BATCH = 5000  # documents per reply of the whole read: fewer round trips
# what the report draws of an article, in the packed entry's order (dates as ms)
FIELDS = ("article_id", "month", "section", "type", "partial", "published_at",
          "first_seen_at", "changed_at", "gone_at")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DATES = frozenset({"published_at", "first_seen_at", "changed_at", "gone_at"})
READ_FIELDS = ("article_id", "url", "published_at", "first_seen_at", "changed_at",
               "gone_at", "section", "type", "partial")

Entry = dict[str, Any]


def projection() -> dict[str, int]:
    return dict.fromkeys(READ_FIELDS, 1)


def cached_articles(db, entry: Callable[[dict[str, Any]], Entry],
                    clock: Callable[[], datetime] | None = None) -> list[Entry]:
    """Every stored article's report fields (``entry(doc)`` of its document), from the
    cache and the changes since its bookmark; the cache is brought up to date."""
    cache = db[COLLECTION]
    started = (clock or _now)()
    mark = cache.find_one({"_id": BOOKMARK})
    if mark is None or mark.get("format") != FORMAT or not isinstance(mark.get("upto"),
                                                                        datetime):
        entries = {d["_id"]: entry(d) for d in db.articles.find({}, projection(),
                                                                 batch_size=BATCH)}
        cache.delete_many({"_id": {"$ne": BOOKMARK}})  # of another format, if any
        logger.info("report cache of %s built from all %d articles (first use, or an "
                    "older cache format): later reports read only what changed",
                    db.name, len(entries))
        save(cache, entries, entries, started - LAG, mark)
        return list(entries.values())
    entries = load(cache.find({}))
    changed = {d["_id"]: entry(d) for d in db.articles.find(
        {"changed_at": {"$gt": mark["upto"]}}, projection(), batch_size=BATCH)}
    entries.update(changed)
    logger.info("report cache of %s: %d articles, %d changed since %s", db.name,
                len(entries), len(changed), mark["upto"])
    save(cache, entries, changed, started - LAG, mark)
    return list(entries.values())


def _now() -> datetime:
    return datetime.now(timezone.utc)


def chunk_of(key: str) -> str:
    """The cache document of article ``key`` (``site:<id>``): ids by thousands."""
    site, _, number = key.rpartition(":")
    return f"{site}:{int(number) // CHUNK}" if number.isdigit() else f"{key}:x"


def load(docs: Iterable[dict[str, Any]]) -> dict[str, Entry]:
    """The cache documents' entries by article ``_id``."""
    out: dict[str, Entry] = {}
    for doc in docs:
        if doc["_id"] == BOOKMARK:
            continue
        # unpacked by hand: 100,000 entries are read on every report
        for key, (aid, month, section, kind, partial, published, first, changed,
                  gone) in json.loads(doc["entries"]).items():
            out[key] = {"article_id": aid, "month": month, "section": section,
                        "type": kind, "partial": partial, "published_at": _date(published),
                        "first_seen_at": _date(first), "changed_at": _date(changed),
                        "gone_at": _date(gone)}
    return out


def save(cache, entries: dict[str, Entry], changed: Iterable[str], upto: datetime,
         read: dict[str, Any] | None) -> None:
    """Write the chunks holding ``changed`` whole (each from ``entries``), then move the
    bookmark (``read``: as this report read it)."""
    touched = {chunk_of(k) for k in changed}
    chunks: dict[str, dict[str, list]] = {c: {} for c in touched}
    for key, values in entries.items():
        if (c := chunk_of(key)) in chunks:
            chunks[c][key] = [_ms(values[n]) if n in DATES else values[n] for n in FIELDS]
    for c, packed in chunks.items():
        cache.update_one({"_id": c}, {"$set": {"entries": json.dumps(
            packed, separators=(",", ":"))}}, upsert=True)
    move_bookmark(cache, upto, read)


def move_bookmark(cache, upto: datetime, read: dict[str, Any] | None) -> None:
    """Set the bookmark to ``upto`` unless another report moved it since this one read
    it. Two reports saving at once each write chunks as of their own read: the bookmark
    then keeps the earlier bound (``$min``), so whatever one of them overwrote with an
    older state is read again next time."""
    if read is None:
        try:
            cache.insert_one({"_id": BOOKMARK, "upto": upto, "format": FORMAT})
            return
        except DuplicateKeyError:
            pass
    elif cache.update_one({"_id": BOOKMARK, "upto": read.get("upto"),
                           "format": read.get("format")},
                          {"$set": {"upto": upto, "format": FORMAT}}).matched_count:
        return
    cache.update_one({"_id": BOOKMARK}, {"$min": {"upto": upto}})


def _ms(value: datetime | None) -> int | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return int(aware.timestamp() * 1000)


def _date(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(milliseconds=value)
