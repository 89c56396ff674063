"""KLB104's fix: remove the unguarded ``self.build(...)`` statements from ``call``
(``Layer.__call__`` has built the layer once before ``call`` runs).

Only ``self.build(...)`` written in ``call`` itself (or in a ``__call__`` that hands
over to ``Layer.__call__``). Declined: ``super().build(...)`` and
``<child>.build(...)``, whose state the layer's own ``build()`` may never create, so
removing them would lose it; calls in a helper, which other callers may rely on; and
a ``build()`` that creates no state, which the code may re-run on purpose.
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence

from .. import keras_api
from ..model import CallFact, Finding, LayerClass, Method
from ..rules.manual_build import ManualBuildSubject
from .cst_source import twin
from .edits import Declined, FixFunction, FixOutcome, method_fix, subject_of
from .rewrite import remove_calls


def _creates_state(layer: LayerClass) -> bool:
    """Whether the ``build()`` that ``self.build`` runs creates (or may create) state:
    weights, variables, layers, a child's or the base's ``build()``, in it or in the
    helpers it calls. A ``build()`` inherited from Keras counts as creating state."""
    owner = next((cls for cls in [layer, *layer.ancestors] if cls.defines("build")), None)
    if owner is None or "build" not in owner.methods:
        return True
    for name in owner.reachable(("build",), keras_api.NOT_IN_BUILD):
        for call in owner.methods[name].calls:
            if call.creates or call.attr == "build" or call.receiver in ("super", "base"):
                return True
    return False


def _why_not(layer: LayerClass, method: Method, call: CallFact, path: Sequence[str]) -> str:
    """Why this call is not removed, "" when it is."""
    if len(path) > 1:
        return (
            f"in {method.name}(), a helper that {path[0]}() calls: other callers may "
            "need the build; remove it by hand"
        )
    if call.receiver in ("super", "base"):
        return (
            f"{call.func}() builds the base class's state, which this class's build() "
            "may not: move it into build()"
        )
    if call.receiver != "self":
        return (
            f"{call.func}() builds another layer, which call() may use without calling "
            "it: build it in this layer's build() instead"
        )
    if method.name == "__call__" and not method.calls_super("__call__"):
        return (
            "__call__() bypasses Layer.__call__, so nothing else builds the layer "
            "(KLB101's fix renames it to call() and drops this build)"
        )
    if not _creates_state(layer):
        return (
            "build() creates no weights or layers, so running it on every call may be "
            "deliberate (it re-reads the input shape)"
        )
    return ""


def fix_manual_build(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, ManualBuildSubject)
    layer, method, own, path = subject.layer, subject.method, subject.call, subject.path
    reason = _why_not(layer, method, own, path)
    if reason:
        return Declined(reason)
    others = [
        twin(call)
        for call in subject.batch
        if call is not own and not _why_not(layer, method, call, path)
    ]
    outcome: Optional[FixOutcome] = None
    if others:
        # The method's other removable builds go in the same rewrite; if one of them
        # cannot go (its value is used), this one still can.
        outcome = method_fix(method, lambda node: remove_calls(node, [twin(own), *others]))
    if outcome is None or isinstance(outcome, Declined):
        outcome = method_fix(method, lambda node: remove_calls(node, [twin(own)]))
    return outcome


FIXES: Dict[str, FixFunction] = {"KLB104": fix_manual_build}
