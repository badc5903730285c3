"""The ``newsscraper`` verbs exit with named statuses (``newsscraper/outcome.py``, or a
verb's own convention named in its module), never a bare number: a ``return 1`` cannot
say whether it means "not there", "failed" or "a bug"."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = [*sorted((ROOT / "newsscraper" / "commands").glob("*.py")),
           ROOT / "newsscraper" / "cli.py"]
EXITS = {"exit", "_exit", "SystemExit"}  # sys.exit, os._exit, parser.exit, SystemExit


def _literal(node: ast.AST | None) -> bool:
    """Whether ``node`` can evaluate to a bare int written in place: the int itself, or
    a branch of ``a if c else b`` / ``a or b`` that is one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool)
    if isinstance(node, ast.IfExp):
        return _literal(node.body) or _literal(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_literal(v) for v in node.values)
    return False


def bare_statuses(source: str) -> list[int]:
    """Line numbers of ``return <int>``, ``sys.exit(<int>)`` (and ``SystemExit``,
    ``os._exit``, ``parser.exit``) and ``status = <int>`` inside functions."""
    lines = []
    tree = ast.parse(source)
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and _literal(node.value):
                lines.append(node.lineno)
            elif isinstance(node, ast.Call) and node.args and _literal(node.args[0]):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                    getattr(node.func, "id", None)
                if name in EXITS:
                    lines.append(node.lineno)
            elif isinstance(node, ast.Assign) and _literal(node.value) and any(
                    isinstance(t, ast.Name) and ("status" in t.id or "exit" in t.id)
                    for t in node.targets):
                lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.name)
def test_no_verb_returns_a_bare_number(path):
    found = bare_statuses(path.read_text(encoding="utf-8"))
    assert not found, (f"{path.relative_to(ROOT)}: bare exit status at line(s) {found}; "
                       f"use newsscraper.outcome's EXIT_* (or the verb's named status)")


@pytest.mark.parametrize("source", [
    "def run(args):\n    return 1\n",
    "def run(args):\n    return 0 if args.ok else 3\n",
    "def run(args):\n    return args.code or 2\n",
    "import sys\ndef run(args):\n    sys.exit(2)\n",
    "def run(args):\n    raise SystemExit(1)\n",
    "async def run(args):\n    status = 2\n    return status\n",
])
def test_the_scan_finds_bare_statuses(source):
    assert bare_statuses(source)


@pytest.mark.parametrize("source", [
    "from newsscraper.outcome import EXIT_OK\ndef run(args):\n    return EXIT_OK\n",
    "TORN = 1\ndef run(args):\n    return TORN if args.torn else EXIT_OK\n",
    "def run(args):\n    count = 0\n    return proc.returncode\n",
    "def width(rows):\n    return len(rows[0])\n",
    "def key(record):\n    return record.get('exit_status') or -1\n",  # a sort key
])
def test_the_scan_lets_named_statuses_pass(source):
    assert bare_statuses(source) == []
