"""The replica's import contracts (``[tool.importlinter]`` in pyproject.toml), run by CI:
the truth reads nothing of the parsers, the modules sit in layers, none goes through the
package's ``__init__``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ("replica-site-facts", "replica-layers", "replica-no-self-import")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` of the replica's contracts, on the ``newsscraper`` package found
    in ``package_parent``."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports")
    assert exe, "lint-imports (import-linter, in the dev extra) is not installed"
    args = [a for c in CONTRACTS for a in ("--contract", c)]
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([exe, "--no-cache", str(ROOT / "pyproject.toml"), *args],
                          cwd=package_parent, env=env, capture_output=True, text=True,
                          timeout=300)


def test_lint_imports_keeps_the_replica_contracts():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout


NAMES = {"site facts": "of newsscraper.sites only the facts of sites.moscowtimes.site",
         "layers": "modules in layers, no cycles",
         "self-import": "no module imports the replica package itself"}


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("truth", "from newsscraper.sites.moscowtimes.page import ArticlePage", {"site facts"}),
    ("links", "from newsscraper.sites.moscowtimes import urls", {"site facts"}),
    ("model", "from newsscraper.replica import website", {"layers"}),
    ("faults", "from newsscraper.replica.website import RenderedSite", {"layers"}),
    # through the package, truth reaches the server above it
    ("truth", "from newsscraper.replica import generate_site", {"self-import", "layers"}),
])
def test_the_contracts_refuse_a_bad_import(tmp_path, module, line, broken):
    shutil.copytree(ROOT / "newsscraper", tmp_path / "newsscraper",
                    ignore=shutil.ignore_patterns("__pycache__", "data", "templates"))
    with (tmp_path / "newsscraper" / "replica" / f"{module}.py").open("a") as f:
        f.write(f"\n{line}  # noqa\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"Contracts: {3 - len(broken)} kept, {len(broken)} broken." in done.stdout
    for name, text in NAMES.items():
        assert f"replica: {text} {'BROKEN' if name in broken else 'KEPT'}" in done.stdout
