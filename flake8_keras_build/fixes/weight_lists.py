"""KLB109's fix: delete ``self.trainable_weights = [self.w, ...]`` when Keras tracks
every weight it lists by itself (made by ``add_weight`` or a variable constructor
and assigned to ``self``), and the list leaves none of the class's weights out.

A list of non-trainable weights is kept: the variables it names are trainable once
Keras tracks them, and what the author meant (``add_weight(..., trainable=False)``)
is for them to write.
"""

from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from .. import keras_api
from ..model import Finding
from ..rules.weight_lists import WeightListSubject
from .cst_source import assigned_value, method_node, twin
from .edits import Declined, FixFunction, FixOutcome, subject_of, visit_fix
from .moves import Drop
from .walk import Visitor, walk


def _self_attributes(value: cst.BaseExpression) -> Optional[List[str]]:
    """``["w", "b"]`` for ``[self.w, self.b]`` (a list or tuple of ``self.<attr>``)."""
    if not isinstance(value, (cst.List, cst.Tuple)):
        return None
    names = []
    for element in value.elements:
        item = element.value
        if isinstance(element, cst.StarredElement) or not (
            isinstance(item, cst.Attribute)
            and isinstance(item.value, cst.Name)
            and item.value.value == "self"
        ):
            return None
        names.append(item.attr.value)
    return names


class _LineOf(Visitor):
    """The statement line that holds one small statement."""

    def __init__(self, small: cst.CSTNode) -> None:
        self.small = small
        self.line: Optional[cst.SimpleStatementLine] = None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if any(stmt is self.small for stmt in node.body):
            self.line = node
        return False


def _why_not(subject: WeightListSubject, names: Optional[List[str]]) -> Optional[str]:
    attr = subject.assign.attr
    if attr in keras_api.NON_TRAINABLE_LISTS:
        return (
            "the weights it lists are trainable once tracked; "
            "create them with add_weight(..., trainable=False)"
        )
    if not names:
        return (
            "the value is not a list of the class's weights; "
            f"register them with add_weight() instead of self.{attr}"
        )
    untracked = [name for name in names if name not in subject.tracked]
    if untracked:
        return (
            f"self.{untracked[0]} is not a weight Keras tracks by itself; "
            "create it with add_weight()"
        )
    left_out = sorted(subject.created - set(names))
    if not subject.assign.augmented and left_out:
        return (
            f"the list leaves out self.{left_out[0]}, which Keras would then train; "
            "decide by hand"
        )
    return None


def fix_weight_list(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, WeightListSubject)
    value = assigned_value(subject.assign)
    why = _why_not(subject, _self_attributes(value) if value is not None else None)
    if why is not None:
        return Declined(why)
    found = _LineOf(twin(subject.assign))
    walk(method_node(subject.method), found)
    line = found.line
    if line is None or len(line.body) != 1:
        return Declined("the assignment shares its line with other statements")
    return visit_fix(subject.method, Drop(line))


FIXES: Dict[str, FixFunction] = {"KLB109": fix_weight_list}
