"""KLB101's fix: rename ``__call__`` to ``call`` and drop the unguarded
``self.build(...)`` statements in it (Layer.__call__ builds the layer once before
``call`` runs)."""

from __future__ import annotations

from typing import Dict

from ..model import Finding
from ..rules.dunder_call import DunderCallSubject
from .cst_source import twin
from .edits import Declined, FixFunction, FixOutcome, method_fix, subject_of
from .rewrite import remove_calls, rename


def fix_dunder_call(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, DunderCallSubject)
    if subject.layer.defines("call"):
        return Declined("the class also defines call(); merge the two by hand")
    builds = [
        twin(call)
        for call in subject.method.calls
        if call.func == "self.build" and not call.guarded_by_built
    ]
    return method_fix(subject.method, lambda node: rename(remove_calls(node, builds), "call"))


FIXES: Dict[str, FixFunction] = {"KLB101": fix_dunder_call}
