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
from .edits import Declined, FixFunction, FixOutcome, subject_of, visit_fix
from .rewrite import RewriteCall


def _with_argument(call: cst.Call, name: str) -> cst.Call:
    """``call`` with ``name`` as its last argument (after ``self`` in
    ``Layer.build(self)``)."""
    args = list(call.args)
    if args:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        args[-1] = args[-1].with_changes(comma=comma)
    return call.with_changes(args=(*args, cst.Arg(cst.Name(name))))


def fix_super_build_shape(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, SuperBuildShapeSubject)
    param = subject.param
    if param is None:
        if subject.method.name != "build":
            where = subject.method.name
            return Declined(f"the call is in {where}(), where build()'s shape is not at hand")
        return Declined("build() has no shape parameter to pass on")
    rewrite = RewriteCall(twin(subject.call), lambda call: _with_argument(call, param))
    return visit_fix(subject.method, rewrite)


FIXES: Dict[str, FixFunction] = {"KLB108": fix_super_build_shape}
