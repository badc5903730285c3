"""The systemd units as a user installs them: ``systemd-analyze verify`` accepts them with
the install path rewritten, and they carry what the README promises."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.crawl_helpers import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALL = "/srv/newsscraper"


def installed_units(tmp_path: Path) -> list[Path]:
    """The units with their paths pointing at a fake install holding the executables
    they name, as ``systemd-analyze verify`` checks that those exist."""
    home = tmp_path / "newsscraper"
    (home / "deploy").mkdir(parents=True)
    shutil.copy(ROOT / "deploy" / "run-crawl.sh", home / "deploy" / "run-crawl.sh")
    (home / ".venv" / "bin").mkdir(parents=True)
    (home / ".venv" / "bin" / "newsscraper").write_text("#!/bin/sh\n")
    (home / ".venv" / "bin" / "newsscraper").chmod(0o755)
    out = tmp_path / "units"
    out.mkdir()
    for unit in sorted(UNITS.iterdir()):
        (out / unit.name).write_text(unit.read_text().replace(INSTALL, str(home)))
    return sorted(out.iterdir())


def verify(units: list[Path]) -> subprocess.CompletedProcess:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here (no systemd)")
    return subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units)],
                          capture_output=True, text=True, timeout=60)


def test_systemd_analyze_verifies_every_unit(tmp_path):
    units = installed_units(tmp_path)
    assert {u.name for u in units} >= {"newsscraper-crawl.service", "newsscraper-crawl.timer",
                                       "newsscraper-fullpass.service",
                                       "newsscraper-fullpass.timer", "newsscraper-db.service",
                                       "newsscraper-health.service",
                                       "newsscraper-health.timer"}
    proc = verify(units)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def test_verify_catches_a_broken_unit(tmp_path):
    """The check can fail: a timer with an unreadable schedule is refused."""
    units = installed_units(tmp_path)
    timer = next(u for u in units if u.name == "newsscraper-crawl.timer")
    timer.write_text(timer.read_text().replace("OnCalendar=*:0/30", "OnCalendar=every so often"))
    assert verify(units).returncode != 0


def sections(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def test_every_service_reads_the_environment_file_and_the_crawls_want_the_database():
    services = sorted(UNITS.glob("*.service"))
    assert len(services) == 4
    for service in services:
        assert sections(service)["Service"]["EnvironmentFile"] == f"-{INSTALL}/.env", service
    for name in ("newsscraper-crawl.service", "newsscraper-fullpass.service"):
        unit = sections(UNITS / name)
        assert "newsscraper-db.service" in unit["Unit"]["Wants"].split()
        assert "newsscraper-db.service" in unit["Unit"]["After"].split()
        assert unit["Service"]["SuccessExitStatus"] == "75"


def test_the_nightly_full_pass_matches_the_crontab():
    unit = sections(UNITS / "newsscraper-fullpass.service")["Service"]
    crontab = (ROOT / "deploy" / "cron" / "newsscraper.crontab").read_text()
    nightly = next(line for line in crontab.splitlines() if line.startswith("17 3 "))
    assert unit["ExecStart"].endswith("deploy/run-crawl.sh -a mode=full -a since=31d")
    assert nightly.endswith("deploy/run-crawl.sh -a mode=full -a since=31d")
    assert "NEWSSCRAPER_RUN_SECONDS=10800" in nightly
    assert unit["Environment"] == "NEWSSCRAPER_RUN_SECONDS=10800"
    assert sections(UNITS / "newsscraper-fullpass.timer")["Timer"]["OnCalendar"] == \
        "*-*-* 03:17:00"
