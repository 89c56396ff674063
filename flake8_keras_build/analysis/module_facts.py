"""Facts about a whole module that no class owns (``ast`` only, behind a text gate)."""

from __future__ import annotations

import ast
from typing import AbstractSet, List, NamedTuple, Optional, Tuple

from .. import keras_api
from ..model import ModuleCall, Pos
from ..names import NameTable, ast_dotted

_TRAINING = keras_api.TRAINING_ARGUMENT
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class _Scope(NamedTuple):
    """Where a node is: ``kind`` as in ``ModuleCall.scope``, plus "layer-class" for
    the body of a layer or model class."""

    kind: str
    function: str
    training: bool


_MODULE = _Scope("module", "", False)


def _has_training(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = node.args
    return any(arg.arg == _TRAINING for arg in args.args + args.kwonlyargs)


def _inner(node: ast.AST, scope: _Scope, layer_classes: AbstractSet[int]) -> Optional[_Scope]:
    """The scope of ``node``'s body, None when ``node`` opens none."""
    if isinstance(node, ast.ClassDef):
        kind = "layer-class" if id(node) in layer_classes else "class"
        return _Scope(kind, scope.function, False)
    in_call = scope.kind in ("call", "nested")
    if isinstance(node, _FUNCTIONS):
        if scope.kind == "layer-class":
            if node.name == "call":
                return _Scope("call", node.name, _has_training(node))
            return _Scope("method", node.name, False)
        if in_call:
            return _Scope("nested", node.name, scope.training)
        return _Scope("function", node.name, False)
    if isinstance(node, ast.Lambda) and in_call:
        return _Scope("nested", "<lambda>", scope.training)
    return None


def _is_none_test(test: ast.expr, op: type) -> bool:
    """``training is None`` (``op=ast.Is``) or ``training is not None``."""
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == _TRAINING
        and len(test.ops) == 1
        and isinstance(test.ops[0], op)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def _use(node: ast.Call, parent: Optional[ast.AST], grandparent: Optional[ast.AST]) -> str:
    """How the call's value is used, as in ``ModuleCall.use``."""
    if isinstance(parent, ast.keyword):
        return "keyword" if parent.arg == _TRAINING else "value"
    if isinstance(parent, ast.IfExp):
        # ``K.learning_phase() if training is None else training``
        if parent.body is node and _is_none_test(parent.test, ast.Is):
            return "fallback"
        if parent.orelse is node and _is_none_test(parent.test, ast.IsNot):
            return "fallback"
    if isinstance(parent, (ast.If, ast.While, ast.IfExp)) and parent.test is node:
        return "test"
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return "test"
    if (
        isinstance(parent, ast.Assign)
        and len(parent.targets) == 1
        and isinstance(parent.targets[0], ast.Name)
        and parent.targets[0].id == _TRAINING
        and isinstance(grandparent, ast.If)
        and _is_none_test(grandparent.test, ast.Is)
        and any(stmt is parent for stmt in grandparent.body)
    ):
        return "fallback"  # if training is None: training = K.learning_phase()
    return "value"


def learning_phase_calls(
    tree: ast.Module, names: NameTable, layer_classes: AbstractSet[int] = frozenset()
) -> List[ModuleCall]:
    """Calls of ``<keras root>.backend.(set_)learning_phase`` anywhere in the module.
    ``layer_classes``: the ``id`` of every layer or model ``ClassDef`` of the module."""
    calls: List[ModuleCall] = []
    # (node, parent, grandparent, scope); a stack, not recursion: expressions can
    # nest deeper than Python's recursion limit.
    stack: List[Tuple[ast.AST, Optional[ast.AST], Optional[ast.AST], _Scope]] = [
        (tree, None, None, _MODULE)
    ]
    while stack:
        node, parent, grandparent, scope = stack.pop()
        if isinstance(node, ast.Call):
            call = _learning_phase_call(node, names, parent, grandparent, scope)
            if call is not None:
                calls.append(call)
        inner = _inner(node, scope, layer_classes)
        for name, value in ast.iter_fields(node):
            # Only the body runs in the new scope: a function's defaults and
            # decorators, a class's bases, run where they are written.
            child_scope = inner if inner is not None and name == "body" else scope
            children = value if isinstance(value, list) else [value]
            for child in children:
                if isinstance(child, ast.AST):
                    stack.append((child, node, parent, child_scope))
    calls.sort(key=lambda c: (c.pos.line, c.pos.col))
    return calls


def _learning_phase_call(
    node: ast.Call,
    names: NameTable,
    parent: Optional[ast.AST],
    grandparent: Optional[ast.AST],
    scope: _Scope,
) -> Optional[ModuleCall]:
    dotted = ast_dotted(node.func)
    if dotted is None or not dotted.endswith(keras_api.LEARNING_PHASE_FUNCTIONS):
        return None
    resolved = names.resolve(dotted)
    if resolved is None or not keras_api.is_learning_phase(resolved):
        return None
    kind = "class" if scope.kind == "layer-class" else scope.kind
    return ModuleCall(
        Pos(node.lineno, node.col_offset),
        dotted,
        resolved,
        end=Pos(node.end_lineno or node.lineno, node.end_col_offset or 0),
        scope=kind,
        function=scope.function,
        training=scope.training,
        use=_use(node, parent, grandparent),
    )
