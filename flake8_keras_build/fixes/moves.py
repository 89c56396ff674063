"""Moving one statement out of ``call`` into another method (KLB102's and KLB103's
fixes): finding it, checking that it reads nothing that exists only in ``call``, and
removing it there."""

from __future__ import annotations

from typing import AbstractSet, FrozenSet, Optional

import libcst as cst

from ..model import CallFact, LayerClass, Method
from .cst_source import method_node, twin
from .edits import CannotFix
from .rewrite import drop_lines

EMPTY_MODULE = cst.Module(body=[])


def statement_of(method: Method, call: CallFact) -> cst.SimpleStatementLine:
    """The top-level ``self.<attr> = <call>`` line of ``method`` holding ``call``."""
    body = method_node(method).body
    for stmt in getattr(body, "body", ()):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and small.value is twin(call):
            targets = small.targets
            target = targets[0].target if len(targets) == 1 else None
            if (
                isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and target.value.value == "self"
            ):
                return stmt
    raise CannotFix(f"it is not stored on self by a statement of its own in {method.name}()")


def bound_in(layer: LayerClass, method: Method) -> FrozenSet[str]:
    """Every name ``method`` binds (parameters, assignments, loops, imports ...)."""
    return layer.uses().local.get(method.name, frozenset())


class Uses(cst.CSTVisitor):
    """What a statement moved out of ``call`` reads that only exists there. Allowed:
    module-level names, ``self.<attr>`` that ``call`` does not assign, and
    ``<inputs>.shape`` when ``inputs`` is given (the shape ``build`` receives)."""

    def __init__(
        self, inputs: Optional[str], bound: AbstractSet[str], assigned: AbstractSet[str]
    ) -> None:
        super().__init__()
        self.inputs = inputs
        self.bound = bound
        self.assigned = assigned  # attributes call() itself assigns
        self.problem: Optional[str] = None

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if isinstance(node.value, cst.Name):
            base = node.value.value
            if self.inputs is not None and base == self.inputs and node.attr.value == "shape":
                return False
            if base == "self":
                if node.attr.value in self.assigned:
                    self.problem = f"it reads self.{node.attr.value}, which call() assigns"
                return False
        return True

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # the keyword's name is not a read
        return False

    def visit_Name(self, node: cst.Name) -> None:
        name = node.value
        if name == self.inputs:
            self.problem = f"it uses {name} itself, not only {name}.shape"
        elif name == "self":
            self.problem = "it uses self beyond its attributes"
        elif name in self.bound and self.problem is None:
            self.problem = f"it uses {name}, which exists only inside call()"

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.problem = self.problem or "it holds a lambda"
        return False


class ShapeToParam(cst.CSTTransformer):
    def __init__(self, inputs: str, param: str) -> None:
        super().__init__()
        self.inputs, self.param = inputs, param

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        value = original_node.value
        if (
            isinstance(value, cst.Name)
            and value.value == self.inputs
            and original_node.attr.value == "shape"
        ):
            return cst.Name(self.param, lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node


class Drop(cst.CSTTransformer):
    """Removes one statement line (by identity); comments above it stay."""

    def __init__(self, line: cst.SimpleStatementLine) -> None:
        super().__init__()
        self.line = line

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return drop_lines(original_node, updated_node, lambda old: old is self.line)
