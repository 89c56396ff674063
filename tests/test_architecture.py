"""Imports flow one way: engine -> analysis -> model <- rules; fixes and front ends on
top (docs/architecture.md). The graph is built from the sources with ``ast``, every
import counted: module level, inside functions (lazy) and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

PACKAGE = "flake8_keras_build"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# Which groups each group may import (itself included where listed). A module not
# named here is a front end (plugin, CLI, docs, fix command ...): it may import
# anything, and nothing below may import it.
BOTTOM = {
    "names", "settings", "keras_api", "opt_in", "text", "class_info", "",
    "noqa", "source_bytes", "options",
}  # fmt: skip
ALLOWED = {
    "bottom": {"bottom"},
    "config": {"bottom"},
    "model": {"bottom"},
    "analysis": {"bottom", "model", "analysis"},
    "rules": {"bottom", "model", "rules"},
    "engine": {"bottom", "model", "analysis", "rules"},
    "fixes": {"bottom", "config", "model", "analysis", "rules", "engine", "fixes"},
}


def _modules() -> Dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _group(module: str) -> str:
    head = module.split(".")[0]
    if module in BOTTOM:
        return "bottom"
    if head in {"analysis", "rules", "fixes"}:
        return head
    if module in {"model", "engine", "config"}:
        return module
    return "front end"


def _imports(module: str, path: Path) -> Iterator[Tuple[ast.stmt, str]]:
    """Every package module ``module`` imports, with the statement that does."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if module else []
    package = here if is_package else here[:-1]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == PACKAGE:
                target = node.module[len(PACKAGE) + 1 :]
            else:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}" if target else alias.name
                yield node, submodule if submodule in MODULES else target
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield node, alias.name[len(PACKAGE) + 1 :]


def _graph() -> Dict[str, Set[str]]:
    """Edges, including the ``__init__`` of each package a module enters from
    outside (importing ``rules.base`` runs ``rules/__init__`` first)."""
    edges: Dict[str, Set[str]] = {module: set() for module in MODULES}
    for module, path in MODULES.items():
        for _, target in _imports(module, path):
            parts = target.split(".") if target else []
            for end in range(1, len(parts) + 1):
                step = ".".join(parts[:end])
                inside = module == step or module.startswith(step + ".")
                if step in MODULES and (end == len(parts) or not inside):
                    edges[module].add(step)
    return edges


def _cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges[node]:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    edges = _graph()
    # Lazy, inside lint(): still an edge.
    assert "rules" in edges["engine"]
    # Entering a package from outside runs its __init__.
    assert "rules" in edges["evidence"] and "rules.base" in edges["evidence"]
    # A sibling import inside a package does not go through the package itself.
    assert "rules" not in edges["rules.dunder_call"]


def test_a_cycle_is_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_one_way(module: str) -> None:
    group = _group(module)
    allowed = ALLOWED.get(group)
    if allowed is None:
        return  # a front end may import anything
    wrong = sorted(
        target
        for target in _graph()[module]
        if target != "" and _group(target) not in allowed
    )
    assert wrong == [], f"{module} ({group}) imports {wrong}"


def _lazy_imports() -> Iterator[Tuple[str, ast.stmt, List[str]]]:
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        top = {id(node) for node in _tree(path).body}
        for node, _ in _imports(module, path):
            if id(node) not in top:
                yield module, node, lines


def test_each_lazy_import_says_it_saves_start_up_time() -> None:
    undocumented = []
    count = 0
    for module, node, lines in _lazy_imports():
        count += 1
        # The comment is on the lines just above, or above the imports it heads.
        above = node.lineno - 2
        while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
            above -= 1
        comment = []
        while above >= 0 and lines[above].strip().startswith("#"):
            comment.append(lines[above])
            above -= 1
        if "start-up" not in " ".join(comment):
            undocumented.append(f"{module}:{node.lineno}")
    assert count > 0  # the lint's own lazy imports are there to be checked
    assert undocumented == []


def test_only_the_server_imports_pygls_and_check_does_not_import_the_server() -> None:
    # pygls and lsprotocol come with the server extra alone: the plugin and check
    # must run without them.
    for module, path in MODULES.items():
        if module.split(".")[0] == "server":
            continue
        for node in ast.walk(_tree(path)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            assert not any(n.split(".")[0] in {"pygls", "lsprotocol"} for n in names), module
    assert not any(
        target.split(".")[0] == "server"
        for module, targets in _graph().items()
        if module.split(".")[0] == "check"
        for target in targets
    )
