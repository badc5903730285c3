"""Run records: written at open and close; kept on disk when the database is away."""

from __future__ import annotations

import scrapy
from scrapy.utils.misc import build_from_crawler

from newsscraper.extensions.runs import RunRecorder
from newsscraper.storage.mongo import ArticleStore
from newsscraper.storage.spill import SpillFile
from tests.settings_helpers import get_crawler


def recorder(uri: str, database: str, data_dir) -> tuple[RunRecorder, scrapy.Spider]:
    crawler = get_crawler(settings_dict={"MONGO_URI": uri, "MONGO_DATABASE": database,
                                         "NEWSSCRAPER_DATA_DIR": str(data_dir),
                                         "MONGO_TIMEOUT_MS": 300})
    spider = scrapy.Spider(name="moscowtimes")
    spider.arguments = {"mode": "incremental", "max_articles": 5}
    return build_from_crawler(RunRecorder, crawler), spider


async def test_complete_record_of_a_finished_run(mongo_uri, mongo_db_name, mongo_db, tmp_path):
    runs, spider = recorder(mongo_uri, mongo_db_name, tmp_path)
    await runs.spider_opened(spider)
    assert mongo_db.runs.find_one({"_id": runs.run_id})["status"] == "running"
    stats = runs.crawler.stats
    for key, value in (("mongo/new", 3), ("mongo/updated", 1), ("mongo/unchanged", 2),
                       ("validate/dropped/missing_body", 1), ("downloader/request_count", 30),
                       ("downloader/response_status_count/200", 21),
                       ("store/revision_held", 4), ("spider/duplicate_canonical", 5),
                       ("spider/http_404", 2), ("spider/dns_error", 1),
                       ("downloader/exception_type_count/twisted.internet.error."
                        "TimeoutError", 6), ("spider/http_500", 0)):
        stats.set_value(key, value)
    await runs.spider_closed(spider, "finished")
    record = mongo_db.runs.find_one({"_id": runs.run_id})
    assert record["status"] == "finished" and record["finish_reason"] == "finished"
    assert record["arguments"] == {"mode": "incremental", "max_articles": "5"}
    assert record["counts"]["new"] == 3 and record["counts"]["updated"] == 1
    assert record["counts"]["unchanged"] == 2 and record["counts"]["requests"] == 30
    assert record["counts"]["dropped"] == {"missing_body": 1}
    assert record["counts"]["held"] == 4 and record["counts"]["dropped_same_id"] == 5
    # failure counters by size (a stat that stayed 0 is none); names with dots are values
    assert record["counts"]["failures"] == [
        {"stat": "downloader/exception_type_count/twisted.internet.error.TimeoutError",
         "count": 6}, {"stat": "spider/http_404", "count": 2},
        {"stat": "spider/dns_error", "count": 1}]
    assert record["ended_at"] >= record["started_at"] and record["duration_seconds"] >= 0


async def test_record_kept_on_disk_while_the_database_is_away_then_replayed(
        mongo_uri, mongo_db_name, mongo_db, tmp_path):
    runs, spider = recorder("mongodb://127.0.0.1:1/", mongo_db_name, tmp_path)
    await runs.spider_opened(spider)
    runs.crawler.stats.set_value("mongo/spilled", 4)
    await runs.spider_closed(spider, "mongo_unavailable")
    assert runs.crawler.stats.get_value("runs/spilled") == 1
    [path] = SpillFile(tmp_path / "spill").pending()

    store = ArticleStore(mongo_uri, mongo_db_name)
    try:
        result, restored = await store.replay(path)
        assert restored == 1 and result.new == 0
        await store.replay(path)  # a replay repeated after an ambiguous failure
    finally:
        await store.close()
    [record] = list(mongo_db.runs.find())
    assert record["_id"] == runs.run_id and record["status"] == "failed"
    assert record["finish_reason"] == "mongo_unavailable" and record["counts"]["spilled"] == 4
    assert record["spider"] == "moscowtimes" and record["started_at"] <= record["ended_at"]
