"""The project laid out as the crontab expects it at /srv/newsscraper, for the cron tests
and the freshness benchmark."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def install(home: Path) -> Path:
    """The project as the crontab expects it at /srv/newsscraper (its venv shared)."""
    (home / "deploy").mkdir(parents=True)
    shutil.copy(ROOT / "deploy" / "run-crawl.sh", home / "deploy" / "run-crawl.sh")
    shutil.copy(ROOT / "scrapy.cfg", home / "scrapy.cfg")
    (home / ".venv").symlink_to(ROOT / ".venv")
    (home / "seeds").symlink_to(ROOT / "seeds")
    return home
