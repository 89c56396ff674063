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
from .init_kwargs import append_arg
from .rewrite import RewriteCall


def fix_super_build_shape(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, SuperBuildShapeSubject)
    param = subject.param
    if param is None:
        if subject.method.name != "build":
            where = subject.method.name
            return Declined(f"the call is in {where}(), where build()'s shape is not at hand")
        return Declined("build() has no shape parameter to pass on")
    shape = cst.Arg(cst.Name(param))
    rewrite = RewriteCall(twin(subject.call), lambda call: append_arg(call, shape))
    return visit_fix(subject.method, rewrite)


FIXES: Dict[str, FixFunction] = {"KLB108": fix_super_build_shape}
