"""WARC files as the crawl writes them, read back with warcio: records, rotation,
warcinfo, offsets; the writer process, and what a full disk or its death costs; the
recorder's switch and choice of pages."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
from datetime import datetime, timezone
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from warcio.archiveiterator import ArchiveIterator

from newsscraper.warc.middleware import WarcRecorder, page_kind, warc_dir
from newsscraper.warc.reader import check, read_page, responses, warc_files
from newsscraper.warc.writer import BATCH_PAGES, Exchange, WarcArchive, WarcSeries
from tests.crawl_helpers import alive
from tests.settings_helpers import get_crawler, project_settings
from tests.warc.series_kinds import FullSeries, HeldSeries, SlowSeries

MOMENT = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)


def page(n: int, size: int = 20_000) -> Exchange:
    words = random.Random(n).randbytes(size // 2).hex()  # compresses to about half
    body = f"<html><body>page {n} {words}</body></html>".encode()
    return Exchange(url=f"http://127.0.0.1:1/2025/01/01/story-a{n}", method="GET",
                    request_headers=[("User-Agent", "test")], status=200, reason="OK",
                    protocol="HTTP/1.1",
                    response_headers=[("Content-Type", "text/html; charset=utf-8"),
                                      ("Content-Length", "999"),
                                      ("Content-Encoding", "gzip")],
                    body=body, fetched_at=MOMENT, extra={"Newsscraper-Page": "article"})


def test_records_rotate_by_size_and_each_file_starts_with_warcinfo(tmp_path: Path):
    series = WarcSeries(tmp_path, "20260102T030405Z-abcd1234", 3000,
                        {"software": "newsscraper/0.1.0", "CONCURRENT_REQUESTS": 16})
    sources = [series.write(page(n)) for n in range(5)]
    series.close()
    files = warc_files(tmp_path)
    assert len(files) == 5  # each page is past 3,000 bytes compressed: one a file
    for path in files:
        assert "20260102T030405Z-abcd1234" in path.name
        with open(path, "rb") as f:
            first = next(iter(ArchiveIterator(f)))
            assert first.rec_type == "warcinfo"
            info = first.content_stream().read().decode()
        assert "run-id: 20260102T030405Z-abcd1234" in info
        assert "software: newsscraper/0.1.0" in info and "CONCURRENT_REQUESTS: 16" in info
        report = check(path)
        assert report.torn_at is None and report.digest_problems == 0
        assert report.records["response"] == report.records["request"] >= 1
    assert [int(p.name.rsplit("-", 1)[1].split(".")[0]) for p in files] == \
        list(range(len(files)))
    for n, source in enumerate(sources):
        kept = read_page(tmp_path / source.warc_file, source.offset)
        assert kept.body == page(n).body and kept.status == 200
        assert kept.url.endswith(f"-a{n}") and kept.source.fetched_at == MOMENT
        # the payload is kept decompressed: no stale transport headers
        headers = dict(kept.headers)
        assert "Content-Encoding" not in headers
        assert headers["Content-Length"] == str(len(page(n).body))


def stats():
    crawler = get_crawler(scrapy.Spider)
    crawler.stats.open_spider()
    return crawler.stats


async def test_the_writer_process_answers_with_where_each_record_starts(tmp_path: Path):
    counts = stats()
    archive = WarcArchive(WarcSeries(tmp_path, "run", 1 << 30, {"software": "x"}),
                          stats=counts)
    assert await archive.start()
    assert archive.proc is not None
    writer = archive.proc.pid
    assert writer != os.getpid()
    sources = await asyncio.gather(*[archive.submit(page(n, 2000)) for n in range(20)])
    await archive.close()
    assert archive.proc.returncode == 0 and not alive(writer)  # reaped
    assert archive.submit(page(20, 2000)) is None  # closed: nothing more is taken
    (path,) = warc_files(tmp_path)
    assert f"-{os.getpid()}-" in path.name  # the crawl process's series, not the writer's
    entries = list(responses(path))
    assert [e.source for e in entries] == sources
    assert [e.url for e in entries] == [page(n).url for n in range(20)]
    assert counts.get_value("warc/records") == 20
    assert counts.get_value("warc/bytes") == sum(len(page(n, 2000).body) for n in range(20))
    assert counts.get_value("warc/failed") is None


async def test_a_slow_disk_makes_the_crawl_wait_instead_of_queueing_every_page(tmp_path: Path):
    archive = WarcArchive(SlowSeries(tmp_path, "run", 1 << 30, {"software": "x"}),
                          max_pending=4)
    assert await archive.start()
    waited, most = 0, 0
    for n in range(30):
        waited += await archive.room()
        archive.submit(page(n, 2000))
        most = max(most, len(archive.pending))
    await archive.close()
    assert waited > 0 and most <= 4, (waited, most)
    (path,) = warc_files(tmp_path)
    assert [e.url for e in responses(path)] == [page(n).url for n in range(30)]


async def test_a_full_disk_costs_the_pages_it_refused_never_the_crawl(tmp_path: Path, caplog):
    counts = stats()
    series = FullSeries(tmp_path, "run", 1 << 30, {"software": "x"})
    series.full_for = ("-a3", "-a4")
    archive = WarcArchive(series, stats=counts)
    assert await archive.start()
    with caplog.at_level(logging.ERROR, logger="newsscraper.warc.writer"):
        sources = await asyncio.gather(*[archive.submit(page(n, 2000)) for n in range(8)])
        assert archive.alive  # the next page may find room again
        await archive.close()
    assert [s is None for s in sources] == [n in (3, 4) for n in range(8)]
    assert caplog.text.count("cannot write WARC records") == 1
    assert "No space left on device" in caplog.text
    assert counts.get_value("warc/failed") == 2 and counts.get_value("warc/records") == 6
    assert counts.get_value("warc/writer_died") is None
    (path,) = warc_files(tmp_path)
    assert [e.url for e in responses(path)] == [page(n).url for n in (0, 1, 2, 5, 6, 7)]


async def test_a_writer_killed_mid_crawl_costs_the_archive_not_the_crawl(tmp_path: Path,
                                                                         caplog):
    counts = stats()
    # the writer stops inside the second batch, after its first 4 pages: killed there, it
    # has answered for the first batch and written, unanswered, part of the second (a
    # writer killed after a clock's guess could be past every batch, or between a batch's
    # write and its answer, on a loaded host)
    series = HeldSeries(tmp_path, "run", 1 << 30, {"software": "x"})
    series.hold_at, series.held = f"-a{BATCH_PAGES + 4}", str(tmp_path / "held")
    archive = WarcArchive(series, stats=counts)
    assert await archive.start()
    assert archive.proc is not None
    futures = [archive.submit(page(n, 2000)) for n in range(40)]
    await asyncio.wait_for(asyncio.gather(*futures[:3]), 30)
    deadline = asyncio.get_running_loop().time() + 60
    while not Path(series.held).exists():
        assert asyncio.get_running_loop().time() < deadline, "the writer never got there"
        await asyncio.sleep(0.02)
    with caplog.at_level(logging.ERROR, logger="newsscraper.warc.writer"):
        archive.proc.send_signal(signal.SIGKILL)
        # every page owed is answered for (not written), none waits for ever
        sources = await asyncio.wait_for(asyncio.gather(*futures), 30)
        assert not archive.alive and archive.proc.returncode == -signal.SIGKILL
        assert archive.submit(page(40, 2000)) is None
        assert await asyncio.wait_for(archive.room(), 5) == 0
        await asyncio.wait_for(archive.close(), 10)
    written = [s for s in sources if s is not None]
    assert len(written) == BATCH_PAGES  # the first batch, answered before the kill
    assert sources[:len(written)] == written  # the pages written are the first sent
    assert "the WARC writer process ended (exit status -9)" in caplog.text
    assert "the crawl goes on without WARC files" in caplog.text
    assert counts.get_value("warc/writer_died") == 1
    assert counts.get_value("warc/failed") == 40 - len(written)
    assert counts.get_value("warc/records") == len(written)
    (path,) = warc_files(tmp_path)
    # whole records, in the order sent: those answered for, then those of the batch the
    # kill fell in, written but not answered for
    entries = list(responses(path))
    assert [e.source for e in entries[:len(written)]] == written
    assert len(entries) == BATCH_PAGES + 4
    for n, entry in enumerate(entries):
        assert read_page(path, entry.source.offset).body == page(n, 2000).body


async def test_a_writer_that_cannot_start_costs_the_archive_not_the_crawl(tmp_path: Path,
                                                                          caplog):
    counts = stats()
    series = WarcSeries(tmp_path, "run", 1 << 30, {"software": "x", "what": lambda: 0})
    archive = WarcArchive(series, stats=counts)  # settings pickle refuses
    with caplog.at_level(logging.ERROR, logger="newsscraper.warc.writer"):
        assert not await archive.start()
    assert archive.submit(page(0)) is None
    await archive.close()
    assert "cannot start the WARC writer process" in caplog.text
    assert counts.get_value("warc/writer_died") == 1
    assert warc_files(tmp_path) == []


def test_a_record_cut_short_is_skipped_with_a_warning(tmp_path: Path, caplog):
    series = WarcSeries(tmp_path, "run", 1 << 30, {"software": "x"})
    sources = [series.write(page(n)) for n in range(3)]
    series.close()
    (path,) = warc_files(tmp_path)
    whole = path.read_bytes()
    path.write_bytes(whole[:sources[2].offset + 40])  # killed inside the third response
    with caplog.at_level(logging.WARNING, logger="newsscraper.warc.reader"):
        report = check(path)
    assert report.torn_at == sources[2].offset
    assert report.records == {"warcinfo": 1, "response": 2, "request": 2}
    assert [e.url for e in responses(path)] == [page(0).url, page(1).url]
    assert "cut short" in caplog.text


def test_the_recorder_is_off_with_warc_enabled_off_and_writes_under_the_data_dir(tmp_path):
    with pytest.raises(NotConfigured):
        WarcRecorder.from_crawler(get_crawler(settings_dict={"WARC_ENABLED": False}))
    settings = project_settings(NEWSSCRAPER_DATA_DIR=str(tmp_path))
    assert warc_dir(settings) == tmp_path / "warc"
    assert warc_dir(project_settings(WARC_DIR="/x/y")) == Path("/x/y")


class _Spider(scrapy.Spider):
    name = "t"

    def parse_article(self, response):
        pass

    def resolve_slug(self, response):
        pass

    def parse_listing(self, response):
        pass


@pytest.mark.parametrize(("url", "callback", "kind"), [
    ("http://h/2025/01/01/x-a1", "parse_article", "article"),
    ("http://h/2025/01/01/x", "resolve_slug", "article"),
    ("http://h/live/85152/0", None, "live_posts"),
    ("http://h/news", "parse_listing", "other"),
    ("http://h/sitemap.xml", None, "other"),
])
def test_which_pages_are_kept(url, callback, kind):
    spider = _Spider()
    request = scrapy.Request(url, callback=getattr(spider, callback) if callback else None)
    assert page_kind(request) == kind
