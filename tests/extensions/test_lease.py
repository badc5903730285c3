"""The run lease against a real server: one holder at a time, stale leases taken over by
exactly one contender, workers of one run sharing it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest
from pymongo import AsyncMongoClient

from newsscraper.extensions.lease import RunLease, gone_here


@pytest.fixture
async def state(mongo_uri, mongo_db_name) -> AsyncIterator:
    client: AsyncMongoClient = AsyncMongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        yield client[mongo_db_name]["crawl_state"]
    finally:
        await client.close()


def lease(state, run: str, record: str | None = None, seconds: float = 60) -> RunLease:
    return RunLease(state, "moscowtimes", run, record or run, seconds)


async def age(state, seconds: float) -> None:
    """Make the lease look as if its holder stopped beating ``seconds`` ago."""
    then = datetime.now(timezone.utc) - timedelta(seconds=seconds)
    await state.update_one({"_id": "lease:moscowtimes"}, {"$set": {"heartbeat": then}})


async def test_a_second_run_finds_the_lease_held(state):
    first, second = lease(state, "run-a"), lease(state, "run-b")
    assert (await first.acquire()).state == "acquired"
    found = await second.acquire()
    assert found.state == "held" and not found.holds
    assert found.previous is not None and found.previous["run_id"] == "run-a"
    assert await first.heartbeat() and not await second.heartbeat()
    doc = await state.find_one({"_id": "lease:moscowtimes"})
    assert doc["run_id"] == "run-a" and doc["pid"] > 0 and doc["host"]


async def test_a_released_lease_is_taken_by_the_next_run(state):
    first = lease(state, "run-a")
    await first.acquire()
    await first.release()
    assert not await first.heartbeat()
    after = await lease(state, "run-b").acquire()
    assert after.state == "acquired"
    doc = await state.find_one({"_id": "lease:moscowtimes"})
    assert doc["run_id"] == "run-b" and doc["generation"] == 2


async def test_a_stale_lease_is_taken_over_by_exactly_one_contender(state):
    await lease(state, "dead-run").acquire()
    await age(state, 120)
    contenders = [lease(state, f"run-{i}") for i in range(4)]
    outcomes = await asyncio.gather(*(c.acquire() for c in contenders))
    states = sorted(o.state for o in outcomes)
    assert states == ["held", "held", "held", "taken_over"], states
    [winner] = [c for c, o in zip(contenders, outcomes, strict=True) if o.state == "taken_over"]
    assert next(o for o in outcomes if o.state == "taken_over").previous["run_id"] == "dead-run"
    doc = await state.find_one({"_id": "lease:moscowtimes"})
    assert doc["run_id"] == winner.run_id


async def test_a_live_lease_is_not_taken_over(state):
    await lease(state, "slow-run", seconds=60).acquire()
    await age(state, 30)  # late, but within the lease
    assert (await lease(state, "run-b", seconds=60).acquire()).state == "held"


async def test_workers_of_one_run_share_the_lease(state):
    workers = [lease(state, "run-x", record=f"run-x-w{i}") for i in range(3)]
    outcomes = await asyncio.gather(*(w.acquire() for w in workers))
    assert sorted(o.state for o in outcomes) == ["acquired", "joined", "joined"]
    doc = await state.find_one({"_id": "lease:moscowtimes"})
    # FerretDB may lose one of two concurrent $addToSet: the list is advisory
    assert doc["run_id"] == "run-x" and doc["workers"]
    assert set(doc["workers"]) <= {"run-x-w0", "run-x-w1", "run-x-w2"}
    assert all([await w.heartbeat() for w in workers])
    assert (await lease(state, "other").acquire()).state == "held"
    for w in workers:
        await w.release()
    # no worker can prove it was the last: the lease stays until it goes quiet or stale
    assert (await lease(state, "other").acquire()).state == "held"
    await age(state, 120)
    assert (await lease(state, "other").acquire()).state == "taken_over"


async def test_a_claim_whose_claimer_died_does_not_block_the_lease(state):
    """A process that won a claim and died before writing the lease leaves the claim;
    once it is older than the lease period the next generation is claimed instead."""
    old = datetime.now(timezone.utc) - timedelta(seconds=600)
    await state.insert_one({"_id": "lease:moscowtimes:1", "run_id": "died", "at": old})
    outcome = await lease(state, "run-b").acquire()
    assert outcome.state == "acquired"
    doc = await state.find_one({"_id": "lease:moscowtimes"})
    assert doc["run_id"] == "run-b" and doc["generation"] == 2


async def test_a_live_lease_whose_run_says_it_ended_is_taken(state):
    """A run that ended while the database was away could not free its lease; its
    replayed record says it ended, and that is enough."""
    await lease(state, "ended-run").acquire()

    async def ended(found: dict) -> bool:
        return found["run_id"] == "ended-run"

    assert (await lease(state, "run-b").acquire()).state == "held"
    assert (await lease(state, "run-b").acquire(ended=ended)).state == "taken_over"


async def test_runs_that_lose_the_race_name_the_winner(state):
    """Two jobs started in the same second: the losers read the winner's claim (the
    lease may not be written yet), which names its host, pid and time."""
    contenders = [lease(state, f"run-{i}") for i in range(4)]
    outcomes = await asyncio.gather(*(c.acquire() for c in contenders))
    held = [o for o in outcomes if o.state == "held"]
    assert len(held) == 3, [o.state for o in outcomes]
    for outcome in held:
        assert outcome.previous is not None
        assert outcome.previous["run_id"].startswith("run-")
        assert outcome.previous["host"] == os.uname().nodename
        assert outcome.previous["pid"] == os.getpid()
        assert isinstance(outcome.previous["heartbeat"], datetime)


async def test_a_released_shared_lease_keeps_the_workers_that_never_left(state):
    """A worker killed while the others went on never leaves the list; the one that saw
    the run end frees the lease and leaves the dead one listed for the next run."""
    alive, killed = (lease(state, "run-x", record=f"run-x-{n}") for n in ("alive", "killed"))
    await alive.acquire()
    await killed.acquire()
    await alive.release(run_over=True)
    doc = await state.find_one({"_id": "lease:moscowtimes"})
    assert doc["run_id"] is None and doc["workers"] == ["run-x-killed"]
    after = await lease(state, "run-y").acquire()
    assert after.state == "acquired" and after.previous["workers"] == ["run-x-killed"]
    doc = await state.find_one({"_id": "lease:moscowtimes"})
    assert doc["workers"] == ["run-y"]


def test_gone_here_tells_a_dead_process_on_this_host():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: its pid names no process now
    host = os.uname().nodename
    assert gone_here(host, child.pid)
    assert not gone_here(host, os.getpid())
    assert not gone_here("another-host", child.pid)  # only the heartbeat tells there
    assert not gone_here(host, None) and not gone_here(host, 0)
