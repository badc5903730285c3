"""Scale-out end to end: several ``scrapy crawl`` workers sharing one run through a real
``redis-server`` (started here on a free port), storing into a real MongoDB-protocol
server: exactly the truth, no article twice, about the requests of one worker; an
incremental re-run fetches little; a worker killed mid-run loses nothing."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsscraper.replica import ReplicaServer, generate_site
from newsscraper.storage.ferretdb import free_port
from tests.crawl_helpers import ROOT, crawl_command, crawl_stats, run_crawl
from tests.e2e.test_crawl import assert_store_equals_truth

pytestmark = pytest.mark.slow

ARTICLES = 300
SEED = 5
REDIS = shutil.which("redis-server")
PACED = ("-s", "DOWNLOAD_DELAY=0.1", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    if REDIS is None:
        pytest.skip("redis-server is not installed (make setup installs Debian's "
                    "redis-server package where apt-get can)")
    port = free_port()
    work = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(work)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(port=port)
        # up to 30 s for a loaded host (it went on after 5 s whether redis answered or not)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, \
                    "redis-server did not answer"
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def site():
    model = generate_site(ARTICLES, SEED)
    with ReplicaServer(model) as server:
        yield model, server


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path


def start_workers(server, mongo_uri: str, database: str, data_dir: Path, redis_url: str,
                  count: int, *args: str) -> list[Worker]:
    workers = []
    for _ in range(count):
        cmd, env = crawl_command(server, mongo_uri, database, data_dir, "-s",
                                 f"REDIS_URL={redis_url}", *args)
        log = data_dir / f"worker{len(list(data_dir.glob('worker*.log')))}.log"
        with log.open("w") as out:
            workers.append(Worker(subprocess.Popen(cmd, cwd=ROOT, env=env,
                                                   stdout=subprocess.DEVNULL, stderr=out), log))
    return workers


def finish(workers: list[Worker], data_dir: Path) -> list[dict[str, int]]:
    for w in workers:
        assert w.process.wait(timeout=300) == 0, tail(data_dir)
    return [crawl_stats(w.log.read_text()) for w in workers]


def tail(data_dir: Path) -> str:
    return "\n".join(p.read_text()[-2000:] for p in sorted(data_dir.glob("worker*.log")))


def requests(stats: list[dict[str, int]]) -> int:
    return sum(s.get("downloader/request_count", 0) for s in stats)


@pytest.fixture(scope="module")
def one_worker(site, mongo_server, tmp_path_factory) -> int:
    """The requests of a single crawl of the same replica (no Redis)."""
    _, server = site
    name = f"scale_one_{int(time.time())}"
    done = run_crawl(server, mongo_server, name, tmp_path_factory.mktemp("one"))
    assert done.returncode == 0, done.stderr[-3000:]
    return crawl_stats(done.stderr)["downloader/request_count"]


@pytest.mark.parametrize("count", [2, 3])
def test_workers_store_exactly_the_truth_with_the_requests_of_one(
        count, site, one_worker, redis_url, mongo_server, mongo_db, mongo_db_name, tmp_path):
    model, server = site
    first = finish(start_workers(server, mongo_server, mongo_db_name, tmp_path, redis_url,
                                 count), tmp_path)
    assert_store_equals_truth(mongo_db, model, server)
    assert sum(s.get("scaleout/seeder", 0) for s in first) == 1  # one worker seeded
    # (how the queue is shared out is the scheduler's: on a replica this fast, a worker
    # that starts late can find nothing left to take, so "every worker fetched" is no rule)
    assert all("scaleout/seeder" in s for s in first), first  # each a worker of the run
    assert requests(first) <= 1.1 * one_worker, (requests(first), one_worker)
    if count != 2:
        return
    # the same workers again, a new run over the unchanged site: little to fetch
    again = finish(start_workers(server, mongo_server, mongo_db_name, tmp_path, redis_url,
                                 count), tmp_path)
    # a new run, not the finished one resumed: it has a seeder of its own
    assert sum(s.get("scaleout/seeder", 0) for s in again) == 1
    assert 0 < requests(again) <= 0.1 * requests(first), (requests(again), requests(first))
    assert_store_equals_truth(mongo_db, model, server)


def test_a_worker_killed_mid_run_loses_nothing(site, redis_url, mongo_server, mongo_db,
                                               mongo_db_name, tmp_path):
    model, server = site
    # paced (about 10 requests a second a worker), so the kill lands mid-run: at the
    # replica's full speed three workers can be done before a quarter is visible stored
    workers = start_workers(server, mongo_server, mongo_db_name, tmp_path, redis_url, 3,
                            *PACED)
    deadline = time.monotonic() + 120
    pids = {w.process.pid for w in workers}
    # a quarter stored, and every worker in the run (its record written): on a loaded
    # host one worker can start late, and the two others store a quarter before the one
    # to be killed has a record to be marked abandoned
    while mongo_db.articles.estimated_document_count() < ARTICLES // 4 or not pids <= \
            {r["pid"] for r in mongo_db.runs.find({"status": "running"}, {"pid": 1})}:
        assert time.monotonic() < deadline, tail(tmp_path)
        time.sleep(0.2)
    # every worker stays while the run has work (a worker that left early, taking the run
    # for over, was the race of a worker fetching the queue's last request unseen)
    assert all(w.process.poll() is None for w in workers), tail(tmp_path)
    assert not [w for w in workers if "Closing spider" in w.log.read_text()], tail(tmp_path)
    workers[1].process.send_signal(signal.SIGKILL)
    workers[1].process.wait()
    finish([workers[0], workers[2]], tmp_path)
    # the next scheduled run (one worker here) finishes the dead worker's share
    finish(start_workers(server, mongo_server, mongo_db_name, tmp_path, redis_url, 1), tmp_path)
    assert_store_equals_truth(mongo_db, model, server)
    # and marks the dead worker's record, which the survivors' release left listed
    records = list(mongo_db.runs.find())
    [dead] = [r for r in records if r["pid"] == workers[1].process.pid]
    assert dead["status"] == "abandoned", dead
    assert not [r for r in records if r["status"] == "running"], records
