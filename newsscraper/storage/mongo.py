"""One database's store: its articles, runs and crawl state on one client.

Each part owns its collections and is built on the one
:class:`~newsscraper.storage.database.Database` (client, collections, write lock):

- ``articles`` (:mod:`~newsscraper.storage.articles`): the batched, idempotent write
  with revisions (:mod:`~newsscraper.storage.versions`) and body-hash claims
  (:mod:`~newsscraper.storage.claims`), and reads by ``_id``;
- ``runs`` (:mod:`~newsscraper.storage.runs`): the run records;
- ``state`` (:mod:`~newsscraper.storage.crawl_state`): what the crawl remembers;
- :meth:`ArticleStore.replay` (:mod:`~newsscraper.storage.replay`): a spill file
  written back.
"""

from __future__ import annotations

from datetime import timedelta

from newsscraper.storage.articles import Articles, FlushResult
from newsscraper.storage.crawl_state import CrawlState
from newsscraper.storage.database import Database
from newsscraper.storage.replay import replay
from newsscraper.storage.runs import RunRecords
from newsscraper.storage.uri import mongo_database


class ArticleStore:
    """One database's articles, run records and crawl state, sharing one client (``db``).
    A crawler holds one (:mod:`newsscraper.crawl.shared_store`)."""

    def __init__(self, uri: str, database: str, articles: str = "articles",
                 versions: str = "article_versions", runs: str = "runs",
                 body_hashes: str = "body_hashes", timeout_ms: int = 5000,
                 seen_resolution: timedelta = timedelta(0),
                 operation_timeout_ms: int = 60000, event_listeners: list | None = None) -> None:
        self.db = Database(uri, database, articles, versions, runs, body_hashes, timeout_ms,
                           operation_timeout_ms, event_listeners)
        self.articles = Articles(self.db, seen_resolution)
        self.runs = RunRecords(self.db)
        self.state = CrawlState(self.db)

    @classmethod
    def from_settings(cls, settings, uri: str) -> ArticleStore:
        """The store a crawler's or a verb's settings name (the project's defaults
        layered: ``newsscraper.default_settings.layer_defaults``)."""
        return cls(uri, mongo_database(settings),
                   settings.get("MONGO_ARTICLES_COLLECTION"),
                   settings.get("MONGO_VERSIONS_COLLECTION"),
                   settings.get("MONGO_RUNS_COLLECTION"),
                   settings.get("MONGO_BODY_HASHES_COLLECTION"),
                   settings.getint("MONGO_TIMEOUT_MS"),
                   timedelta(hours=settings.getfloat("STORE_SEEN_RESOLUTION_HOURS")),
                   settings.getint("MONGO_OPERATION_TIMEOUT_MS"))

    async def close(self) -> None:
        """Close the client and its connection pool."""
        await self.db.close()

    async def replay(self, path, batch_size: int = 200) -> tuple[FlushResult, int]:
        """Store what a spill file kept (:func:`newsscraper.storage.replay.replay`)."""
        return await replay(self.articles, self.runs, path, batch_size)
