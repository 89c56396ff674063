"""Which methods of a class the rules read, decided on the ast before any libcst.

libcst parsing is most of the plugin's cost, and most methods of a large class
(``compute_output_shape``, properties, unrelated helpers) are read by no rule. Only
these are parsed: the lifecycle and serialization methods, the helpers ``call`` and
``build`` reach through ``self.<method>(...)``, methods that create weights (KLB301,
KLB107), and methods that assign a ``self.<attr>`` that ``get_config`` returns.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Set, Union

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

ENTRY_POINTS = frozenset({"__init__", "build", "call", "__call__", "get_config"})
# What the rules read of an ancestor in another module: its constructor and config.
ANCESTOR_ENTRY_POINTS = frozenset({"__init__", "get_config"})
_WEIGHT_CALLS = frozenset({"add_weight", "add_variable", "Variable", "variable", "get_variable"})
_NOT_FOLLOWED = frozenset({"__init__", "build_from_config"})


def class_functions(node: ast.ClassDef) -> List[Function]:
    return [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _self_attributes(function: Function) -> Set[str]:
    """``x`` for every ``self.x`` the function mentions."""
    return {
        n.attr
        for n in ast.walk(function)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
    }


def _facts(function: Function) -> tuple[Set[str], bool, Set[str]]:
    """Methods it calls on ``self``, whether it creates a weight, what it assigns."""
    called: Set[str] = set()
    weights = False
    assigned: Set[str] = set()
    for n in ast.walk(function):
        if isinstance(n, ast.Call):
            func = n.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            weights = weights or name in _WEIGHT_CALLS
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "self"
            ):
                called.add(func.attr)
        elif isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    assigned.add(target.attr)
    return called, weights, assigned


def selected_methods(node: ast.ClassDef, as_ancestor: bool = False) -> Set[str]:
    """``as_ancestor``: only what rules read of an ancestor in another module (its
    ``__init__`` and config), not what they check in the class itself."""
    functions = class_functions(node)
    facts: Dict[str, tuple[Set[str], bool, Set[str]]] = {f.name: _facts(f) for f in functions}
    if as_ancestor:
        chosen = {name for name in facts if name in ANCESTOR_ENTRY_POINTS}
    else:
        chosen = {name for name in facts if name in ENTRY_POINTS or facts[name][1]}
    queue = [name for name in chosen if name not in _NOT_FOLLOWED]
    while queue:
        for callee in facts[queue.pop()][0]:
            if callee in facts and callee not in chosen and callee not in _NOT_FOLLOWED:
                chosen.add(callee)
                queue.append(callee)
    config = next((f for f in functions if f.name == "get_config"), None)
    if config is not None:
        # ``return self._config``: every method that assigns it decides its keys.
        returned = _self_attributes(config)
        chosen |= {name for name, (_, _, assigned) in facts.items() if assigned & returned}
    return chosen
