"""Issue 15 points 3 and 4: spill files name their database and server (no secret); a
run replays only its own and keeps the rest; ``NEWSSCRAPER_DATA_DIR`` from the
environment is honoured."""

from __future__ import annotations

import json

from newsscraper.cli import main
from newsscraper.items import to_jsonable
from newsscraper.pipelines.dedupe import DedupePipeline
from newsscraper.pipelines.store import MongoStorePipeline
from newsscraper.storage.paths import data_dir
from newsscraper.storage.spill import SpillFile, target_of
from newsscraper.storage.uri import server_hosts
from tests.settings_helpers import project_settings


def spill_for(directory, uri: str, database: str, article) -> None:
    SpillFile(directory, {"database": database, "server": server_hosts(uri)}).append(
        [{"kind": "article", "item": to_jsonable(article)}])


async def test_spill_of_another_database_is_kept_and_reported(
        crawler_for, build, make_article, mongo_uri, mongo_db_name, mongo_db, tmp_path,
        caplog):
    crawler = crawler_for()
    dedupe = build(DedupePipeline, crawler)
    spill_for(tmp_path / "spill", mongo_uri, mongo_db_name, dedupe.process_item(make_article(1)))
    spill_for(tmp_path / "spill", mongo_uri, "newsscraper_demo",
              dedupe.process_item(make_article(2)))
    spill_for(tmp_path / "spill", "mongodb://elsewhere:27017/", mongo_db_name,
              dedupe.process_item(make_article(3)))
    store = build(MongoStorePipeline, crawler)
    await store.open_spider()
    await store.close_spider()
    assert [d["article_id"] for d in mongo_db.articles.find()] == [1]
    left = {target_of(p)["database"] + " " + target_of(p)["server"]
            for p in (tmp_path / "spill").glob("spill-*.jsonl")}
    assert left == {f"{mongo_db_name} mongodb://elsewhere:27017",
                    f"newsscraper_demo {server_hosts(mongo_uri)}"}
    assert crawler.stats.get_value("mongo/spill_files_kept") == 2
    assert "newsscraper_demo" in caplog.text and "kept" in caplog.text


async def test_spill_file_names_its_target_without_secrets(crawler_for, build, make_article,
                                                           tmp_path):
    uri = "mongodb://reader:s3cr3t@127.0.0.1:1/?tlsCertificateKeyFilePassword=k3y"
    crawler = crawler_for(MONGO_URI=uri, MONGO_DATABASE="target_db", STORE_RETRY_SECONDS=0.3,
                          MONGO_TIMEOUT_MS=200)
    store = build(MongoStorePipeline, crawler)
    await store.open_spider()
    await store.process_item(build(DedupePipeline, crawler).process_item(make_article(5)))
    await store.close_spider()
    [path] = (tmp_path / "spill").glob("spill-*.jsonl")
    text = path.read_text()
    assert "s3cr3t" not in text and "k3y" not in text and "reader" not in text
    assert json.loads(text.splitlines()[0]) == {"kind": "target", "database": "target_db",
                                                "server": "mongodb://127.0.0.1:1"}


def test_spill_list_shows_each_file_and_its_target(tmp_path, capsys, make_article):
    spill_for(tmp_path / "spill", "mongodb://127.0.0.1:27027/", "newsscraper_demo",
              make_article(1))
    (tmp_path / "spill" / "spill-20200101T000000000000Z-1.jsonl").write_text(
        json.dumps({"kind": "article", "item": {"article_id": 2}}) + "\n")
    assert main(["spill", "list", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 item(s), 0 run record(s), database newsscraper_demo at " \
           "mongodb://127.0.0.1:27027" in out
    assert "no target recorded" in out


def test_data_dir_from_the_environment_is_honoured(monkeypatch):
    monkeypatch.delenv("NEWSSCRAPER_DATA_DIR", raising=False)
    assert data_dir(project_settings()) == "var"
    monkeypatch.setenv("NEWSSCRAPER_DATA_DIR", "/srv/news")
    assert data_dir(project_settings()) == "/srv/news"  # over settings.py
    assert data_dir(project_settings(NEWSSCRAPER_DATA_DIR="/cli")) == "/cli"


def test_spill_replay_with_the_database_down_says_so_in_one_line(tmp_path, capsys,
                                                                 make_article, monkeypatch):
    uri = "mongodb://127.0.0.1:1/"
    monkeypatch.setenv("MONGO_URI", uri)
    monkeypatch.setenv("MONGO_TIMEOUT_MS", "200")
    monkeypatch.setenv("MONGO_DATABASE", "down_db")
    spill_for(tmp_path / "spill", uri, "down_db", make_article(1))
    assert main(["spill", "replay", "--data-dir", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "failed (ServerSelectionTimeoutError)" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert list((tmp_path / "spill").glob("spill-*.jsonl"))
