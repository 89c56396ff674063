"""Which methods of a class the rules read, decided before any of them is analysed.

Most methods of a large class (``compute_output_shape``, properties, unrelated
helpers) are read by no rule. Only these are analysed: the lifecycle and
serialization methods, the helpers ``call`` and ``build`` reach through
``self.<method>(...)``, methods that create weights (KLB301, KLB107), and methods
that assign a ``self.<attr>`` that ``get_config`` returns.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Sequence, Set, Union

from .. import keras_api
from ..names import child_bodies
from .ast_walk import walk

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

ENTRY_POINTS = frozenset({"__init__", "build", "call", "__call__", "get_config"})
# What the rules read of an ancestor in another module: its constructor and config.
ANCESTOR_ENTRY_POINTS = frozenset({"__init__", "get_config"})
_NOT_FOLLOWED = frozenset({"__init__", "build_from_config"})


def class_functions(node: ast.ClassDef) -> List[Function]:
    return [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]


def self_attributes(function: Function) -> Set[str]:
    """``x`` for every ``self.x`` the function mentions."""
    return {
        n.attr
        for n in walk(function)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
    }


def _called(function: Function) -> Set[str]:
    """Methods it calls on ``self``."""
    return {
        n.func.attr
        for n in walk(function)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "self"
    }


def _creates_weights(function: Function, lines: Optional[Sequence[str]]) -> bool:
    if lines is not None:
        # Most methods never name a weight factory: their text says so, no walk needed.
        first = min([function.lineno] + [d.lineno for d in function.decorator_list])
        text = "".join(lines[first - 1 : function.end_lineno or function.lineno])
        if "add_weight" not in text and "ariable" not in text:
            return False
    for n in walk(function):
        if isinstance(n, ast.Call):
            func = n.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in keras_api.WEIGHT_CALL_NAMES:
                return True
    return False


def _assigned(body: List[ast.stmt], found: Set[str]) -> Set[str]:
    """What ``self.<attr>`` the statements assign (assignments are statements: the
    expressions need no walk)."""
    for stmt in body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    found.add(target.attr)
        for child in child_bodies(stmt):
            _assigned(child, found)
    return found


def selected_methods(
    node: ast.ClassDef, as_ancestor: bool = False, lines: Optional[Sequence[str]] = None
) -> Set[str]:
    """``as_ancestor``: only what rules read of an ancestor in another module (its
    ``__init__`` and config), not what they check in the class itself. ``lines``
    (the file's) spare the walk of methods whose text names no weight factory."""
    functions = class_functions(node)
    by_name: Dict[str, Function] = {f.name: f for f in functions}  # the last one wins
    if as_ancestor:
        chosen = {name for name in by_name if name in ANCESTOR_ENTRY_POINTS}
    else:
        chosen = {
            name
            for name, function in by_name.items()
            if name in ENTRY_POINTS or _creates_weights(function, lines)
        }
    queue = [name for name in chosen if name not in _NOT_FOLLOWED]
    while queue:
        for callee in _called(by_name[queue.pop()]):
            if callee in by_name and callee not in chosen and callee not in _NOT_FOLLOWED:
                chosen.add(callee)
                queue.append(callee)
    config = next((f for f in functions if f.name == "get_config"), None)
    if config is not None:
        # ``return self._config``: every method that assigns it decides its keys.
        returned = self_attributes(config)
        chosen |= {
            name
            for name, function in by_name.items()
            if name not in chosen and _assigned(function.body, set()) & returned
        }
    return chosen
