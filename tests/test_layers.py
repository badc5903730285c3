"""The package's layers and its lack of import cycles, as `lint-imports` checks them
(the contracts in pyproject.toml's [tool.importlinter]), and that no part of the package
is left out of the layers."""

from __future__ import annotations

import pkgutil
import re
import sys
from pathlib import Path

import newsscraper

if sys.version_info >= (3, 11):
    import tomllib
else:  # import-linter brings tomli where the standard library has no tomllib
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
# the test site stands outside the layers: only commands import it (docs/CONTRACTS.md)
OUTSIDE = {"replica"}


def contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_imports_point_down_and_no_package_has_a_cycle(capsys):
    from importlinter.cli import lint_imports

    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "Contracts: 2 kept, 0 broken." in report, report


def test_every_module_and_package_of_the_top_level_has_a_layer():
    layered = [name for layer in contracts()["layers"]["layers"]
               for name in re.split(r"[|:]", layer)]
    names = [name.strip() for name in layered]
    assert len(names) == len(set(names)), names  # a part in two layers
    present = {m.name for m in pkgutil.iter_modules(newsscraper.__path__)}
    assert set(names) == present - OUTSIDE
