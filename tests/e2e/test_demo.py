"""The offline demo as a user runs it: replica + crawl + summary + a85152 as golden text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden_a85152.txt"
REAL = "https://www.themoscowtimes.com"


def squeeze(text: str) -> str:
    """The golden file is hard-wrapped (even inside its URL): compare without whitespace."""
    return re.sub(r"\s+", "", text)


def demo(mongo_uri: str, database: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MONGO_URI=mongo_uri, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "newsscraper.cli", "demo", "--port", "0",
                           "--database", database, *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_demo_twice(mongo_server, mongo_db_name, mongo_db, tmp_path):
    first = demo(mongo_server, mongo_db_name, tmp_path)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
    out = first.stdout
    assert re.search(r"crawl took [\d.]+ s: \d+ requests", out)
    assert re.search(r"related links: \d+ inline related-article links", out)
    assert re.search(r"\d+ articles in the database, per section:\n  News +\d+", out)
    assert "One stored article (moscowtimes:85152)" in out
    article = out.split("=" * 78 + "\n\n", 2)[-1]
    base = re.search(r"at (http://127\.0\.0\.1:\d+),", out).group(1)
    assert squeeze(article.replace(base, REAL)) == squeeze(GOLDEN.read_text())
    assert (tmp_path / "var" / "log" / "demo-crawl.log").is_file()
    report = tmp_path / "var" / "report.html"
    assert f"status report: {report}" in out
    assert 'id="archive"' in report.read_text()

    second = demo(mongo_server, mongo_db_name, tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    share = re.search(r"requests: (\d+) in this run vs (\d+) in the first run .*\(([\d.]+)%\)",
                      second.stdout)
    assert share and float(share.group(3)) <= 5.0, second.stdout
    assert "stored by this run: 0 new, 0 updated" in second.stdout
