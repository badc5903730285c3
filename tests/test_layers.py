"""The package's layers and its lack of import cycles, as `lint-imports` checks them (the
contracts in pyproject.toml's [tool.importlinter]): an import that points up, a cycle
between the modules of a package, or a top-level module or package without a layer
(the layers contract is exhaustive) fails the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_imports_point_down_and_no_package_has_a_cycle():
    # a process of its own: import-linter in the test process trips over what earlier
    # tests left imported
    lint = Path(sys.executable).parent / "lint-imports"
    # the package's two contracts (the replica's are tests/replica/test_imports.py's)
    done = subprocess.run([str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml"),
                           "--contract", "layers", "--contract", "acyclic"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout, done.stdout
