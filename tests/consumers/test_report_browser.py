"""The status report as a person sees it: opened in a real headless Chromium (Debian's,
installed by ``make setup``), it loads whole, and every chart is drawn, not blank."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks.bench_report import fill
from newsscraper.report import build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on this machine (make setup installs Debian's)")]

CHARTS = ("runs", "freshness", "archive", "sections", "types", "quality", "failures")
COLOURED = 300  # pixels in a data colour a drawn chart has at least
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],  # type: ignore[list-item]
                          capture_output=True, text=True, timeout=120)


def screenshot(tmp_path: Path, page: Path, height: int) -> Image.Image:
    png = page.with_suffix(".png")
    done = chromium(tmp_path, f"--screenshot={png}", f"--window-size=1280,{height}",
                    page.as_uri())
    assert png.exists(), done.stderr[-2000:]
    return Image.open(png).convert("RGB")


def coloured(image: Image.Image) -> int:
    """Pixels in a saturated colour: data marks, not the black, grey and white of axes,
    text and background."""
    pixels = np.asarray(image, dtype=np.int16)
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 60).sum())


def alone(page: str, chart: str) -> str:
    """The page with only one chart visible, at the top left of the window, without its
    legend (matplotlib's ``<g id="legend_1">``): what is left in colour is data."""
    style = (f"<style>body{{visibility:hidden}}#chart-{chart}{{visibility:visible;"
             "position:absolute;top:0;left:0;width:1200px;margin:0}"
             f"#chart-{chart} g[id^=legend]{{display:none}}</style>")
    return page.replace("</head>", style + "</head>", 1)


@pytest.fixture
def report_file(aware_db, tmp_path) -> Path:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    fill(aware_db, 400, now, days=10, seed=2)
    path = tmp_path / "status.html"
    path.write_text(build_report(aware_db, tmp_path / "spill", 10, timedelta(minutes=30),
                                 now), encoding="utf-8")
    return path


def test_the_page_loads_whole_without_errors(report_file, tmp_path):
    done = chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom",
                    report_file.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for section in ("health", "runs", "freshness", "archive", "content", "failures"):
        assert f'id="{section}"' in dom
    assert len(re.findall(r"<svg\b", dom)) == len(CHARTS)
    assert dom.rstrip().endswith("</html>")
    # no request failed and nothing was logged to the console
    assert not re.search(r"net::ERR_|CONSOLE\(|Failed to load", done.stderr), \
        done.stderr[-2000:]


def test_every_chart_is_drawn(report_file, tmp_path):
    page = report_file.read_text()
    full = screenshot(tmp_path, report_file, 4000)
    assert coloured(full) > COLOURED * 3
    for chart in CHARTS:
        one = tmp_path / f"{chart}.html"
        one.write_text(alone(page, chart), encoding="utf-8")
        assert coloured(screenshot(tmp_path, one, 1400)) > COLOURED, f"{chart} is blank"


def test_a_blank_chart_is_seen_as_blank(report_file, tmp_path):
    """The check above can fail: the same chart without its drawing has no data colour."""
    page = alone(report_file.read_text(), "archive")
    blank = re.sub(r'(<figure class="chart" id="chart-archive"[^>]*>)<svg.*?</svg>', r"\1",
                   page, count=1, flags=re.S)
    assert blank != page
    one = tmp_path / "blank.html"
    one.write_text(blank, encoding="utf-8")
    assert coloured(screenshot(tmp_path, one, 1400)) < 20
