"""The consumer guide's feed readers (docs/examples/feed.py and feed.mjs, the latter with
the official ``mongodb`` npm driver) run against the real server: over three polls around
new, edited, removed and merely re-seen articles, each reads every change exactly once."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from newsscraper.storage.database import utcnow
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.removals import mark_gone
from tests.consumers.conftest import article
from tests.crawl_helpers import ROOT

EXAMPLES = ROOT / "docs" / "examples"


def node_reader() -> list[str]:
    """The Node command, the driver installed into docs/examples/node_modules on first
    use (npm, from docs/examples/package.json); skips, saying why, where it cannot be."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        pytest.skip("node is not installed: the Node.js reader is not run")
    if not (EXAMPLES / "node_modules" / "mongodb" / "package.json").exists():
        if npm is None:
            pytest.skip("npm is not installed: the mongodb driver cannot be installed")
        done = subprocess.run([npm, "install", "--prefix", str(EXAMPLES), "--no-package-lock",
                               "--no-audit", "--no-fund", "--loglevel=error"],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.skip(f"npm could not install the mongodb driver: {done.stderr[-500:]}")
    return [node, str(EXAMPLES / "feed.mjs")]


READERS = {"python": lambda: [sys.executable, str(EXAMPLES / "feed.py")], "node": node_reader}


@pytest.fixture(params=sorted(READERS))
def reader(request, mongo_uri, mongo_db_name, tmp_path):
    """``reader()`` -> the ``_id``s one poll printed, in order (lag 0: nothing is writing)."""
    command = READERS[request.param]()
    bookmark = tmp_path / "feed.bookmark"

    def poll() -> list[str]:
        done = subprocess.run([*command, "--uri", mongo_uri, "--database", mongo_db_name,
                               "--bookmark", str(bookmark), "--lag", "0"],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        changes = [json.loads(line) for line in done.stdout.splitlines()]
        assert f"feed: {len(changes)} change(s)" in done.stderr
        assert datetime.fromisoformat(bookmark.read_text().strip().replace("Z", "+00:00"))
        order = [(c["changed_at"], c["_id"]) for c in changes]
        assert order == sorted(order)  # the feed's order
        return [c["_id"] for c in changes]
    return poll


def keys(ids) -> set[str]:
    return {f"moscowtimes:{i}" for i in ids}


def test_reader_sees_every_change_exactly_once(reader, store_items, mongo_uri, mongo_db_name,
                                               mongo_db):
    for start in (1, 21, 41):  # three batches, so several changed_at values
        store_items([article(i) for i in range(start, start + 20)])
    first = reader()
    assert Counter(first) == Counter(d["_id"] for d in mongo_db.articles.find({}, {"_id": 1}))
    assert len(first) == 60

    time.sleep(1.1)  # stored times have second resolution
    store_items([article(i, title=f"Story {i}, edited") for i in (3, 30, 59)]
                + [article(i) for i in range(61, 66)]   # new
                + [article(i) for i in range(10, 20)])  # only seen again

    async def remove() -> None:
        store = ArticleStore(mongo_uri, mongo_db_name)
        try:
            await mark_gone(store, ["moscowtimes:7", "moscowtimes:8"], utcnow())
        finally:
            await store.close()
    asyncio.run(remove())
    second = reader()
    assert Counter(second) == Counter(keys([3, 30, 59, 61, 62, 63, 64, 65, 7, 8]))
    assert reader() == []
    # every stored article read, none twice
    assert Counter(first + second) - Counter(set(first + second)) == \
        Counter(keys([3, 30, 59, 7, 8]))


def test_examples_are_where_the_guide_says():
    guide = (ROOT / "docs" / "consumers.md").read_text(encoding="utf-8")
    for name in ("feed.py", "feed.mjs", "package.json"):
        assert Path(EXAMPLES / name).exists()
        assert f"docs/examples/{name}" in guide
