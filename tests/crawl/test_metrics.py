"""The run's metrics (newsscraper/crawl/metrics.py) without a crawl: the textfile read back
with prometheus_client's parser, the previous success kept by a failed run, and the
Pushgateway against a tiny local HTTP server that records what it is sent. Whole crawls
writing them: tests/e2e/test_outside.py."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from prometheus_client.parser import text_string_to_metric_families
from scrapy.settings import Settings

from newsscraper.crawl.metrics import write_run_metrics
from newsscraper.default_settings import layer_defaults
from newsscraper.storage.ferretdb import free_port

STATS = {"mongo/new": 7, "mongo/updated": 2, "mongo/unchanged": 30, "removed/marked": 1,
         "store/revision_held": 1, "downloader/request_count": 55, "monitors/failed": 0,
         "elapsed_time_seconds": 12.5}


class RecordingGateway:
    """A Pushgateway stand-in: records ``(method, path, body)`` of every request and
    answers 200 (or hangs ``delay`` seconds first)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.requests: list[tuple[str, str, str]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.requests.append((self.command, self.path, body.decode()))
                time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_PUT = do_POST = _record

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def samples(text: str) -> dict[tuple[str, str], float]:
    return {(s.name, s.labels.get("outcome", "")): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def settings(**values) -> Settings:
    """The ``crawl`` command's settings (defaults layered), ``values`` as ``-s``."""
    s = Settings({"MONGO_URI": f"mongodb://127.0.0.1:{free_port()}/"})  # nothing there
    layer_defaults(s)
    s.setdict(values, priority="cmdline")
    return s


def test_textfile_carries_every_metric(tmp_path):
    path = tmp_path / "newsscraper.prom"
    before = time.time()
    write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path)), STATS, 0)
    got = samples(path.read_text())
    assert got[("newsscraper_run_exit_status", "")] == 0
    assert got[("newsscraper_run_duration_seconds", "")] == 12.5
    assert {o: got[("newsscraper_articles", o)] for o in
            ("new", "updated", "unchanged", "removed", "held")} == \
        {"new": 7, "updated": 2, "unchanged": 30, "removed": 1, "held": 1}
    assert got[("newsscraper_requests", "")] == 55
    assert got[("newsscraper_monitors_failed", "")] == 0
    assert before <= got[("newsscraper_last_run_timestamp_seconds", "")] <= time.time()
    assert got[("newsscraper_last_success_timestamp_seconds", "")] == \
        got[("newsscraper_last_run_timestamp_seconds", "")]
    assert [p.name for p in tmp_path.iterdir()] == ["newsscraper.prom"]  # no temporary left


def test_the_metric_and_the_run_record_count_the_same_outcomes(tmp_path):
    """One map of stat to outcome (storage/runsummary.py) under both: a hosting move
    (``mongo/moved``) is a label as it is a count of the record."""
    from newsscraper.extensions.closing import run_counts

    stats = {**STATS, "mongo/moved": 3}
    expected = {"new": 7, "updated": 2, "moved": 3, "unchanged": 30, "held": 1, "removed": 1}
    path = tmp_path / "newsscraper.prom"
    write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path)), stats, 0)
    labelled = {o: v for (name, o), v in samples(path.read_text()).items()
                if name == "newsscraper_articles"}
    assert labelled == expected
    counts = run_counts(stats)
    assert {o: counts[o] for o in labelled} == expected
    assert "removed" not in run_counts({"mongo/new": 1})  # only when the job counted


def test_a_failed_run_keeps_the_previous_success(tmp_path):
    path = tmp_path / "newsscraper.prom"
    write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path)), STATS, 0)
    success = samples(path.read_text())[("newsscraper_last_success_timestamp_seconds", "")]
    time.sleep(0.05)
    write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path)), None, 2)  # rejected
    got = samples(path.read_text())
    assert got[("newsscraper_run_exit_status", "")] == 2
    assert got[("newsscraper_last_success_timestamp_seconds", "")] == success
    assert got[("newsscraper_last_run_timestamp_seconds", "")] > success
    assert got[("newsscraper_requests", "")] == 0


def test_without_a_previous_file_the_success_comes_from_runs(tmp_path, mongo_uri, mongo_db,
                                                             mongo_db_name):
    ended = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3)
    mongo_db.runs.insert_many([
        {"_id": "a", "status": "finished", "ended_at": ended},
        {"_id": "b", "status": "finished", "ended_at": ended - timedelta(days=1)},
        {"_id": "c", "status": "failed", "ended_at": ended + timedelta(hours=1)}])
    path = tmp_path / "newsscraper.prom"
    write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path), MONGO_URI=mongo_uri,
                               MONGO_DATABASE=mongo_db_name), STATS, 3)
    got = samples(path.read_text())
    assert got[("newsscraper_last_success_timestamp_seconds", "")] == ended.timestamp()


def test_no_success_known_is_0(tmp_path):
    path = tmp_path / "newsscraper.prom"
    write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path)), STATS, 4)
    assert samples(path.read_text())[("newsscraper_last_success_timestamp_seconds", "")] == 0


def test_the_environment_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "from-env.prom"
    monkeypatch.setenv("NEWSSCRAPER_METRICS_FILE", str(path))
    write_run_metrics(settings(), STATS, 0)
    assert samples(path.read_text())[("newsscraper_run_exit_status", "")] == 0


def test_nothing_written_when_not_set(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSSCRAPER_METRICS_FILE", raising=False)
    monkeypatch.delenv("NEWSSCRAPER_PUSHGATEWAY_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    write_run_metrics(settings(), STATS, 0)
    assert list(tmp_path.iterdir()) == []


def test_pushgateway_gets_the_same_metrics(tmp_path):
    path = tmp_path / "newsscraper.prom"
    with RecordingGateway() as gateway:
        write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path),
                                   NEWSSCRAPER_PUSHGATEWAY_URL=gateway.url,
                                   NEWSSCRAPER_PUSHGATEWAY_JOB="crawl-a"), STATS, 4)
    [(method, url_path, body)] = gateway.requests
    assert (method, url_path) == ("PUT", "/metrics/job/crawl-a")
    assert samples(body) == samples(path.read_text())
    assert samples(body)[("newsscraper_run_exit_status", "")] == 4


@pytest.mark.parametrize("where", ["refused", "hangs", "bad url"])
def test_a_pushgateway_failure_is_one_warning(where, tmp_path, caplog):
    path = tmp_path / "newsscraper.prom"
    with RecordingGateway(delay=5) as hanging:
        url = {"refused": f"http://127.0.0.1:{free_port()}", "hangs": hanging.url,
               "bad url": "nowhere:://"}[where]
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="newsscraper.crawl.metrics"):
            write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(path),
                                       NEWSSCRAPER_PUSHGATEWAY_URL=url,
                                       NEWSSCRAPER_PUSHGATEWAY_TIMEOUT="0.5"), STATS, 0)
        took = time.monotonic() - started
    assert took < 4, took
    [record] = [r for r in caplog.records if r.name == "newsscraper.crawl.metrics"]
    assert record.levelname == "WARNING"
    assert "could not push the metrics to the Pushgateway" in record.getMessage()
    assert samples(path.read_text())[("newsscraper_run_exit_status", "")] == 0  # file kept


def test_an_unwritable_file_is_one_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="newsscraper.crawl.metrics"):
        write_run_metrics(settings(NEWSSCRAPER_METRICS_FILE=str(tmp_path / "no" / "x.prom")),
                          STATS, 0)
    assert "could not write the metrics file" in caplog.text
