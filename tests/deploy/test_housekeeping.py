"""Housekeeping an operator relies on (issue 21, section 7): the secrets file is never
committed, and every log a crontab appends to is rotated by the logrotate example."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.crawl_helpers import ROOT

LOGROTATE = ROOT / "deploy" / "logrotate" / "newsscraper"
INSTALL = "/srv/newsscraper"


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="not a git checkout")
def test_the_env_file_is_ignored_by_git():
    proc = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert proc.returncode == 0, ".env (MONGO_URI with its password) is not in .gitignore"


def appended_logs() -> set[str]:
    """Every file a crontab line appends to (``>>var/log/...``), as installed."""
    found = set()
    for crontab in (ROOT / "deploy").rglob("*.crontab"):
        for line in crontab.read_text().splitlines():
            if line.startswith("#"):
                continue
            found |= {f"{INSTALL}/{path}" for path in re.findall(r">>\s*(\S+)", line)}
    return found


def rotated() -> set[str]:
    head = LOGROTATE.read_text().split("{", 1)[0]
    return {line.strip() for line in head.splitlines()
            if line.strip() and not line.startswith("#")}


def test_every_log_a_crontab_appends_to_is_rotated():
    logs = appended_logs()
    assert f"{INSTALL}/var/log/scrapyd.log" in logs  # the crontab is read as meant
    assert logs <= rotated(), logs - rotated()
    assert f"{INSTALL}/var/log/cron.log" in rotated()  # run-crawl.sh's own notes
    assert "copytruncate" in LOGROTATE.read_text()  # scrapyd keeps its log open
