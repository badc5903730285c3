"""WARC files as the crawl writes them, read back with warcio: records, rotation,
warcinfo, offsets, and the recorder's switch and choice of pages."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from newsscraper.warc.middleware import WarcRecorder, page_kind, warc_dir
from newsscraper.warc.reader import check, read_page, responses, warc_files
from newsscraper.warc.writer import Exchange, WarcArchive, WarcSeries
from tests.settings_helpers import project_settings

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


def test_the_writer_thread_answers_with_where_each_record_starts(tmp_path: Path):
    async def write() -> list:
        archive = WarcArchive(WarcSeries(tmp_path, "run", 1 << 30, {"software": "x"}))
        futures = [archive.submit(page(n, 2000)) for n in range(20)]
        found = await asyncio.gather(*futures)
        archive.close()
        return found

    sources = asyncio.run(write())
    (path,) = warc_files(tmp_path)
    entries = list(responses(path))
    assert [e.source.offset for e in entries] == [s.offset for s in sources]
    assert [e.url for e in entries] == [page(n).url for n in range(20)]


def test_a_slow_disk_makes_the_crawl_wait_instead_of_queueing_every_page(tmp_path: Path):
    class SlowSeries(WarcSeries):
        def write(self, exchange):
            time.sleep(0.02)
            return super().write(exchange)

    async def crawl() -> tuple[int, int]:
        archive = WarcArchive(SlowSeries(tmp_path, "run", 1 << 30, {"software": "x"}),
                              max_pending=4)
        waited, most = 0, 0
        for n in range(30):
            waited += await archive.room()
            archive.submit(page(n, 2000))
            most = max(most, sum(not f.done() for f in archive.pending))
        archive.close()
        return waited, most

    waited, most = asyncio.run(crawl())
    assert waited > 0 and most <= 4, (waited, most)
    (path,) = warc_files(tmp_path)
    assert [e.url for e in responses(path)] == [page(n).url for n in range(30)]


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
