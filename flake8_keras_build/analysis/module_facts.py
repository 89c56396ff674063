"""Facts about a whole module that no class owns (``ast`` only, behind a text gate)."""

from __future__ import annotations

import ast
from typing import List

from .. import keras_api
from ..model import ModuleCall, Pos
from ..names import NameTable, ast_dotted

_LEARNING_PHASE = ("learning_phase", "set_learning_phase")


def learning_phase_calls(tree: ast.Module, names: NameTable) -> List[ModuleCall]:
    """Calls of ``<keras root>.backend.(set_)learning_phase`` anywhere in the module."""
    calls: List[ModuleCall] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        dotted = ast_dotted(node.func)
        if dotted is None or not dotted.endswith(_LEARNING_PHASE):
            continue
        resolved = names.resolve(dotted)
        if resolved is not None and keras_api.is_learning_phase(resolved):
            calls.append(ModuleCall(Pos(node.lineno, node.col_offset), dotted, resolved))
    calls.sort(key=lambda c: (c.pos.line, c.pos.col))
    return calls
