"""End to end: a database that stops answering (FerretDB's hang, as issue 10 saw it).

Two servers that never fail, only stall: one accepts TCP and never answers anything;
the other answers ``hello``/``ping`` (by passing them to a real FerretDB) and never
answers a query or a write, which is what a hung FerretDB looked like. Either way the
crawl must end with status 3 in bounded time, every item kept in the spill file.
"""

from __future__ import annotations

import asyncio
import struct
import threading
import time
from collections.abc import Iterator

import bson
import pytest

from newsscraper.replica import truth_records
from newsscraper.storage.ferretdb import free_port
from newsscraper.storage.spill import SpillFile
from tests.crawl_helpers import crawl_stats, run_crawl

pytestmark = pytest.mark.slow

ARTICLES = 25
SEED = 5
OP_MSG = 2013
# commands a hung FerretDB still answered: the driver's monitor kept seeing a live server
ANSWERED = {"hello", "ismaster", "isMaster", "ping", "buildInfo", "buildinfo", "endSessions"}


def command_name(opcode: int, body: bytes) -> str | None:
    """The command an OP_MSG carries (the first key of its body section)."""
    if opcode != OP_MSG or len(body) < 5 or body[4] != 0:
        return None
    return next(iter(bson.decode(body[5:5 + struct.unpack("<i", body[5:9])[0]])), None)


class StallingServer:
    """An asyncio TCP server in a thread. ``upstream=None``: it never answers. Otherwise
    it forwards to ``upstream`` until a connection sends a command outside ``ANSWERED``,
    and from then on that connection gets nothing, ever."""

    def __init__(self, upstream: tuple[str, int] | None) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.stalled = 0
        self.writers: set[asyncio.StreamWriter] = set()

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"

    def __enter__(self) -> StallingServer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self.loop).result(10)
        return self

    def __exit__(self, *exc) -> None:
        async def close() -> None:
            self.server.close()
            # a connection accepted while closing starts a handler late: cancel until none
            # is left, then let the transports finish closing before the loop stops, or
            # their sockets surface as ResourceWarnings in later tests
            for _ in range(10):
                tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                if not tasks:
                    break
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
            for writer in self.writers:
                writer.transport.abort()
            await asyncio.sleep(0.1)
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    async def _listen(self) -> None:
        # held here: a handler parked on an Event no one references is a garbage cycle,
        # and gc destroys it mid-test ("Task was destroyed but it is pending")
        self.never = asyncio.Event()
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            if self.upstream is None:
                await self.never.wait()  # accepted; never a byte back
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
            self.writers.add(up_writer)
            back = asyncio.ensure_future(self._copy(up_reader, writer))
            try:
                while True:
                    header = await reader.readexactly(16)
                    length, _, _, opcode = struct.unpack("<iiii", header)
                    body = await reader.readexactly(length - 16)
                    name = command_name(opcode, body)
                    if name is not None and name not in ANSWERED:
                        self.stalled += 1
                        await self.never.wait()
                    up_writer.write(header + body)
                    await up_writer.drain()
            finally:
                back.cancel()
                up_writer.close()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    @staticmethod
    async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


@pytest.fixture(params=["silent", "answers_ping_only"])
def stalling_server(request, mongo_server) -> Iterator[StallingServer]:
    upstream = None
    if request.param == "answers_ping_only":
        host, port = mongo_server.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
        upstream = (host, int(port))
    with StallingServer(upstream) as server:
        yield server


def test_crawl_against_stalled_database_ends_with_3_and_spills_everything(
        stalling_server, replica_server, tmp_path):
    site = replica_server(ARTICLES, SEED)
    started = time.monotonic()
    crawl = run_crawl(site, stalling_server.uri, "stalled", tmp_path,
                      "-s", "MONGO_TIMEOUT_MS=1000", "-s", "MONGO_OPERATION_TIMEOUT_MS=2000",
                      "-s", "STORE_RETRY_SECONDS=3", "-s", "STORE_BATCH_SECONDS=0.5", timeout=300)
    elapsed = time.monotonic() - started
    assert crawl.returncode == 3, crawl.stderr[-3000:]
    # bounded, where a stall without timeouts is for ever: 13-23 s at a load of 5; the
    # bound leaves a loaded host room (it was 90 s)
    assert elapsed < 240, elapsed
    stats = crawl_stats(crawl.stderr)
    spilled = [r for f in sorted((tmp_path / "spill").glob("spill-*.jsonl"))
               for r in SpillFile.read(f)]
    ids = [r["item"]["article_id"] for r in spilled if r["kind"] == "article"]
    # nothing lost: every item the crawl scraped is in the spill, once
    assert stats.get("mongo/spilled", 0) == len(ids) == stats.get("item_scraped_count", 0), stats
    assert len(set(ids)) == len(ids)
    truth = {t["article_id"] for t in truth_records(site.model, site.base_url, site.static_url)}
    assert set(ids) <= truth
    assert any(r["kind"] == "run" for r in spilled), "the run record is kept too"
