"""DedupePipeline: one article once per run; exact and near duplicates marked."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import zlib

from datasketch import MinHash, MinHashLSH
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newsscraper.items import document_id, to_jsonable

logger = logging.getLogger(__name__)

# what a reader sees; never crawl provenance or render artefacts (related URLs carry the
# render date on the real site, so only their titles count; the "Read more" cluster is
# a recommendation rendered at request time, not part of the article)
CONTENT_FIELDS = ("title", "subtitle", "lead", "authors", "section", "tags", "type", "body",
                  "image", "published_at", "modified_at")
_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(item) -> str:
    a = ItemAdapter(item)
    data = {name: to_jsonable(a.get(name)) for name in CONTENT_FIELDS}
    data["related"] = [link.title for link in a.get("related") or []]
    data["live_posts"] = [[p.post_id, p.body, [r.title for r in p.related]]
                          for p in a.get("live_posts") or []]
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def body_hash(body: str) -> str:
    return hashlib.sha256(" ".join(body.split()).casefold().encode()).hexdigest()


class DedupePipeline:
    """Within a run, an article reached through several links passes once (the rest
    are dropped as ``dedupe/dropped_same_id``). Sets ``content_hash`` and ``body_hash``;
    marks ``duplicate_of`` when the same body was seen under another id in this run, and
    ``near_duplicate_of`` when MinHash LSH finds a body above ``DEDUPE_NEAR_THRESHOLD``
    Jaccard similarity. Duplicates are flagged, never dropped. Across runs the store
    compares content hashes and body hashes it keeps in MongoDB.

    Settings: ``DEDUPE_NEAR_THRESHOLD`` (0.9), ``DEDUPE_NUM_PERM`` (64).
    """

    def __init__(self, stats, threshold: float = 0.9, num_perm: int = 64) -> None:
        self.stats = stats
        self.seen_ids: set[int] = set()
        self.bodies: dict[str, str] = {}
        self.num_perm = num_perm
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        # drawn once: datasketch would draw the same permutations again for every sketch
        self.permutations = MinHash(num_perm=num_perm, seed=1).permutations

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler.stats, s.getfloat("DEDUPE_NEAR_THRESHOLD", 0.9),
                   s.getint("DEDUPE_NUM_PERM", 64))

    def process_item(self, item):
        a = ItemAdapter(item)
        aid = a["article_id"]
        if aid in self.seen_ids:
            self.stats.inc_value("dedupe/dropped_same_id")
            raise DropItem(f"article {aid} already seen in this run")
        self.seen_ids.add(aid)
        a["content_hash"] = content_hash(item)
        a["body_hash"] = bh = body_hash(a["body"])
        me = document_id(a.get("site") or "moscowtimes", aid)
        if bh in self.bodies:
            a["duplicate_of"] = self.bodies[bh]
            self.stats.inc_value("dedupe/duplicate_body")
            logger.info("article %s has the same body as %s", me, self.bodies[bh])
            return item
        self.bodies[bh] = me
        mh = self._minhash(a["body"])
        near = self.lsh.query(mh)
        if near:
            a["near_duplicate_of"] = sorted(near)[0]
            self.stats.inc_value("dedupe/near_duplicate")
        self.lsh.insert(me, mh)
        return item

    def _minhash(self, body: str) -> MinHash:
        # crc32 (C) instead of the default per-shingle SHA-1: datasketch mixes the 32-bit
        # value before permuting, and sketches only meet other sketches of this run
        mh = MinHash(num_perm=self.num_perm, seed=1, hashfunc=zlib.crc32,
                     permutations=self.permutations, scheme="affine32")
        words = _WORD.findall(body.casefold())
        shingles = {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}
        mh.update_batch([s.encode() for s in shingles])
        return mh
