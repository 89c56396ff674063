"""KLB108's fix: pass ``build()``'s shape parameter to the base's ``build``.

Only in ``build`` itself, where that parameter is in scope; a helper gets no shape
it could pass on.
"""

from __future__ import annotations

from typing import Dict

import libcst as cst

from ..model import Finding
from ..rules.super_build_shape import SuperBuildShapeSubject
from .cst_source import twin
from .edits import Declined, FixFunction, FixOutcome, method_fix, subject_of


class _AddShape(cst.CSTTransformer):
    """Appends ``param`` to the arguments of one call."""

    def __init__(self, target: cst.Call, param: str) -> None:
        super().__init__()
        self.target = target
        self.param = param

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.target:
            return updated_node
        args = list(updated_node.args)
        if args:  # ``Layer.build(self)``: after ``self``
            args[-1] = args[-1].with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
        return updated_node.with_changes(args=(*args, cst.Arg(cst.Name(self.param))))


def fix_super_build_shape(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, SuperBuildShapeSubject)
    param = subject.param
    if param is None:
        if subject.method.name != "build":
            where = subject.method.name
            return Declined(f"the call is in {where}(), where build()'s shape is not at hand")
        return Declined("build() has no shape parameter to pass on")
    target = twin(subject.call)

    def transform(node: cst.FunctionDef) -> cst.FunctionDef:
        updated = node.visit(_AddShape(target, param))
        assert isinstance(updated, cst.FunctionDef)
        return updated

    return method_fix(subject.method, transform)


FIXES: Dict[str, FixFunction] = {"KLB108": fix_super_build_shape}
