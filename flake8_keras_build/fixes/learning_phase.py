"""KLB302's fix: replace ``learning_phase()`` in a layer's ``call`` by what the
``training`` argument says, where that is unambiguous.

- ``training=K.learning_phase()`` and ``if K.learning_phase():`` become
  ``training=training`` and ``if training:``: a layer takes ``training=None`` and a
  test reads ``None`` as false, so these work whatever Keras passes.
- The fallback ``if training is None: training = K.learning_phase()`` gets
  ``False``: ``learning_phase()`` is 0 unless a global phase was set (also in
  ``fit``, which passes ``training=True`` instead), and a bool keeps working where
  the code goes on to use ``training`` as a value (``tf.cond``, ``smart_cond``).

Declined: ``set_learning_phase()``, calls outside ``call``, in a ``call`` without a
``training`` parameter, in a function nested in it, and other values (arithmetic,
``tf.cond(K.learning_phase(), ...)``), where ``training`` may be ``None`` but the
phase never is. The call has no libcst node (the rule reads flake8's ast), so the fix
edits the lines of the call's text.
"""

from __future__ import annotations

from typing import Dict, Sequence

from ..model import Finding, ModuleCall
from ..rules.learning_phase import LearningPhaseSubject
from .edits import Declined, Edit, Fix, FixFunction, FixOutcome, subject_of

_SCOPES = {
    "module": "at module level, where no call() passes a training argument",
    "class": "in a class body, where no call() passes a training argument",
}


def _why_not(call: ModuleCall) -> str:
    """Why the call is left alone, "" when it is replaced."""
    if call.resolved.endswith("set_learning_phase"):
        return (
            "set_learning_phase() sets a global phase, which Keras 3 does not have: "
            "pass training=True/False to the model or layer calls instead"
        )
    if call.scope in _SCOPES:
        return _SCOPES[call.scope] + "; pass training= to the layer calls instead"
    if call.scope == "function":
        return f"in {call.function}(), not in a layer's call(): pass the phase to it as an argument"
    if call.scope == "method":
        return f"in {call.function}(), not in call(): pass call()'s training argument to it"
    if call.scope == "nested":
        return f"in {call.function}(), nested in call(): use call()'s training argument by hand"
    if not call.training:
        return "call() has no training parameter: add training=None to it and use that"
    if call.use == "value":
        return (
            "training may be None where learning_phase() is 0 or 1, and this value "
            "is used as a number or a tensor: replace it by hand"
        )
    return ""


def _column(line: str, offset: int) -> int:
    """ast's UTF-8 byte offset as an index into ``line``."""
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


def replace_call(call: ModuleCall, lines: Sequence[str], text: str) -> Edit | str:
    """The edit that puts ``text`` where the call is, or why there is none."""
    first, last = call.pos.line, call.end.line
    if not 0 < first <= last <= len(lines):
        return "the call's lines are not available"
    start = _column(lines[first - 1], call.pos.col)
    end = _column(lines[last - 1], call.end.col)
    source = "".join(lines[first - 1 : last])
    written = source[start : len(source) - len(lines[last - 1]) + end]
    if not "".join(written.split()).startswith(call.func + "("):
        return "the call's text is not where the analysis put it"
    return Edit(first, last, lines[first - 1][:start] + text + lines[last - 1][end:])


def fix_learning_phase(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, LearningPhaseSubject)
    call, lines = subject.call, subject.lines
    reason = _why_not(call)
    if reason:
        return Declined(reason)
    edit = replace_call(call, lines, "False" if call.use == "fallback" else "training")
    if isinstance(edit, str):
        return Declined(edit)
    return Fix((edit,))


FIXES: Dict[str, FixFunction] = {"KLB302": fix_learning_phase}
