"""Every benchmark run at its smoke size (``--smoke --json``), as ``make bench`` runs it,
so none rots: each must finish and report figures that say it measured what it names.
The figures' values mean nothing at these sizes; only what must hold at any size is
checked. The children use the session's server (``MONGO_URI``), except bench_consumers,
which always runs servers of its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import require_local_ferretdb

ROOT = Path(__file__).resolve().parents[2]


def _crawl_speed(f: dict) -> None:
    # the bare spider walks the graph the full crawl recorded: the same responses
    assert f["articles"] == 60
    assert f["full_responses"] == f["bare_responses"] > 60
    assert f["ratio"] > 0 and len(f["ratio_per_round"]) == 1


def _crawl_memory(f: dict) -> None:
    assert set(f["peak_mb"]) == {"40", "80"}, f
    assert all(v > 0 for v in f["peak_mb"].values()), f


def _crawl_resume(f: dict) -> None:
    assert f["equal"], f
    assert f["stored"][0] == f["stored"][1] > 0


def _crawl_incremental(f: dict) -> None:
    assert f["first"] > f["unchanged"] > 0
    assert f["epoch2_new"] == f["site_new"]


def _crawl_scaleout(f: dict) -> None:
    alone = sum(f["1, no Redis"]["articles"])
    assert alone > 0
    for workers in ("1", "2", "3"):
        assert len(f[workers]["articles"]) == int(workers)
        assert sum(f[workers]["articles"]) == alone, (workers, f)


def _store_ratio(f: dict) -> None:
    assert f["articles"] == 100 and f["ratio"] > 0


def _store_scheduled(f: dict) -> None:
    assert f["stored"] == 300 and f["run_seconds"] > 0


def _export(f: dict) -> None:
    assert set(f["peak_mb"]) == {"50", "100"} and f["growth"] > 0, f


def _health(f: dict) -> None:
    assert set(f) == {"50", "100"}, f
    assert all(v["health_seconds"] > 0 for v in f.values()), f


def _report(f: dict) -> None:
    assert f["articles"] == 300 and f["runs"] == 2 * 48 and f["page_kb"] > 0


def _consumers(f: dict) -> None:
    assert f["stored"] == 300 and "released" not in f  # the smoke: the patched build alone
    assert f["indexed"], f["explain"]


def _extraction(f: dict) -> None:
    assert f["pages"] == 20 and f["ours_cpu_pages_s"] > 0 and f["trafilatura_cpu_pages_s"] > 0


def _replica(f: dict) -> None:
    for mix in ("article pages", "mixed traffic"):
        assert f["replica"][mix]["responses"] == 500, f


def _freshness(f: dict) -> None:
    assert f["runs"] == 2 and f["statuses"] == [0], f
    assert f["published"] > 0 and f["stored"] == f["published"], f


CASES: dict[str, Callable[[dict], None]] = {
    "bench_extraction": _extraction,
    "bench_replica": _replica,
    "bench_store ratio": _store_ratio,
    "bench_store scheduled": _store_scheduled,
    "bench_export": _export,
    "bench_health": _health,
    "bench_report": _report,
    "bench_consumers": _consumers,
    "bench_freshness": _freshness,
    "bench_crawl speed": _crawl_speed,
    "bench_crawl memory": _crawl_memory,
    "bench_crawl resume": _crawl_resume,
    "bench_crawl incremental": _crawl_incremental,
    "bench_crawl scaleout": _crawl_scaleout,
}


@pytest.mark.slow
@pytest.mark.parametrize("command", CASES)
def test_benchmark_runs_at_its_smoke_size(command: str, mongo_uri: str) -> None:
    if command == "bench_consumers":
        require_local_ferretdb()
    if command.endswith("scaleout") and shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (make setup installs it)")
    module, *mode = command.split()
    done = subprocess.run([sys.executable, "-m", f"benchmarks.{module}", *mode, "--smoke",
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "MONGO_URI": mongo_uri})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout[-2000:]  # --json: the figures alone on stdout
    CASES[command](json.loads(lines[0]))


def test_make_bench_runs_every_benchmark_and_mode() -> None:
    """``make bench``'s recipe and this module cover the same commands, and every
    benchmark script is among them."""
    recipe = (ROOT / "Makefile").read_text().split("\nbench:", 1)[1].split("\n\n", 1)[0]
    made = re.findall(r"\$\(BENCH\)\.(bench_\w+(?: [a-z]+)?) --smoke", recipe)
    assert sorted(made) == sorted(CASES)
    scripts = {p.stem for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert scripts == {c.split()[0] for c in CASES}
