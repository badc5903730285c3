"""``runs``: one record per crawl process, written as it starts and as it ends, and the
last-run summaries beside them (:mod:`newsscraper.storage.runsummary`)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from newsscraper.sites.moscowtimes.site import parse_iso
from newsscraper.storage.database import Database
from newsscraper.storage.runsummary import summary_updates


def run_doc(record: dict[str, Any]) -> dict[str, Any]:
    """A run record read back from a spill file: its times as BSON dates again."""
    doc = dict(record)
    for name in ("started_at", "ended_at"):
        if isinstance(doc.get(name), str):
            doc[name] = parse_iso(doc[name], timezone.utc)
    return doc


class RunRecords:
    """The run records of one database, keyed by run id (``_id``)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.collection = db.runs

    async def start(self, run: dict[str, Any]) -> None:
        """Write a run's record as it starts (replacing one of the same run id): also
        how a record kept in a spill file is restored."""
        async with self.db.writing():
            await self.collection.replace_one({"_id": run["_id"]}, run, upsert=True)

    async def finish(self, run_id: str, fields: dict[str, Any], spider: str | None = None,
                     newest_published: datetime | None = None) -> None:
        """Set the closing fields of a run's record (created if the start was lost) and,
        given the spider, its last-run summary (:mod:`newsscraper.storage.runsummary`)."""
        async with self.db.writing():
            await self.collection.update_one({"_id": run_id}, {"$set": fields}, upsert=True)
            for key, update in summary_updates(spider, run_id, fields, newest_published) \
                    if spider else []:
                await self.db.state.update_one({"_id": key}, update, upsert=True)

    async def get(self, run_id: str, projection: dict[str, int] | None = None) -> dict | None:
        """One record by run id; None when there is none."""
        return await self.collection.find_one({"_id": run_id}, projection)

    async def mark_abandoned(self, run_id: str, ended_at: datetime | None, by: str) -> bool:
        """Mark a record still ``running`` as ``abandoned`` (its process was killed or
        hung) by the run ``by``; False when it is not there or not running."""
        record = await self.get(run_id, {"status": 1})
        if not record or record.get("status") != "running":
            return False
        await self.collection.update_one({"_id": run_id}, {"$set": {
            "status": "abandoned", "ended_at": ended_at, "abandoned_by": by}})
        return True
