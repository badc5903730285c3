import socket
import subprocess
import sys

import pytest
from pymongo import MongoClient

from newsscraper.cli import main
from newsscraper.storage.ferretdb import DatabaseError, LocalDatabase, free_port
from newsscraper.storage.uri import client_options
from tests.conftest import require_local_ferretdb


def test_round_trip_through_real_server(mongo_db):
    doc = {"_id": "moscowtimes:85152", "title": "Putin Says 'No Plans' to Take Kharkiv",
           "body": "Mocow's biggest battlefield advance", "authors": ["A", "Б"]}
    mongo_db.articles.insert_one(doc)
    assert mongo_db.articles.find_one({"_id": "moscowtimes:85152"}) == doc


def test_duplicate_key_is_reported_as_11000(mongo_db):
    from pymongo.errors import BulkWriteError

    mongo_db.a.insert_many([{"_id": i} for i in range(3)], ordered=False)
    with pytest.raises(BulkWriteError) as err:
        mongo_db.a.insert_many([{"_id": i} for i in range(2, 5)], ordered=False)
    assert {e["code"] for e in err.value.details["writeErrors"]} == {11000}
    assert mongo_db.a.count_documents({}) == 5


@pytest.fixture
def local_db(tmp_path, monkeypatch):
    require_local_ferretdb()
    monkeypatch.delenv("MONGO_URI", raising=False)
    port = free_port()
    monkeypatch.setenv("NEWSSCRAPER_DB_DIR", str(tmp_path / "db"))
    monkeypatch.setenv("NEWSSCRAPER_DB_PORT", str(port))
    db = LocalDatabase.from_env()
    yield db
    db.stop()


def test_db_start_status_stop_cycle(local_db, capsys):
    assert main(["db", "status"]) == 3
    assert main(["db", "start"]) == 0
    assert main(["db", "start"]) == 0  # a second start is harmless
    assert "already running" in capsys.readouterr().out
    assert main(["db", "status"]) == 0
    client: MongoClient = MongoClient(local_db.uri, **client_options(timeout_ms=3000))
    assert client.admin.command("ping")["ok"] == 1.0
    client.close()
    assert main(["db", "stop"]) == 0
    assert main(["db", "status"]) == 3


def test_stale_pid_file_is_cleared(local_db, capsys):
    local_db.data_dir.mkdir(parents=True)
    local_db.pid_file.write_text("999999\n")
    assert main(["db", "status"]) == 3
    assert "stale pid" in capsys.readouterr().out
    assert main(["db", "start"]) == 0
    assert "stale pid" in capsys.readouterr().err


def test_pid_reused_by_another_program_is_never_signalled(local_db, capsys):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        local_db.data_dir.mkdir(parents=True)
        local_db.pid_file.write_text(f"{other.pid}\n")
        assert main(["db", "status"]) == 3
        assert main(["db", "stop"]) == 0
        assert "stale pid" in capsys.readouterr().out
        assert other.poll() is None, "db stop killed a process that is not FerretDB"
        local_db.pid_file.write_text(f"{other.pid}\n")
        assert main(["db", "start"]) == 0
        assert local_db.pid() != other.pid and other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_project_database_found_from_a_subdirectory(monkeypatch, tmp_path):
    for name in ("NEWSSCRAPER_HOME", "NEWSSCRAPER_DB_DIR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "scrapy.cfg").write_text("[settings]\ndefault = newsscraper.settings\n")
    (tmp_path / "tests" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "tests" / "deep")
    assert LocalDatabase.from_env().data_dir == tmp_path / "var" / "db"


def test_bad_port_setting_is_a_clear_message(monkeypatch, capsys):
    monkeypatch.delenv("MONGO_URI", raising=False)
    monkeypatch.setenv("NEWSSCRAPER_DB_PORT", "abc")
    assert main(["db", "status"]) == 1
    assert "NEWSSCRAPER_DB_PORT" in capsys.readouterr().err


def test_status_of_an_external_server_pings_it(monkeypatch, capsys, mongo_server):
    monkeypatch.setenv("MONGO_URI", "mongodb://127.0.0.1:1/")
    assert main(["db", "status"]) == 3
    assert "does not answer" in capsys.readouterr().out
    monkeypatch.setenv("MONGO_URI", mongo_server)
    assert main(["db", "status"]) == 0


def test_port_in_use_gives_a_clear_message(local_db, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", local_db.port))
        s.listen()
        with pytest.raises(DatabaseError, match="already in use"):
            local_db.start()
        assert main(["db", "start"]) == 1
    assert "already in use" in capsys.readouterr().err


def test_demo_whose_database_cannot_start_is_a_failure_exit_3(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("MONGO_URI", raising=False)
    monkeypatch.setenv("NEWSSCRAPER_DB_DIR", str(tmp_path / "db"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        monkeypatch.setenv("NEWSSCRAPER_DB_PORT", str(s.getsockname()[1]))
        assert main(["demo"]) == 3  # the crawl's status for a database it cannot reach
    assert "already in use" in capsys.readouterr().err
    monkeypatch.setenv("NEWSSCRAPER_DB_PORT", "abc")
    assert main(["demo"]) == 3
    assert "NEWSSCRAPER_DB_PORT" in capsys.readouterr().err


def test_external_uri_starts_nothing(local_db, monkeypatch, capsys):
    monkeypatch.setenv("MONGO_URI", "mongodb://user:s3cret@db.example:27017/")
    assert main(["db", "start"]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out and "user:***@" in out
    assert local_db.pid() is None


def test_no_go_and_no_uri_names_the_ways_out(local_db, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSSCRAPER_TOOLS_DIR", str(tmp_path / "empty-tools"))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(DatabaseError) as err:
        local_db.start()
    msg = str(err.value)
    assert "MONGO_URI" in msg and "Go 1.24" in msg and "mongod" in msg


def test_dropped_database_leaves_no_sqlite_files(own_server):
    client: MongoClient = MongoClient(own_server.uri, **client_options())
    try:
        client.dropme.articles.insert_many([{"_id": f"moscowtimes:{i}"} for i in range(20)])
        data = own_server.data_dir / "data"
        assert any(p.name.startswith("dropme.sqlite") for p in data.iterdir())
        client.drop_database("dropme")
        assert not [p.name for p in data.iterdir() if p.name.startswith("dropme.")]
    finally:
        client.close()
