"""KLB101's fix: rename ``__call__`` to ``call`` and drop the unguarded
``self.build(...)`` statements in it (Layer.__call__ builds the layer once before
``call`` runs)."""

from __future__ import annotations

from typing import Dict

from ..model import Finding
from .cst_source import twin
from .edits import Declined, FixFunction, FixOutcome, method_fix
from .rewrite import remove_calls, rename


def fix_dunder_call(finding: Finding) -> FixOutcome:
    subject = finding.subject
    assert subject is not None and subject.method is not None
    if subject.cls.defines("call"):
        return Declined("the class also defines call(); merge the two by hand")
    builds = [
        twin(call)
        for call in subject.method.calls
        if call.func == "self.build" and not call.guarded_by_built
    ]
    return method_fix(subject.method, lambda node: rename(remove_calls(node, builds), "call"))


FIXES: Dict[str, FixFunction] = {"KLB101": fix_dunder_call}
