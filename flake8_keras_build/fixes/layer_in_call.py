"""KLB103's fix: move ``self.<name> = <Layer>(...)`` from ``call`` to the end of
``__init__``, when its arguments read only module-level names and attributes that
``__init__`` sets: then the layer is made once, tracked, and its weights trained.
A layer built inline (``Dense(4)(x)``) needs a name for it, which is the author's
choice, so it is left alone."""

from __future__ import annotations

from typing import Dict, Set

import libcst as cst

from ..model import CallFact, Finding, LayerClass, Method
from ..rules.layer_in_call import LayerInCallSubject
from .cst_source import method_node, twin
from .edits import CannotFix, Declined, Fix, FixFunction, FixOutcome, rewrite, subject_of
from .moves import Drop, Uses, bound_in, statement_of
from .rewrite import append_last


class _SelfReads(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: Set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == "self":
            self.attrs.add(node.attr.value)


def fix_layer_in_call(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, LayerInCallSubject)
    try:
        return _fix(subject.layer, subject.method, subject.call)
    except CannotFix as why:
        return Declined(str(why))


def _fix(layer: LayerClass, method: Method, call: CallFact) -> Fix:
    if method.name != "call":
        raise CannotFix(f"the layer is made in {method.name}(); move it by hand")
    stored = call.stored_on_self
    if not stored or stored.endswith("[]"):
        raise CannotFix("the layer is not stored on self; name it and create it in __init__()")
    if call.conditional:
        raise CannotFix("the layer is made under a condition")
    init = layer.methods.get("__init__")
    if init is None:
        raise CannotFix("the class has no __init__() to create it in")
    line = statement_of(method, call)
    assigned = {a.attr for a in method.assigns if twin(a) is not line.body[0]}
    uses = Uses(None, bound_in(layer, method), assigned)
    line.body[0].visit(uses)
    if uses.problem:
        raise CannotFix(f"the layer cannot move to __init__(): {uses.problem}")
    reads = _SelfReads()
    assignment = line.body[0]
    assert isinstance(assignment, cst.Assign)  # statement_of() checked it
    assignment.value.visit(reads)
    unset = sorted(reads.attrs - {a.attr for a in init.assigns})
    if unset:
        raise CannotFix(f"the layer reads self.{unset[0]}, which __init__() does not set")
    moved = line.with_changes(leading_lines=())
    new_call = method_node(method).visit(Drop(line))
    assert isinstance(new_call, cst.FunctionDef)
    return Fix((rewrite(method, new_call), rewrite(init, append_last(method_node(init), moved))))


FIXES: Dict[str, FixFunction] = {"KLB103": fix_layer_in_call}
