"""Reading ``get_config`` with libcst, for the fixes that add to its config (KLB205,
KLB206): the one final return, a local's one assignment, the dict literals that flow
into the result. They read only straight-line, top-level statements and refuse
anything else (``CannotFix``), so a literal they name is always part of the
returned config.
"""

from __future__ import annotations

from typing import FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from .cst_names import cst_dotted, items_of
from .edits import CannotFix
from .rewrite import ReturnCount
from .walk import Visitor, walk


def top_statements(fn: cst.FunctionDef) -> List[cst.BaseStatement]:
    if not isinstance(fn.body, cst.IndentedBlock):
        raise CannotFix("get_config() is written on one line")
    return list(fn.body.body)


def final_return(fn: cst.FunctionDef) -> cst.BaseExpression:
    """The value of the ``return`` that ends ``fn``, when it is the only one."""
    body = top_statements(fn)
    returns = ReturnCount()
    walk(fn.body, returns)
    if returns.count != 1:
        raise CannotFix("get_config() returns in more than one place")
    last = body[-1] if body else None
    small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) else None
    if not isinstance(small, cst.Return) or small.value is None:
        raise CannotFix("get_config() does not end with its return")
    return small.value


class _Bindings(Visitor):
    """How many times a function body binds ``name`` (nested scopes aside)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def _target(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self.count += node.value == self.name
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._target(element.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:  # with/except/import ... as name
        self._target(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._target(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        self.count += any(item.name.value == self.name for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.count += any(item.name.value == self.name for item in node.names)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.count += node.name.value == self.name
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.count += node.name.value == self.name
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def bindings(node: cst.CSTNode, name: str) -> int:
    counter = _Bindings(name)
    walk(node, counter)
    return counter.count


def _assigned_value(stmt: cst.BaseStatement, name: str) -> Optional[cst.BaseExpression]:
    """``value`` when ``stmt`` is exactly ``name = value`` (or ``name: T = value``)."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target, value = small.target, small.value
    else:
        return None
    return value if isinstance(target, cst.Name) and target.value == name else None


def single_assignment(fn: cst.FunctionDef, name: str) -> Tuple[int, cst.BaseExpression]:
    """The index of the top-level statement ``name = value`` and ``value``, when
    it is the only binding of ``name`` in ``fn``."""
    found = [
        (index, value)
        for index, stmt in enumerate(top_statements(fn))
        if (value := _assigned_value(stmt, name)) is not None
    ]
    if len(found) != 1 or bindings(fn.body, name) != 1:
        raise CannotFix(f"{name} is not assigned once, at the top of get_config()")
    return found[0]


def _update_literals(fn: cst.FunctionDef, name: str) -> List[Tuple[int, cst.Dict]]:
    """The dict literals of top-level ``name.update({...})`` statements."""
    found: List[Tuple[int, cst.Dict]] = []
    for index, stmt in enumerate(top_statements(fn)):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        call = small.value if isinstance(small, cst.Expr) else None
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and isinstance(call.func.value, cst.Name)
            and call.func.value.value == name
            and call.func.attr.value == "update"
        ):
            found += [
                (index, arg.value)
                for arg in call.args
                if arg.keyword is None and not arg.star and isinstance(arg.value, cst.Dict)
            ]
    return found


class _Removals(Visitor):
    """Keys removed from the dict ``name``: literal ``pop`` keys, or None for a
    removal whose key cannot be read (``del d[k]``, ``d.clear()``, ``d.pop(k)``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.keys: Optional[Set[str]] = set()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.name
            and func.attr.value in {"pop", "popitem", "clear"}
        ):
            return
        key = node.args[0].value if func.attr.value == "pop" and node.args else None
        if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str):
            if self.keys is not None:
                self.keys.add(key.evaluated_value)
        else:
            self.keys = None

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            if target.value.value == self.name:
                self.keys = None


def removed_keys(fn: cst.FunctionDef, name: str) -> Optional[FrozenSet[str]]:
    removals = _Removals(name)
    walk(fn.body, removals)
    return frozenset(removals.keys) if removals.keys is not None else None


def config_literals(fn: cst.FunctionDef, adding: FrozenSet[str]) -> List[Tuple[int, cst.Dict]]:
    """The dict literals whose keys end up in the config ``fn`` returns, each with
    the index of its top-level statement: the returned literal, the literals a
    returned local is assigned or updated with, through ``{**a, **b}``,
    ``dict(a, **b)`` and ``dict(list(a.items()) + list(b.items()))``, each local
    as it is where it is read. A local assigned more than once, or that loses one
    of the keys in ``adding`` (``config.pop(key)``), contributes none."""
    returned = final_return(fn)
    last = len(top_statements(fn)) - 1
    found: List[Tuple[int, cst.Dict]] = []
    seen: Set[str] = set()

    def resolve(node: cst.BaseExpression, index: int) -> None:
        if isinstance(node, cst.Dict):
            found.append((index, node))
            for element in node.elements:
                if isinstance(element, cst.StarredDictElement):
                    resolve(element.value, index)
        elif isinstance(node, cst.Name) and node.value not in seen:
            seen.add(node.value)
            removed = removed_keys(fn, node.value)
            if removed is None or removed & adding:
                return
            try:
                at, value = single_assignment(fn, node.value)
            except CannotFix:
                return
            if at >= index:
                return
            resolve(value, at)
            # An update after this use (``config = {**base}; base.update(...)``)
            # does not reach the config.
            found.extend(pair for pair in _update_literals(fn, node.value) if pair[0] < index)
        elif isinstance(node, cst.Call):
            name = cst_dotted(node.func)
            if name == "dict":
                for arg in node.args:
                    if arg.keyword is None and arg.star in ("", "**"):
                        resolve(arg.value, index)
            elif name == "list" and len(node.args) == 1:
                mapping = items_of(node.args[0].value)
                if mapping is not None:
                    resolve(mapping, index)
        elif isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.Add, cst.BitOr)
        ):
            resolve(node.left, index)
            resolve(node.right, index)

    resolve(returned, last)
    return found
