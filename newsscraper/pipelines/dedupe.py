"""DedupePipeline: content and body hashes, and near duplicates marked."""

from __future__ import annotations

import copy
import hashlib
import re
import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH
from itemadapter import ItemAdapter

from newsscraper.items import document_id
from newsscraper.storage.revisions import content_hash

_WORD = re.compile(r"\w+", re.UNICODE)
# odd 32-bit multipliers that spread three word hashes over one shingle hash
_MIX = (np.uint64(0x9E3779B1), np.uint64(0x85EBCA77))
# MurmurHash3's 32-bit finalizer (shifts and multipliers), as datasketch's "affine32"
# scheme mixes each value before its permutations
_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))


def body_hash(body: str) -> str:
    """SHA-256 of the body alone, case-folded and whitespace-collapsed: the same text
    under another id."""
    return _body_hash(body.casefold())


def _body_hash(folded: str) -> str:
    return hashlib.sha256(" ".join(folded.split()).encode()).hexdigest()


class DedupePipeline:
    """Sets ``content_hash`` and ``body_hash``, and ``near_duplicate_of`` when MinHash
    LSH finds a body of this run above ``DEDUPE_NEAR_THRESHOLD`` Jaccard similarity
    (flagged, never dropped).

    Each of the other duplicate checks has one home: an article id is read once per run
    by the crawl ledger (``spider/duplicate_canonical`` counts the second URL of one
    article), and the same body under another id, in this run or an earlier one, is
    found by the store from the body hashes it keeps (``duplicate_of``).

    Settings: ``DEDUPE_NEAR_THRESHOLD`` (0.9), ``DEDUPE_NUM_PERM`` (64).
    Stats: ``dedupe/near_duplicate``.
    """

    def __init__(self, stats, threshold: float = 0.9, num_perm: int = 64) -> None:
        self.stats = stats
        self.lsh = BandIndex(threshold, num_perm)
        # drawn once: datasketch would draw (or check) the same permutations again for
        # every sketch; each body's sketch is a copy of this empty one with its own values
        self.empty = MinHash(num_perm=num_perm, seed=1, hashfunc=int, scheme="affine32")

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        return cls(crawler.stats, s.getfloat("DEDUPE_NEAR_THRESHOLD"),
                   s.getint("DEDUPE_NUM_PERM"))

    def process_item(self, item):
        a = ItemAdapter(item)
        a["content_hash"] = content_hash(item)
        folded = a["body"].casefold()
        a["body_hash"] = _body_hash(folded)
        me = document_id(a.get("site") or "moscowtimes", a["article_id"])
        mh = self._minhash(folded)
        near = sorted(k for k in self.lsh.query(mh) if k != me)
        if near:
            a["near_duplicate_of"] = near[0]
            self.stats.inc_value("dedupe/near_duplicate")
        self.lsh.insert(me, mh)
        return item

    def _minhash(self, folded: str) -> MinHash:
        """The sketch of a body's word 3-shingles. Sketches only meet other sketches of
        this run, so the shingle hash is ours: crc32 (C) of each word, three of them
        mixed in numpy, instead of a Python-level hash of each joined shingle."""
        words = _WORD.findall(folded)
        hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), np.uint64, len(words))
        if len(hashes) >= 3:
            # the sketch reads the low 32 bits
            hashes = hashes[:-2] * _MIX[0] + hashes[1:-1] * _MIX[1] + hashes[2:]
        sketch = copy.copy(self.empty)  # shares the permutations, checked once
        sketch.hashvalues = affine32_minimums(hashes, self.empty.permutations)
        return sketch


def affine32_minimums(hashes: np.ndarray, permutations: np.ndarray) -> np.ndarray:
    """The hash values ``MinHash.update_batch`` gives a new sketch of datasketch's
    "affine32" scheme for ``hashes`` (their low 32 bits), computed over the whole array
    at once: datasketch calls the hash function on each value in Python, which took two
    thirds of a sketch's time. A test holds the two equal."""
    a, b = permutations
    if not len(hashes):
        return np.full(len(a), 0xFFFFFFFF, dtype=np.uint32)
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hashes.astype(np.uint32)
    hv ^= hv >> s1
    hv *= m1
    hv ^= hv >> s2
    hv *= m2
    hv ^= hv >> s3
    return (hv[:, None] * a + b).min(axis=0)  # uint32: wraps modulo 2**32, as datasketch's


class BandIndex:
    """MinHash LSH over one run's bodies: the same bands as datasketch's ``MinHashLSH``
    (its ``b`` and ``r`` for the threshold), each band kept as a 64-bit hash in one dict
    that names the first body with it. ``MinHashLSH`` keeps each band as bytes twice and
    a set per bucket: 1.3 kB an article, 130 MB over the archive; this ~250 bytes.

    A bucket shared by several bodies holds a tuple of their keys."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        params = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.ranges = [(i * params.r, (i + 1) * params.r) for i in range(params.b)]
        self.buckets: dict[int, str | tuple[str, ...]] = {}
        self.keys = 0

    def _bands(self, sketch: MinHash) -> list[int]:
        values = sketch.hashvalues
        return [hash((i, values[a:b].tobytes())) for i, (a, b) in enumerate(self.ranges)]

    def query(self, sketch: MinHash) -> set[str]:
        out: set[str] = set()
        for band in self._bands(sketch):
            found = self.buckets.get(band)
            if isinstance(found, str):
                out.add(found)
            elif found:
                out.update(found)
        return out

    def insert(self, key: str, sketch: MinHash) -> None:
        """Add ``key`` (once: a key already in a bucket is not added again)."""
        added = False
        for band in self._bands(sketch):
            found = self.buckets.get(band)
            if found is None:
                self.buckets[band] = key
            elif found != key and (isinstance(found, str) or key not in found):
                self.buckets[band] = (found, key) if isinstance(found, str) else (*found, key)
            else:
                continue
            added = True
        self.keys += added
