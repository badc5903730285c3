"""The health probe's deploy files: the crontab line run as cron runs it (bash, a bare
environment, the install's .env) against a real server, the systemd unit and timer as the
README gives them (systemd-analyze verifies them in test_systemd.py), and the Prometheus
alert rules naming the metrics a crawl writes."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from newsscraper.crawl.metrics import registry_of
from tests.crawl_helpers import ROOT
from tests.deploy.layout import install
from tests.deploy.test_cron import run_as_cron, write_env
from tests.deploy.test_systemd import INSTALL, sections

CRONTAB = ROOT / "deploy" / "cron" / "newsscraper-health.crontab"
RULES = ROOT / "deploy" / "prometheus" / "newsscraper-alerts.yml"


def health_line() -> tuple[str, str]:
    """(schedule, command) of the crontab's one job line."""
    [line] = [line for line in CRONTAB.read_text().splitlines()
              if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    fields = re.split(r"\s+", line.strip(), maxsplit=5)
    return " ".join(fields[:5]), fields[5]


def test_the_crontab_line_mails_only_what_is_not_ok(tmp_path, mongo_uri, mongo_db,
                                                     mongo_db_name):
    schedule, command = health_line()
    assert schedule == "*/15 * * * *"
    assert "%" not in command  # cron would turn it into a newline
    home = install(tmp_path / "newsscraper")
    write_env(home, {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db_name})
    now = datetime.now(timezone.utc)
    mongo_db.runs.insert_one({"_id": "r1", "status": "finished", "exit_status": 0,
                              "started_at": now - timedelta(minutes=5), "ended_at": now})
    mongo_db.articles.insert_one({"_id": "moscowtimes:1", "published_at": now})

    quiet = run_as_cron(command, home)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == "", quiet

    mongo_db.runs.update_one({"_id": "r1"}, {"$set": {"ended_at": now - timedelta(hours=3)}})
    loud = run_as_cron(command, home)
    assert loud.stdout.startswith("NEWSSCRAPER CRITICAL - last_success"), loud
    assert "CRITICAL last_success" in loud.stdout


def test_the_systemd_unit_runs_the_same_probe_on_a_timer():
    service = sections(ROOT / "deploy" / "systemd" / "newsscraper-health.service")["Service"]
    _, command = health_line()
    probe = re.search(r"\.venv/bin/newsscraper health [^)]*?(?= 2>&1)", command)
    assert probe is not None
    assert service["ExecStart"] == f"{INSTALL}/{probe.group(0)}"
    assert service["Type"] == "oneshot" and "SuccessExitStatus" not in service
    timer = sections(ROOT / "deploy" / "systemd" / "newsscraper-health.timer")
    assert timer["Timer"]["OnCalendar"] == "*:07/15"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_alert_rules_name_the_metrics_a_crawl_writes():
    written = {metric.name for metric in registry_of({}, 0, 0.0, 0.0).collect()}
    rules = yaml.safe_load(RULES.read_text())
    [group] = rules["groups"]
    alerts = {rule["alert"]: rule for rule in group["rules"]}
    assert set(alerts) == {"NewsscraperNoSuccessfulRun", "NewsscraperNoRun",
                           "NewsscraperLastRunFailed"}
    for rule in alerts.values():
        names = set(re.findall(r"\bnewsscraper_\w+", rule["expr"]))
        assert names and names <= written, (rule["expr"], written)
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["summary"]
    assert "2 * 3600" in alerts["NewsscraperNoSuccessfulRun"]["expr"]
    assert "newsscraper_last_success_timestamp_seconds" in \
        alerts["NewsscraperNoSuccessfulRun"]["expr"]
    assert "newsscraper_run_exit_status" in alerts["NewsscraperLastRunFailed"]["expr"]


def test_promtool_accepts_the_rules():
    if shutil.which("promtool") is None:
        pytest.skip("promtool is not installed here (Prometheus)")
    proc = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
