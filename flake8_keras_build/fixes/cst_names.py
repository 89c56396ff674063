"""libcst twins of helpers from ``analysis.expressions``, for the fixes.

The analysis reads ``ast`` trees (``analysis/`` must not import libcst:
it runs in every flake8 run); the fixes rewrite libcst trees, and ask the same
questions of them: which names a node uses (``names_in``), which mapping an
``m.items()`` call reads (``items_of``), a node's code (``code_of``) and a dotted
name (``cst_dotted``).
"""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from .walk import Visitor, walk


class _Names(Visitor):
    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        # ``self.config.name`` uses ``self``, not variables called ``config``/``name``.
        walk(node.value, self)
        return False


def names_in(node: cst.CSTNode) -> Set[str]:
    """Every ``Name`` in ``node`` (of an attribute chain only its root), keywords
    and parameter names included: they are ``Name`` nodes in libcst."""
    visitor = _Names()
    walk(node, visitor)
    return visitor.names


def items_of(node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """``m`` for ``m.items()``, else None."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "items"
        and not node.args
    ):
        return node.func.value
    return None


_EMPTY_MODULE = cst.Module(body=[])


def code_of(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    return _EMPTY_MODULE.code_for_node(node)


def cst_dotted(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` for a ``Name``/``Attribute`` chain, else None."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None
