"""Which settings a module reads, found in its syntax tree: the reads the defaults test
checks (tests/test_settings_defaults.py).

A read is ``x.getint("NAME")`` (and Scrapy's other typed getters) on anything,
``x.get("NAME")`` or ``x["NAME"]`` on something named ``settings`` or ``s`` (``s =
crawler.settings`` in every ``from_crawler``). A function that reads a setting named by
one of its parameters (``layered_setting(settings, name)``) is a reader too, and its
calls with a literal name are reads. Any other read whose name is not a literal is
reported, so that no setting escapes the check.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

GETTERS = frozenset({"get", "getbool", "getint", "getfloat", "getlist", "getdict",
                     "getdictorlist", "getwithbase", "getpriority"})


@dataclass(frozen=True)
class Read:
    """One read of a setting: where, which, and with what fallback (if any)."""

    where: str
    name: str | None  # None: not a literal
    fallback: bool = False  # a default passed inline
    function: str = ""  # the enclosing function


@dataclass
class Scan:
    reads: list[Read] = field(default_factory=list)
    # reader function name -> indices of the argument that names the setting
    readers: dict[str, set[int]] = field(default_factory=dict)


def _is_settings(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ("settings", "s")
    if isinstance(node, ast.Attribute):
        return node.attr == "settings"
    return False


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str, readers: dict[str, set[int]]) -> None:
        self.path, self.readers = path, readers
        self.found: list[Read] = []
        self.new_readers: dict[str, set[int]] = {}
        self.stack: list[ast.FunctionDef | ast.AsyncFunctionDef] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _read(self, node: ast.AST, name_node: ast.expr | None, fallback: bool) -> None:
        function = self.stack[-1] if self.stack else None
        where = f"{self.path}:{getattr(node, 'lineno', 0)}"
        name = _literal(name_node)
        if name is None and function is not None and isinstance(name_node, ast.Name):
            params = [a.arg for a in function.args.posonlyargs + function.args.args]
            if name_node.id in params:
                index = params.index(name_node.id) - (params[:1] in (["self"], ["cls"]))
                self.new_readers.setdefault(function.name, set()).add(index)
                if fallback:  # the reader passes its own default
                    self.found.append(Read(where, f"<{name_node.id}>", True, function.name))
                return
        self.found.append(Read(where, name, fallback, function.name if function else ""))

    def visit_Call(self, node: ast.Call) -> None:
        callee = _callee(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in GETTERS and \
                (node.func.attr != "get" or _is_settings(node.func.value)):
            fallback = len(node.args) > 1 or any(k.arg == "default" for k in node.keywords)
            self._read(node, node.args[0] if node.args else None, fallback)
        elif callee in self.readers:
            named = [node.args[i] for i in sorted(self.readers[callee]) if i < len(node.args)]
            literal = [a for a in named if _literal(a) is not None]
            if named:
                self._read(node, (literal or named)[0], False)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_settings(node.value) and isinstance(node.ctx, ast.Load) and \
                (_literal(node.slice) is not None or isinstance(node.slice, ast.Name)):
            self._read(node, node.slice, False)
        self.generic_visit(node)


def scan_sources(sources: dict[str, str]) -> Scan:
    """Every read in ``sources`` (path -> text), readers followed to a fixed point."""
    trees = {path: ast.parse(text) for path, text in sources.items()}
    readers: dict[str, set[int]] = {}
    while True:
        scan = Scan(readers={k: set(v) for k, v in readers.items()})
        for path, tree in trees.items():
            visitor = _Visitor(path, readers)
            visitor.visit(tree)
            scan.reads += visitor.found
            for name, indices in visitor.new_readers.items():
                scan.readers.setdefault(name, set()).update(indices)
        if scan.readers == readers:
            return scan
        readers = scan.readers


def scan_package(root: Path) -> Scan:
    return scan_sources({str(p.relative_to(root.parent)): p.read_text()
                         for p in sorted(root.rglob("*.py"))})
