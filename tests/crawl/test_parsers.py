"""Page parsers in child processes: the same answers as in the crawl process, and a
page that crashes or hangs its parser costs that page only."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
from scrapy import Spider

from newsscraper.crawl.parsers import IN_FLIGHT, ParserFailure, ParserPool, _Worker
from newsscraper.replica import generate_site, render_site
from newsscraper.sites.moscowtimes import NotAnArticle, parse_article_page
from tests.crawl import parser_jobs as jobs
from tests.crawl_helpers import alive
from tests.settings_helpers import get_crawler

URL = "http://127.0.0.1:1/2025/08/01/story-a1"


async def until(condition, timeout: float = 30) -> None:
    """Wait for ``condition()`` to hold (a test failure past ``timeout`` seconds)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"not so after {timeout} s"
        await asyncio.sleep(0.01)


def pool(workers: int = 1, timeout: float = 30.0) -> ParserPool:
    crawler = get_crawler(Spider)
    crawler.stats.open_spider()
    return ParserPool(workers, timeout, crawler)


async def test_replica_pages_of_every_type_read_the_same_in_a_worker():
    model = generate_site(60, seed=3)
    site = render_site(model)
    by_type = {}
    for a in model.live_articles:
        by_type.setdefault(a.type, a)
    assert {"default", "live", "gallery", "video", "podcast"} <= set(by_type)
    parsers = pool()
    try:
        for a in by_type.values():
            body, url = site.get(a.path).body, site.base_url + a.path
            assert await parsers.run(parse_article_page, body, url) == \
                parse_article_page(body, url), a.type
        assert await parsers.run(jobs.pid) != os.getpid()
    finally:
        await parsers.close()


async def test_a_page_error_arrives_as_itself_and_a_bug_as_a_failure_with_its_traceback():
    parsers = pool()
    try:
        with pytest.raises(NotAnArticle, match="a listing page"):
            await parsers.run(jobs.refuse, "a listing page")
        with pytest.raises(ParserFailure, match=r"(?s)parser bug: Traceback.*in broken.*"
                                                r"KeyError"):
            await parsers.run(jobs.broken, URL)
        with pytest.raises(ParserFailure, match="unpicklable answer"):
            await parsers.run(jobs.unpicklable, URL)
        assert await parsers.run(jobs.chatty, 7) == 7  # a print does not garble answers
        assert parsers.crawler.stats.get_value("parsers/crashes") is None
    finally:
        await parsers.close()


async def test_a_worker_that_dies_is_restarted_and_the_page_tried_once_more(tmp_path):
    parsers = pool()
    try:
        first = await parsers.run(jobs.pid)
        answers = await asyncio.gather(parsers.run(jobs.crash_once, str(tmp_path / "flag")),
                                       parsers.run(jobs.double, 21))
        assert answers == ["survived", 42]  # the page queued behind it was sent again
        assert await parsers.run(jobs.pid) != first
        stats = parsers.crawler.stats
        assert stats.get_value("parsers/crashes") == 1
        assert stats.get_value("parsers/restarts") == 1
    finally:
        await parsers.close()


async def test_pages_sent_while_a_worker_restarts_wait_for_it(tmp_path, monkeypatch):
    parsers = pool()
    try:
        await parsers.run(jobs.pid)
        start = _Worker.start
        gate = asyncio.Event()

        async def held_start(self):  # the successor starts when the test says so
            await gate.wait()
            await start(self)

        monkeypatch.setattr(_Worker, "start", held_start)
        crashing = asyncio.ensure_future(parsers.run(jobs.crash_once, str(tmp_path / "f")))
        # died; its successor is not up yet (waited for: a fixed pause could end before
        # the worker had even read the page, on a loaded host)
        await until(lambda: parsers.workers[0].restarting)
        later = [asyncio.ensure_future(parsers.run(jobs.double, i)) for i in range(5)]
        # the pages sent meanwhile wait for the successor: as many as the pool's slots
        # hold are queued on the worker, none answered
        await until(lambda: len(parsers.workers[0].pending) == IN_FLIGHT)
        assert parsers.workers[0].restarting and not any(f.done() for f in later)
        gate.set()
        assert await asyncio.wait_for(asyncio.gather(*later), 30) == [0, 2, 4, 6, 8]
        assert await crashing == "survived"
    finally:
        await parsers.close()


async def test_a_page_that_kills_its_parser_twice_fails_alone():
    parsers = pool()
    try:
        crashing = parsers.run(jobs.crash, URL)
        after = parsers.run(jobs.double, 2)
        results = await asyncio.gather(crashing, after, return_exceptions=True)
        assert isinstance(results[0], ParserFailure)
        assert "died on this page 2 times" in str(results[0])
        assert results[1] == 4
        assert parsers.crawler.stats.get_value("parsers/crashes") == 2
    finally:
        await parsers.close()


async def test_a_page_that_hangs_its_parser_times_out_and_the_others_are_answered():
    # 2 s: the pages under the limit (a 0.1 s parse, a doubling) are answered within it
    # on a loaded host too, round trip and watchdog's period included (0.5 s left them
    # 0.4 s of room)
    parsers = pool(timeout=2)
    try:
        hanging = parsers.run(jobs.sleep, 60, URL)
        queued = parsers.run(jobs.double, 5)
        results = await asyncio.wait_for(asyncio.gather(hanging, queued,
                                                        return_exceptions=True), 30)
        assert isinstance(results[0], ParserFailure)
        assert "timed out after 2 s" in str(results[0])
        assert results[1] == 10
        assert parsers.crawler.stats.get_value("parsers/timeouts") == 1
        assert await parsers.run(jobs.sleep, 0.1, URL) == 0.1  # under the limit: answered
    finally:
        await parsers.close()


async def test_a_worker_is_sent_a_few_pages_at_a_time_and_the_rest_wait_their_turn():
    parsers = pool()
    most = 0

    async def watch():
        nonlocal most
        while True:
            most = max([most] + [len(w.pending) for w in parsers.workers])
            await asyncio.sleep(0.005)

    watching = asyncio.create_task(watch())
    try:
        pages = [parsers.run(jobs.sleep, 0.02, f"{URL}?{i}") for i in range(5 * IN_FLIGHT)]
        assert await asyncio.gather(*pages) == [0.02] * (5 * IN_FLIGHT)
    finally:
        watching.cancel()
        await parsers.close()
    assert 1 < most <= IN_FLIGHT


async def test_closing_ends_the_workers():
    parsers = pool(workers=2)
    pids = set(await asyncio.gather(*(parsers.run(jobs.pid) for _ in range(8))))
    assert len(pids) == 2
    await parsers.close()
    assert not any(alive(p) for p in pids)


async def test_no_worker_parses_in_the_crawl_process(monkeypatch):
    parsers = pool(workers=0)
    assert await parsers.run(jobs.pid) == os.getpid()
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    unstartable = pool(workers=1)
    try:
        assert await unstartable.run(jobs.pid) == os.getpid()
        assert unstartable.crawler.stats.get_value("parsers/in_process") == 1
        with pytest.raises(NotAnArticle):
            await unstartable.run(jobs.refuse, "still a page error")
    finally:
        await unstartable.close()


async def test_a_worker_that_cannot_import_the_parsers_leaves_them_to_the_crawl_process(
        monkeypatch):
    monkeypatch.setattr("newsscraper.crawl.parsers._SERVE", "import sys; sys.exit(1)")
    parsers = pool()
    try:
        assert await parsers.run(jobs.pid) == os.getpid()
        assert not parsers.workers
        assert parsers.crawler.stats.get_value("parsers/crashes") is None
    finally:
        await parsers.close()
