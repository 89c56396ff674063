"""What a class does with its ``self.<attr>`` attributes, in every method it defines.

The model of a class holds only the methods some rule reads; a fix that adds
``"units": self.units`` to a config must know how the whole class treats
``self.units`` (assigned once? called like a layer or a function? mentioned in
``get_config`` already?). Few fixes ask, so this walk runs on first use
(``LayerClass.uses``); while linting, only KLB110 asks, for the rare model whose
``build`` creates state after ``super().build()``.
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, List, Set

from ..model import AttributeUses
from .ast_walk import walk
from .expressions import target_names
from .method_selection import class_functions, self_attributes


def _self_attribute(node: ast.AST) -> str:
    """``x`` for ``self.x``, else ""."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == "self":
            return node.attr
    return ""


def attribute_uses(node: ast.ClassDef) -> AttributeUses:
    """Counted over the whole class statement (nested blocks and functions too)."""
    stores: Dict[str, int] = {}
    called: Set[str] = set()
    for child in walk(node):
        if isinstance(child, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = child.targets if isinstance(child, ast.Assign) else [child.target]
            for target in targets:
                elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                # ``self.a, self.a = ...`` is one store of ``a``; ``self.a = self.a = ...``
                # two (two targets).
                for attr in {_self_attribute(e) for e in elements} - {""}:
                    stores[attr] = stores.get(attr, 0) + 1
        elif isinstance(child, ast.Call):
            attr = _self_attribute(child.func)
            if attr:
                called.add(attr)
    functions = class_functions(node)  # the last definition of a name wins
    mentioned = {f.name: frozenset(self_attributes(f)) for f in functions}
    bound = {f.name: bound_names(f) for f in functions}
    local = {f.name: local_names(f) for f in functions}
    return AttributeUses(stores, frozenset(called), mentioned, bound, local)


def bound_names(function: ast.AST) -> FrozenSet[str]:
    """Names the function's body binds; a nested function or class binds its own
    name, and what is inside it (or inside a lambda) is its own scope."""
    names: Set[str] = set()
    stack: List[ast.AST] = list(getattr(function, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, (ast.Assign, ast.Delete)):
            for target in node.targets:
                names.update(target_names(target))
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            names.update(target_names(node.target))
        elif isinstance(node, ast.NamedExpr):
            names.update(target_names(node.target))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            names.update(target_names(node.optional_vars))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname for alias in node.names if alias.asname)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)


def local_names(function: ast.AST) -> FrozenSet[str]:
    """Every name bound anywhere in the function, nested scopes included: its own
    name and parameters, assignment, loop and comprehension targets, the
    parameters of lambdas and nested functions, imports. A statement a fix moves
    out of the function must read none of them."""
    names: Set[str] = set()
    for node in walk(function):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return frozenset(names)
