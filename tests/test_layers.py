"""The package's layers and its lack of import cycles, as `lint-imports` checks them (the
contracts in pyproject.toml's [tool.importlinter]): an import that points up, a cycle
between the modules of a package, or a top-level module or package without a layer
(the layers contract is exhaustive) fails the suite."""

from __future__ import annotations

from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_imports_point_down_and_no_package_has_a_cycle(capsys):
    from importlinter.cli import lint_imports

    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "Contracts: 2 kept, 0 broken." in report, report
