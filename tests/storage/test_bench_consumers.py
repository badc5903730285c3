"""Smoke run of the consumers' benchmark (issue 23) on a few hundred articles: it runs
the real commands and queries on both builds and reports, as its last line, JSON with
every figure and plan."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_local_ferretdb

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ["feed_empty_ms", "feed_1000_ms", "export_since_section_1000_ms", "show_url_ms",
           "removed_ms"]


@pytest.mark.slow
def test_the_benchmark_measures_both_builds_and_ends_with_json(monkeypatch):
    require_local_ferretdb()
    if shutil.which("go") is None:
        pytest.skip("needs Go to build FerretDB as released")
    monkeypatch.delenv("MONGO_URI", raising=False)
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_consumers", "--stored",
                           "500", "--repeat", "1"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["stored"] == 500
    for name in FIGURES:
        assert figures[name] > 0 and figures["released"][name] > 0, name
    # every plan of the patched build searches an index, none of the released build does
    assert figures["indexed"], figures["explain"]
    for name, steps in figures["explain"].items():
        assert "USING INDEX" in steps, (name, steps)
        assert "USING INDEX" not in figures["released_explain"][name], name
