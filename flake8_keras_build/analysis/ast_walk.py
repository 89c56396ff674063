"""Faster ``ast.iter_child_nodes`` and ``ast.walk`` for the analysis.

The standard ones go through ``ast.iter_fields`` generators and look at every field,
including those that never hold a node worth visiting (``ctx`` of every name, the
strings of ``Name.id`` or ``Attribute.attr``); on Keras code bases that traversal
was the largest share of the plugin's time once libcst was gone. Here each node type
gets a plan of the fields that can hold child nodes, made once.
"""

from __future__ import annotations

import ast
from typing import Dict, Iterator, List, Tuple

# Fields that hold no child node the analysis looks at: contexts (Load/Store/Del),
# plain strings and numbers, and import aliases.
_NOT_CHILDREN = frozenset(
    {
        "ctx",
        "id",
        "attr",
        "name",
        "arg",
        "module",
        "level",
        "kind",
        "type_comment",
        "names",
        "conversion",
        "is_async",
        "simple",
        "op",
    }
)

_PLANS: Dict[type, Tuple[str, ...]] = {ast.Constant: ()}


def _plan(node_type: type) -> Tuple[str, ...]:
    plan = _PLANS.get(node_type)
    if plan is None:
        fields = getattr(node_type, "_fields", ())
        plan = _PLANS[node_type] = tuple(f for f in fields if f not in _NOT_CHILDREN)
    return plan


def children(node: ast.AST) -> List[ast.AST]:
    """The child nodes of ``node`` in field order, as ``ast.iter_child_nodes`` gives
    them, without operators, contexts and import aliases."""
    found: List[ast.AST] = []
    for field in _plan(type(node)):
        value = getattr(node, field, None)
        if type(value) is list:
            found.extend(item for item in value if isinstance(item, ast.AST))
        elif value is not None and isinstance(value, ast.AST):
            found.append(value)
    return found


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and its descendants (in no particular order, like ``ast.walk``)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


def source_order(node: ast.AST) -> Tuple[int, int, int, int]:
    """Sort key: where a node starts (a decorated definition at its first decorator),
    an enclosing node before what it encloses. The order rules list calls and
    statements in, and the order of their libcst twins, which a fix pairs with."""
    line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        line, col = min((d.lineno, d.col_offset) for d in decorators)
    end_line = getattr(node, "end_lineno", None) or line
    end_col = getattr(node, "end_col_offset", None) or col
    return (line, col, -end_line, -end_col)
