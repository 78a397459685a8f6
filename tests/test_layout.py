"""The codebase's shape: no import cycle between first-party modules, no product module over 450 lines.

Known offenders are listed here by name, not skipped: the test fails when a new
one appears or a listed one grows (a listed one that is fixed can leave the list).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("app.py", "bot", "index", "web", "store", "bench", "data")
MAX_LINES = 450
#: Product modules over MAX_LINES today, with their length: each is to be split (issue 18).
TOO_LONG: dict[str, int] = {}
#: Import cycles today (each as its sorted modules): each is to be broken (issue 18).
CYCLES: set[tuple[str, ...]] = set()


def product_modules() -> dict[str, Path]:
    """Dotted name -> file of every product module."""
    out = {}
    for top in PRODUCT:
        paths = [ROOT / top] if top.endswith(".py") else sorted((ROOT / top).rglob("*.py"))
        for path in paths:
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """First-party modules ``name`` imports anywhere: a lazy import inside a function is still a dependency,
    so a cycle cannot hide behind one."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in known and module != name}


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: set[tuple[str, ...]] = set()

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.add(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return out


def test_layout_no_import_cycle_between_first_party_modules():
    modules = product_modules()
    graph = {name: imports_of(path, name, set(modules)) for name, path in modules.items()}
    found = cycles(graph) - CYCLES
    assert found == set(), f"import cycles: {found}"


def test_layout_no_product_module_over_450_lines():
    lengths = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
               for path in product_modules().values()}
    over = {name: n for name, n in lengths.items() if n > MAX_LINES and n > TOO_LONG.get(name, 0)}
    assert over == {}, f"over {MAX_LINES} lines (split them): {over}"


def test_layout_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {("a", "b", "c")}


def _all_imports(path: Path) -> set[str]:
    """Every module an import statement anywhere in the file names (functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_layout_layers_index_bot_and_store_know_nothing_of_flask_or_web():
    """index/ and bot/ never import Flask or web/; store/ imports neither (STYLE.md, rule 2 and 13)."""
    offenders = {}
    for layer in ("index", "bot", "store"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            bad = {name for name in _all_imports(path)
                   if name.split(".")[0] in ("flask", "flask_login", "flask_wtf", "web", "app")}
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_layout_product_code_uses_no_raw_sqlite3_and_no_private_stdlib_module():
    """Every table goes through SQLAlchemy (store/); nothing leans on a private module such as re._parser."""
    offenders = {}
    for path in product_modules().values():
        bad = {name for name in _all_imports(path)
               if name.split(".")[0] == "sqlite3" or any(part.startswith("_") and part != "__future__"
                                                          for part in name.split("."))}
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad |= {f"{node.value.id}.{node.attr}" for node in ast.walk(tree)
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in sys.stdlib_module_names
                and node.attr.startswith("_") and not node.attr.startswith("__")}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}
