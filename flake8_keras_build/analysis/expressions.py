"""What an ``ast`` expression names, for the facts about ``__init__`` and
``get_config``: the variables it uses, a string literal's value, a subscript's key.

The fixes, which rewrite libcst trees, have libcst twins of these
(``fixes/cst_names.py``): the analysis must not import libcst.
"""

from __future__ import annotations

import ast
from typing import Iterator, Optional, Set

from .ast_walk import children


def add_names(node: ast.AST, names: Set[str]) -> None:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            # ``self.config.name`` uses ``self``, not variables called ``config``/``name``.
            stack.append(node.value)
        else:
            stack.extend(children(node))


def names_in(node: ast.AST) -> Set[str]:
    """Every ``Name`` in ``node`` (of an attribute chain only its root). Keywords,
    parameters and attributes are strings in ``ast``, not names: not included."""
    names: Set[str] = set()
    add_names(node, names)
    return names


def string_value(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_name(node: ast.AST, name: Optional[str]) -> bool:
    return name is not None and isinstance(node, ast.Name) and node.id == name


def plain_index(node: ast.Subscript) -> Optional[ast.expr]:
    """The index of ``a[<index>]``; None for ``a[x, y]`` and slices."""
    index = node.slice
    return None if isinstance(index, (ast.Tuple, ast.Slice)) else index


def index_key(node: ast.Subscript) -> Optional[str]:
    """``"k"`` for ``a["k"]``."""
    index = plain_index(node)
    return None if index is None else string_value(index)


def target_names(target: ast.expr) -> Iterator[str]:
    """The plain names an assignment target binds: ``x``, ``a, b``, ``[a, *b]``
    (not attributes or subscripts)."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from target_names(element)
