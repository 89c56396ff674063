"""KLB303's fix: give ``call``'s ``training`` parameter a default.

``None`` (Keras' own convention: "the phase is not known"), or ``False`` when the
parameter is annotated ``bool``, which ``None`` would contradict. Both versions call
``call`` in inference mode when nothing says otherwise, so the two defaults behave
the same: Keras 3 passes the signature's default, tf-keras the default or ``None``.
"""

from __future__ import annotations

from typing import Dict, Optional

import libcst as cst

from .. import keras_api
from ..model import Finding
from ..rules.training_default import TrainingDefaultSubject
from .edits import CannotFix, FixFunction, FixOutcome, method_fix, subject_of

_PARAM = keras_api.TRAINING_ARGUMENT


def _is_name(node: cst.BaseExpression, *names: str) -> bool:
    """``Optional`` or ``typing.Optional`` for ``names=("Optional",)``."""
    if isinstance(node, cst.Name):
        return node.value in names
    return isinstance(node, cst.Attribute) and node.attr.value in names


def _members(node: cst.BaseExpression) -> Optional[list[cst.BaseExpression]]:
    """The types of a union (``Union[a, b]``, ``a | b``), None for anything else."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return (_members(node.left) or [node.left]) + (_members(node.right) or [node.right])
    if isinstance(node, cst.Subscript) and _is_name(node.value, "Union"):
        return [
            element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)
        ]
    return None


def _default_for(annotation: Optional[cst.Annotation]) -> str:
    """The default the annotation admits: "None", "False", or "" for neither."""
    if annotation is None:
        return "None"
    node = annotation.annotation
    if isinstance(node, cst.SimpleString):
        # A forward reference, ``training: "bool | None"``: read the type inside.
        text = node.evaluated_value
        try:
            node = cst.parse_expression(text if isinstance(text, str) else "")
        except cst.ParserSyntaxError:
            return ""
    if _is_name(node, "Any", "object") or (
        isinstance(node, cst.Subscript) and _is_name(node.value, "Optional")
    ):
        return "None"
    members = _members(node) or [node]
    if any(_is_name(member, "None") for member in members):
        return "None"
    if any(_is_name(member, "bool") for member in members):
        return "False"
    return ""


def _with_default(param: cst.Param, default: str) -> cst.Param:
    # PEP 8: ``training=None``, but ``training: bool = False`` when annotated.
    space = cst.SimpleWhitespace(" " if param.annotation is not None else "")
    return param.with_changes(
        default=cst.Name(default),
        equal=cst.AssignEqual(whitespace_before=space, whitespace_after=space),
    )


def give_default(node: cst.FunctionDef) -> cst.FunctionDef:
    params = node.params
    if any(p.name.value == _PARAM for p in params.posonly_params):
        raise CannotFix("training is positional-only, and Keras passes it by keyword")
    for group in ("params", "kwonly_params"):
        members = list(getattr(params, group))
        at = next((i for i, p in enumerate(members) if p.name.value == _PARAM), None)
        if at is None:
            continue
        default = _default_for(members[at].annotation)
        if not default:
            assert members[at].annotation is not None
            annotation = cst.Module(body=[]).code_for_node(members[at].annotation.annotation)
            raise CannotFix(
                f"training is annotated {annotation}, which admits neither None nor "
                "False; give it a default by hand"
            )
        if group == "params":
            # After a parameter with a default, every positional one needs one too.
            later = next((p for p in members[at + 1 :] if p.default is None), None)
            if later is not None:
                raise CannotFix(
                    f"{later.name.value}, after training, has no default either; "
                    "a default for training alone is a syntax error"
                )
        members[at] = _with_default(members[at], default)
        return node.with_changes(params=params.with_changes(**{group: tuple(members)}))
    raise CannotFix("call() has no training parameter")


def fix_training_default(finding: Finding) -> FixOutcome:
    return method_fix(subject_of(finding, TrainingDefaultSubject).call, give_default)


FIXES: Dict[str, FixFunction] = {"KLB303": fix_training_default}
