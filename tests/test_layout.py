"""The codebase's shape: no import cycle between first-party modules, no product module over 450 lines,
no private stdlib API (re._parser, sre_parse ...) reached in product code however it is imported.

Known offenders are listed here by name, not skipped: the test fails when a new
one appears or a listed one grows (a listed one that is fixed can leave the list).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

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


#: The re module's private parts under their old public-looking names (re._parser, re._compiler, re._constants).
SRE_MODULES = {"sre_parse", "sre_compile", "sre_constants"}


def _private(dotted: str) -> bool:
    """A dotted name with a private part ("re._parser", "_thread") or an sre module; a dunder is not private."""
    parts = dotted.split(".")
    return parts[0] in SRE_MODULES or any(part.startswith("_") and not part.endswith("__") for part in parts)


def _stdlib(dotted: str) -> bool:
    return dotted.split(".")[0] in sys.stdlib_module_names


def _dotted(node: ast.AST, bound: dict[str, str]) -> str | None:
    """"re._parser" for the expression re._parser when re names a stdlib module (imported as anything); else None."""
    if isinstance(node, ast.Name):
        return bound.get(node.id, node.id if _stdlib(node.id) else None)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, bound)
        return base and f"{base}.{node.attr}"
    return None


def private_stdlib_uses(source: str) -> set[str]:
    """Private modules and private stdlib names the source reaches, anywhere (inside functions too), however spelt.

    import re._parser, from re import _parser, from re._parser import parse,
    re._parser.parse(...) (the module under any alias), getattr(re, "_parser"),
    importlib.import_module("re._parser"), and the sre_parse / sre_compile /
    sre_constants modules. A private module is flagged whoever owns it; a private
    name only when a stdlib module owns it (a package may import its own).
    """
    tree = ast.parse(source)
    found: set[str] = set()
    bound: dict[str, str] = {}  # local name -> the stdlib module or name it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _private(alias.name):
                    found.add(alias.name)
                if _stdlib(alias.name):  # import a.b binds a; import a.b as c binds c to a.b
                    top = alias.name.split(".")[0]
                    bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if _private(node.module):
                found.add(node.module)
            for alias in node.names:
                if _stdlib(node.module):
                    full = f"{node.module}.{alias.name}"
                    bound[alias.asname or alias.name] = full
                    if _private(alias.name):
                        found.add(full)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            dotted = _dotted(node, bound)
            if dotted:
                found.add(dotted)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[-1], ast.Constant):
            name, arg = _dotted(node.func, bound) or getattr(node.func, "id", ""), node.args[-1].value
            if not isinstance(arg, str):
                continue
            if name in ("__import__", "importlib.import_module") and _private(arg):
                found.add(arg)
            elif name == "getattr" and len(node.args) == 2 and _private(arg):
                owner = _dotted(node.args[0], bound)
                if owner:
                    found.add(f"{owner}.{arg}")
    return found


@pytest.mark.parametrize(("source", "expected"), [
    ("import re._parser", {"re._parser"}),
    ("import re._parser as p\np.parse('a')", {"re._parser"}),
    ("def f():\n    from re import _parser\n    return _parser.parse('a')", {"re._parser"}),
    ("class C:\n    def f(self):\n        from re._parser import parse\n", {"re._parser"}),
    ("import re\nre._parser.parse('a')", {"re._parser"}),
    ("import re as regex\ndef f():\n    return regex._constants.LITERAL", {"re._constants"}),
    ("import sre_parse", {"sre_parse"}), ("from sre_compile import compile", {"sre_compile"}),
    ("def f():\n    import sre_constants as c\n    return c.LITERAL", {"sre_constants"}),
    ("import re\ngetattr(re, '_parser')", {"re._parser"}),
    ("import importlib\nimportlib.import_module('re._parser')", {"re._parser"}),
    ("__import__('sre_parse')", {"sre_parse"}),
    ("from os import path\npath._joinrealpath", {"os.path._joinrealpath"}),
    ("import sys\nsys._getframe()", {"sys._getframe"}),
    ("import _thread", {"_thread"}),
])
def test_layout_private_stdlib_checker_finds_every_spelling(source, expected):
    assert private_stdlib_uses(source) == expected


@pytest.mark.parametrize("source", [
    "from __future__ import annotations\nimport re\nre.compile('a').pattern",
    "from re import Pattern, compile as c\nimport os.path",
    "from bot.triage.reading import _containing\nfrom .rules import _regex",
    "class C:\n    def f(self):\n        return self._cache, type(self).__name__, C.__doc__",
    "import importlib\nimportlib.import_module('bot.triage')\ngetattr(object(), '_x')",
])
def test_layout_private_stdlib_checker_passes_public_use(source):
    assert private_stdlib_uses(source) == set()


def test_layout_product_code_uses_no_raw_sqlite3_and_no_private_stdlib_module():
    """Every table goes through SQLAlchemy (store/); nothing leans on a private module such as re._parser."""
    offenders = {}
    for path in product_modules().values():
        bad = {name for name in _all_imports(path) if name.split(".")[0] == "sqlite3"}
        bad |= private_stdlib_uses(path.read_text(encoding="utf-8"))
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}
