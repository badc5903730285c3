"""The ledger's local state: id sets held as bits behave as sets of strings."""

from __future__ import annotations

import random

from newsscraper.crawl.state import IdSet
from newsscraper.spiders.backlog import SitemapBacklog


def test_an_id_set_is_a_set_of_strings():
    rng = random.Random(5)
    ours, theirs = IdSet(), set()
    members = [str(rng.randint(0, 3000)) for _ in range(300)] + \
        ["007", "0", "x1", "-3", "١٢", "1234567890123", ""]
    for _ in range(5000):
        m = rng.choice(members)
        if rng.random() < 0.7:
            assert ours.add(m) == (m not in theirs)
            theirs.add(m)
        else:
            ours.discard(m)
            theirs.discard(m)
        assert (m in ours) == (m in theirs)
        assert len(ours) == len(theirs)
    assert set(ours) == theirs
    assert len(ours.bits) < 3000 // 8 * 2  # bits, not strings


def test_the_backlog_hands_out_every_loc_once_in_order_by_chunks():
    backlog = SitemapBacklog(chunk=3)
    backlog.add([f"https://x/{i}" for i in range(7)], "s1", "sitemap:/1.xml", False)
    backlog.add([], "s2", None, False)
    backlog.add(["https://x/a"], "s3", None, True)
    out = []
    while backlog:
        listed, locs = backlog.next_chunk()
        out.append((listed.source, locs, listed.done))
    assert out == [("s1", ["https://x/0", "https://x/1", "https://x/2"], False),
                   ("s1", ["https://x/3", "https://x/4", "https://x/5"], False),
                   ("s1", ["https://x/6"], True), ("s3", ["https://x/a"], True)]
