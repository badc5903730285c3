"""The near-duplicate sketch computed over whole arrays is datasketch's, value for value."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from newsscraper.pipelines.dedupe import DedupePipeline, affine32_minimums


@pytest.mark.parametrize("size", [0, 1, 2, 3, 300, 5000])
@pytest.mark.parametrize("num_perm", [16, 64, 128])
def test_the_same_minimums_as_update_batch(size, num_perm):
    rng = np.random.default_rng(size * 1000 + num_perm)
    hashes = rng.integers(0, 2**32, size, dtype=np.uint64)
    hashes[: size // 10] = 0xFFFFFFFF  # the edges of the range, repeated
    hashes[size // 2:] += rng.integers(1, 2**32, size - size // 2, dtype=np.uint64) << 32
    reference = MinHash(num_perm=num_perm, seed=1, hashfunc=int, scheme="affine32")
    reference.update_batch((hashes & 0xFFFFFFFF).tolist())  # only the low 32 bits count
    mine = affine32_minimums(hashes, reference.permutations)
    assert mine.dtype == reference.hashvalues.dtype
    assert np.array_equal(mine, reference.hashvalues)


def test_near_bodies_meet_and_far_ones_do_not():
    dedupe = DedupePipeline(stats=None, threshold=0.8)
    words = [f"word{i}" for i in range(400)]
    body = " ".join(words)
    edited = " ".join(words[:-4] + ["changed"] * 4)
    other = " ".join(reversed(words))
    sketch = dedupe._minhash(body)
    assert sketch.jaccard(dedupe._minhash(edited)) > 0.9
    assert sketch.jaccard(dedupe._minhash(other)) < 0.1


def test_the_band_index_finds_what_minhash_lsh_finds():
    from datasketch import MinHashLSH

    from newsscraper.pipelines.dedupe import BandIndex

    rng = np.random.default_rng(3)
    ours, theirs = BandIndex(0.9, 64), MinHashLSH(threshold=0.9, num_perm=64)
    base = rng.integers(0, 2**32, 64, dtype=np.uint64)
    hits = 0
    for i in range(400):
        sketch = MinHash(num_perm=64)
        values = base.copy() if i % 4 == 0 else rng.integers(0, 2**32, 64, dtype=np.uint64)
        if i % 8 == 0:  # near copies: one band of the base changed
            values[:21] = rng.integers(0, 2**32, 21, dtype=np.uint64)
        sketch.hashvalues = values
        found = ours.query(sketch)
        assert found == set(theirs.query(sketch))
        hits += bool(found)
        ours.insert(f"k{i}", sketch)
        theirs.insert(f"k{i}", sketch)
    assert hits > 50 and ours.keys == 400
