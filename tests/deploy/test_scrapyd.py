"""End to end through scrapyd, as the README's scrapyd section says: the pip-installed
scrapyd started by ``deploy/scrapyd/scrapyd.sh`` on a free port (data in the test's tmp
dir), the egg uploaded by ``deploy/scrapyd/deploy.sh``, a crawl of the replica scheduled
by ``deploy/scrapyd/schedule.sh`` into a real MongoDB-protocol server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from newsscraper.profiles import REPLICA
from newsscraper.storage.ferretdb import free_port
from tests.crawl_helpers import ROOT
from tests.e2e.test_crawl import assert_store_equals_truth

pytest.importorskip("scrapyd", reason="scrapyd comes with the deploy extra (.[deploy])")
client_module = pytest.importorskip("scrapyd_client.pyclient",
                                    reason="scrapyd-client comes with the deploy extra")
requests = pytest.importorskip("requests", reason="scrapyd-client's HTTP client")
if shutil.which("curl") is None:
    pytest.skip("schedule.sh needs curl", allow_module_level=True)

pytestmark = pytest.mark.slow

SCRIPTS = ROOT / "deploy" / "scrapyd"
ARTICLES = 40
SEED = 5
SINCE = "2024-01-01"  # before the replica's oldest article (its dates are fixed)


class Scrapyd:
    """One scrapyd started the documented way; ``restart()`` keeps its data dir."""

    def __init__(self, data_dir: Path, mongo_uri: str) -> None:
        self.data_dir = data_dir
        self.mongo_uri = mongo_uri
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> Scrapyd:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = dict(os.environ, NEWSSCRAPER_SCRAPYD_DIR=str(self.data_dir),
                   SCRAPYD_HTTP_PORT=str(port), MONGO_URI=self.mongo_uri)
        log = (self.data_dir.parent / "scrapyd.out").open("ab")
        # its own session, so stopping it also stops the crawls it spawned
        self.proc = subprocess.Popen([str(SCRIPTS / "scrapyd.sh")], cwd=ROOT, env=env,
                                     stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            try:
                self.client().daemonstatus()
                return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise AssertionError(f"scrapyd did not answer within 60 s:\n{self.output()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None

    def restart(self) -> Scrapyd:
        self.stop()
        return self.start()

    def client(self):
        return client_module.ScrapydClient(self.url)

    def output(self) -> str:
        return (self.data_dir.parent / "scrapyd.out").read_text(errors="replace")[-3000:]

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess:
        """A deploy/scrapyd script against this scrapyd, as an operator runs it."""
        env = dict(os.environ, SCRAPYD_URL=self.url)
        return subprocess.run([str(SCRIPTS / script), *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    def wait_finished(self, job: str, timeout: float = 240) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.client().jobs("newsscraper")
            if any(j["id"] == job for j in jobs["finished"]):
                return jobs
            time.sleep(0.5)
        raise AssertionError(f"job {job} not finished after {timeout} s: {jobs}\n{self.output()}")


@pytest.fixture
def scrapyd(tmp_path: Path, mongo_server: str) -> Iterator[Scrapyd]:
    server = Scrapyd(tmp_path / "scrapyd", mongo_server)
    try:
        yield server.start()
    finally:
        server.stop()


def replica_args(server) -> list[str]:
    return ["-a", f"base_url={server.base_url}", "-a", f"static_url={server.static_url}",
            "-a", f"since={SINCE}", "-s", "NEWSSCRAPER_PROFILE=replica", "-s", "LOG_LEVEL=INFO"]


def test_deploy_schedule_restart_with_the_shipped_scripts(scrapyd, replica_server, mongo_db,
                                                          mongo_db_name):
    server = replica_server(articles=ARTICLES, seed=SEED)
    root_before = {p.name for p in ROOT.iterdir()}

    refused = scrapyd.run("schedule.sh", "-a", "mode=full")
    assert refused.returncode == 1, refused
    assert "project 'newsscraper' not found" in refused.stderr

    deployed = scrapyd.run("deploy.sh")
    assert deployed.returncode == 0, deployed.stderr
    versions = scrapyd.client().versions("newsscraper")
    assert len(versions) == 1

    # scheduled twice in a row: the second job comes while the first is pending or running
    command = ("schedule.sh", *replica_args(server), "-s", f"MONGO_DATABASE={mongo_db_name}")
    first, second = scrapyd.run(*command), scrapyd.run(*command)
    assert first.returncode == 0 and second.returncode == 0, (first.stderr, second.stderr)
    job, other = first.stdout.strip(), second.stdout.strip()
    scrapyd.wait_finished(job)
    jobs = scrapyd.wait_finished(other)
    assert {j["id"] for j in jobs["finished"]} == {job, other}
    assert jobs["pending"] == [] and jobs["running"] == []
    assert_store_equals_truth(mongo_db, server.model, server)
    # the run lease ended the overlapping one as skipped; had it started only after the
    # first crawl ended, it would have been a second, later crawl, never a concurrent one
    runs = sorted(mongo_db.runs.find(), key=lambda r: r["started_at"])
    crawls = [r for r in runs if r["status"] != "skipped"]
    assert len(runs) == 2 and crawls[0]["status"] == "finished", runs
    assert len(crawls) == 1 or crawls[1]["started_at"] >= crawls[0]["ended_at"], runs
    assert crawls[0]["arguments"]["base_url"] == server.base_url
    assert crawls[0]["arguments"]["since"] == SINCE

    # everything scrapyd wrote is in its data dir; the crawl log shows the settings given
    data = scrapyd.data_dir
    assert (data / "eggs" / "newsscraper" / f"{versions[0]}.egg").is_file()
    assert (data / "dbs" / "newsscraper.db").is_file() and (data / "dbs" / "jobs.db").is_file()
    log = (data / "logs" / "newsscraper" / "moscowtimes" / f"{job}.log").read_text()
    # -s NEWSSCRAPER_PROFILE=replica reached the crawl: its values are in force
    assert f"'CONCURRENT_REQUESTS_PER_DOMAIN': {REPLICA['CONCURRENT_REQUESTS_PER_DOMAIN']}," in log
    # bounded like a cron run (NEWSSCRAPER_RUN_SECONDS, 1500 by default)
    assert "'CLOSESPIDER_TIMEOUT': '1500'" in log
    # the WARC writer process started from the egg, as the parser process does
    assert "'warc/records'" in log and "warc/writer_died" not in log
    new_in_root = {p.name for p in ROOT.iterdir()} - root_before
    # scrapyd-deploy builds the egg in build/ and newsscraper.egg-info/
    assert not new_in_root - {"build", "newsscraper.egg-info"}, new_in_root

    scrapyd.restart()
    client = scrapyd.client()
    assert client.projects() == ["newsscraper"]
    assert client.versions("newsscraper") == versions
    # the kept egg still loads: the crawl and the re-reading of its WARC files
    assert client.spiders("newsscraper") == ["moscowtimes", "reparse"]
    assert {j["id"] for j in client.jobs("newsscraper")["finished"]} == {job, other}


def test_schedule_arguments_and_failures(scrapyd, tmp_path):
    bad = scrapyd.run("schedule.sh", "-a", "since")
    assert bad.returncode == 2 and "NAME=VALUE" in bad.stderr
    bad = scrapyd.run("schedule.sh", "mode=full")
    assert bad.returncode == 2 and "unknown argument" in bad.stderr

    unreachable = subprocess.run(
        [str(SCRIPTS / "schedule.sh")], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, SCRAPYD_URL=f"http://127.0.0.1:{free_port()}"))
    assert unreachable.returncode == 1 and "unreachable" in unreachable.stderr

    unbounded = subprocess.run(
        [str(SCRIPTS / "schedule.sh")], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, NEWSSCRAPER_RUN_SECONDS="forever"))
    assert unbounded.returncode == 2 and "NEWSSCRAPER_RUN_SECONDS" in unbounded.stderr


def test_deploy_fails_when_scrapyd_cannot_load_the_egg(scrapyd, tmp_path):
    # a zip without egg metadata: scrapyd stores it, fails to list its spiders and answers
    # HTTP 200 {"status": "error"}
    egg = tmp_path / "broken.egg"
    with zipfile.ZipFile(egg, "w") as z:
        z.writestr("broken/__init__.py", "")
    result = scrapyd.run("deploy.sh", "-p", "broken", "--egg", str(egg))
    assert result.returncode == 1, result
    assert "did not accept the egg" in result.stderr


def test_readme_shows_the_commands_these_tests_run():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running under scrapyd", 1)[1].split("\n## ", 1)[0]
    commands = section.split("```sh", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    assert f"replica serve --articles {ARTICLES} --seed {SEED} " in commands
    for script in ("scrapyd.sh", "deploy.sh", "schedule.sh"):
        assert f"deploy/scrapyd/{script}" in commands
    schedule = commands.split("deploy/scrapyd/schedule.sh", 1)[1].split("\n", 1)[0].split()
    shown = SimpleNamespace(base_url="http://127.0.0.1:8000", static_url="http://127.0.0.1:8001")
    pairs = list(zip(schedule[::2], schedule[1::2], strict=True))
    expected = list(zip(*[iter(replica_args(shown))] * 2, strict=True))
    assert set(expected) <= set(pairs), (expected, pairs)
    assert ("-s", "MONGO_DATABASE=newsscraper_scrapyd") in pairs
