"""``article_versions``: the copies a revision leaves behind (which are also the claims
that keep two writers from revising one article at once) and the revisions held back.

What counts as a revision, and when one is suspect, is decided in
:mod:`newsscraper.storage.revisions`; this module only writes the copies.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from pymongo import ReplaceOne

from newsscraper.storage.database import (
    Database,
    WriteConflict,
    get_many,
    insert_ignoring_duplicates,
    updates,
)

logger = logging.getLogger(__name__)

# a revision claim older than this was left by a writer that died between its two steps
CLAIM_SECONDS = 300


class Versions:
    """Earlier and held-back versions of articles, in ``article_versions``."""

    def __init__(self, db: Database) -> None:
        self.collection = db.versions

    async def claim(self, pairs: list[tuple[dict, dict]], now: datetime) -> None:
        """Copy each ``old`` article before ``new`` replaces it.

        The version guard, without a compound filter (FerretDB would scan for it): the
        copy's ``_id`` (``<id>:v<old version>``) is a claim on that version, and names
        the content that supersedes it (``superseded_by``). Only the writer whose claim
        stands may replace the article; a claim by another content is waited for
        (:class:`WriteConflict`, retried) unless it is older than ``CLAIM_SECONDS``,
        which only a writer that died between the two steps leaves behind."""
        copies = {}
        for old, new in pairs:
            copy = dict(old)
            copy["article"] = copy.pop("_id")
            copy["_id"] = f"{new['_id']}:v{int(old.get('version', 1))}"
            copy["superseded_at"] = now
            copy["superseded_by"] = new.get("content_hash")
            copies[copy["_id"]] = copy
        claimed = set(await insert_ignoring_duplicates(self.collection, list(copies.values())))
        contested = [k for k in copies if k not in claimed]
        if contested:
            await self._take_over(
                {k: copies[k] for k in contested},
                await get_many(self.collection, contested), now)

    async def _take_over(self, ours: dict[str, dict], stored: dict[str, dict],
                         now: datetime) -> None:
        """Claims (revision copies) already present: our own earlier attempt (same
        content) goes on; a dead writer's is taken over; a live one's is waited for."""
        stale = []
        for k, copy in ours.items():
            theirs = stored.get(k)
            if theirs is None or theirs.get("superseded_by") == copy["superseded_by"]:
                continue
            at = theirs.get("superseded_at")
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=timezone.utc)
            if at is None or (now - at).total_seconds() > CLAIM_SECONDS:
                stale.append(k)
                continue
            raise WriteConflict(f"revision {k} is being written by another writer")
        if stale:
            await updates(self.collection, [ReplaceOne({"_id": k}, ours[k]) for k in stale])

    async def hold(self, docs: dict[str, dict], reasons: dict[str, str],
                   now: datetime) -> None:
        """Keep suspect revisions aside (``held: true``, never current), one per content
        (``<id>:held:<content hash>``), so a replay or the next run holding the same
        parse again stores nothing twice."""
        copies = []
        for k, reason in reasons.items():
            copy = dict(docs[k], article=k, held=True, held_reason=reason, held_at=now)
            for name in ("first_seen_at", "last_seen_at", "changed_at", "version"):  # not current
                copy.pop(name, None)
            copy["_id"] = f"{k}:held:{str(docs[k].get('content_hash'))[:16]}"
            copies.append(copy)
            logger.warning("revision of %s held, not made current (%s): %s", k, reason,
                           docs[k].get("url"))
        await insert_ignoring_duplicates(self.collection, copies)
