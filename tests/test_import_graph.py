"""The import graph of asymptotics/ and proofs_checks/ has no cycles.

Every module is parsed with ``ast`` (nothing is imported); every ``import`` / ``from ... import``
statement anywhere in the module (top level *and* inside functions: a function-level import that
closes a circle is still a circle, only a hidden one) is resolved to the package's own modules,
relative imports included.  ``from package import name`` counts as an import of ``package.name``
when that is a module, else of ``package``.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("asymptotics", "proofs_checks")

# Private names imported across modules that are owned elsewhere and not yet made public.
KNOWN_PRIVATE = set()


def _modules() -> dict:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict):
    """(target module, imported name or None) for every import statement in the module."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join(here + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full, None) if full in modules else (base, alias.name)


def import_graph() -> dict:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        graph[name] = {target for target, _ in _imports(name, path, modules) if target in modules and target != name}
    return graph


def _cycles(graph: dict) -> list:
    """Strongly connected components with more than one module (Tarjan), plus self-loops."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    graph = import_graph()
    assert len(graph) > 30  # the walk found the packages
    assert "asymptotics.smooth" in graph["asymptotics.activations"]  # edges are resolved
    assert _cycles(graph) == []


def test_cycle_detector_detects():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0]


def test_no_private_names_across_modules():
    """A leading underscore means private to its module or to its own subpackage (the sibling modules
    of e.g. proofs_checks.doc000 share doc000.common's helpers); nothing else may import it."""
    modules = _modules()
    found = set()
    for name, path in modules.items():
        for target, imported in _imports(name, path, modules):
            if target in modules and target != name and imported and imported.startswith("_") \
                    and not imported.startswith("__"):
                same_subpackage = _package(name) == _package(target) and _package(name) not in PACKAGES
                own_submodule = target.startswith(name + ".")  # a package re-exporting its submodules
                if not (same_subpackage or own_submodule):
                    found.add((name, f"{target}.{imported}"))
    assert found <= KNOWN_PRIVATE, found - KNOWN_PRIVATE
