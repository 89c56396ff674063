"""What a class does with its ``self.<attr>`` attributes, in every method it defines.

The model of a class holds only the methods some rule reads; a fix that adds
``"units": self.units`` to a config must know how the whole class treats
``self.units`` (assigned once? called like a layer or a function? mentioned in
``get_config`` already?). Few fixes ask, so this walk runs on first use
(``LayerClass.uses``), never while linting.
"""

from __future__ import annotations

import ast
from typing import Dict, Set

from ..model import AttributeUses
from .ast_walk import walk
from .method_selection import class_functions


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
    mentioned = {
        function.name: frozenset(_self_attribute(n) for n in walk(function)) - {""}
        for function in class_functions(node)  # the last definition of a name wins
    }
    return AttributeUses(stores, frozenset(called), mentioned)
