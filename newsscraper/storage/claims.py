"""``body_hashes``: one document per article body, claimed by the first article stored
with it, so that the same body under another id is marked ``duplicate_of`` its owner."""

from __future__ import annotations

from newsscraper.storage.database import Database, get_many, insert_ignoring_duplicates


class BodyHashClaims:
    """Who first stored each body (``{_id: body_hash, article}``)."""

    def __init__(self, db: Database) -> None:
        self.collection = db.body_hashes

    async def mark_duplicates(self, docs: dict[str, dict]) -> int:
        """Same body under another id (this batch or an earlier one) -> ``duplicate_of``;
        returns how many ``docs`` were marked.

        Body hashes are claimed by inserting them; only the hashes already claimed are
        read back to learn their owner."""
        by_hash: dict[str, str] = {}
        for k, d in docs.items():
            if d.get("body_hash"):
                by_hash.setdefault(d["body_hash"], k)
        if not by_hash:
            return 0
        claimed = await insert_ignoring_duplicates(
            self.collection, [{"_id": h, "article": k} for h, k in by_hash.items()])
        taken = [h for h in by_hash if h not in set(claimed)]
        owners = {h: d["article"] for h, d in
                  (await get_many(self.collection, taken)).items()} if taken else {}
        marked = 0
        for k, d in docs.items():
            bh = d.get("body_hash") or ""
            owner = owners.get(bh) or by_hash.get(bh)
            if owner and owner != k and not d.get("duplicate_of"):
                d["duplicate_of"] = owner
                marked += 1
        return marked
