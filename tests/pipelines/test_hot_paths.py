"""Issue 10 point 2: every read and update of a scheduled run filters by ``{_id: X}``
alone, the only filter FerretDB's SQLite backend serves from an index."""

from __future__ import annotations

from pymongo import monitoring

from newsscraper.items import to_document
from newsscraper.pipelines.dedupe import body_hash
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.revisions import content_hash


class Filters(monitoring.CommandListener):
    """The filter of every find, update, delete and count a client sends."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        cmd = event.command
        if event.command_name == "find":
            self.seen.append(("find", dict(cmd.get("filter", {}))))
        elif event.command_name in ("update", "delete"):
            for statement in cmd.get("updates", cmd.get("deletes", [])):
                self.seen.append((event.command_name, dict(statement["q"])))
        elif event.command_name in ("count", "findAndModify", "aggregate"):
            self.seen.append((event.command_name, dict(cmd.get("query", {}))))

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


def as_doc(article) -> dict:
    d = to_document(article)
    d.update(content_hash=content_hash(article), body_hash=body_hash(d["body"]))
    return d


async def test_scheduled_run_filters_by_id_equality_only(mongo_uri, mongo_db_name, make_article):
    filters = Filters()
    store = ArticleStore(mongo_uri, mongo_db_name, event_listeners=[filters])
    try:
        await store.articles.ensure_indexes()
        await store.articles.write([as_doc(make_article(i)) for i in range(1, 6)])
        assert set(await store.articles.known_ids([1, 2, 3, 99])) == {1, 2, 3}
        # a later run: two unchanged, one edited, one new, one body seen before
        await store.articles.write([as_doc(make_article(1)), as_doc(make_article(2)),
                           as_doc(make_article(3, title="Story 3, edited")),
                           as_doc(make_article(6)),
                           as_doc(make_article(7, body=make_article(4).body))])
        await store.state.set({"sitemap:/sitemap/2025-1.xml": "x"})
        await store.state.get(["sitemap:/sitemap/2025-1.xml"])
    finally:
        await store.close()
    assert filters.seen, "no reads or updates observed"
    wrong = [(name, f) for name, f in filters.seen
             if list(f) != ["_id"] or not isinstance(f["_id"], str)]
    assert not wrong, wrong
