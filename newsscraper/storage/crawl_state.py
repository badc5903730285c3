"""``crawl_state``: what the crawl remembers between runs, one document per key (a
sitemap's last ``lastmod``, a listing's article ids, the run lease, the last-run
summaries of :mod:`newsscraper.storage.runsummary`)."""

from __future__ import annotations

from typing import Any

from pymongo import UpdateOne

from newsscraper.storage.database import Database, get_many, updates


class CrawlState:
    """Values by key. Keys are ``_id``s, never field names: FerretDB refuses field names
    containing ``.``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.collection = db.state

    async def get(self, keys: list[str]) -> dict[str, Any]:
        """Values remembered under ``keys``; the unknown ones left out."""
        if not keys:
            return {}
        found = await get_many(self.collection, list(dict.fromkeys(keys)))
        return {k: d.get("value") for k, d in found.items()}

    async def set(self, values: dict[str, Any]) -> None:
        """Remember ``values`` by key (upserted, one writer)."""
        # UpdateOne+$set, not ReplaceOne: FerretDB's reply to an upserting ReplaceOne in
        # a bulk write lacks nModified, which pymongo needs (KeyError)
        if values:
            async with self.db.writing():
                await updates(self.collection,
                              [UpdateOne({"_id": k}, {"$set": {"value": v}}, upsert=True)
                               for k, v in values.items()])
