"""KLB301's fix: pass every positional argument of ``add_weight``/``add_variable`` by
keyword, named after the signature the code was written for.

The two versions read positions differently (Keras 2: ``name, shape, dtype,
initializer, ...``; Keras 3: ``shape, initializer, dtype``), so each argument's value
decides which order the call follows: a string is a name and cannot be a shape, a
tuple or list is a shape and cannot be a name or an initializer. A call both orders
fit (``add_weight(w)``) is ambiguous and left alone, unless ``--keras-version``
names the one version the code runs on.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from .. import keras_api
from ..model import CallFact, Finding
from ..rules.add_weight_positional import AddWeightPositionalSubject
from .cst_source import twin
from .edits import Declined, FixFunction, FixOutcome, subject_of, visit_fix
from .init_kwargs import append_arg

# What a value can be, judged from how it is written (see ``_kind``).
_STRING, _SEQUENCE, _NAME_REF, _SHAPE_REF, _UNKNOWN = "string", "sequence", "name", "shape", ""

# Which kinds of value each parameter takes. A string is an initializer or dtype name
# ("zeros", "float32") as well as a variable name; a sequence is only ever a shape.
_ACCEPTS: Dict[str, Tuple[str, ...]] = {
    "name": (_STRING, _NAME_REF, _UNKNOWN),
    "shape": (_SEQUENCE, _SHAPE_REF, _UNKNOWN),
}
_OTHER_ACCEPTS = (_STRING, _UNKNOWN)


def _last_identifier(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _kind(node: cst.BaseExpression) -> str:
    """How the value reads: a string, a sequence, a variable whose name says it holds
    a name (``layer_name``, ``_WEIGHTS_VARIABLE_NAME``) or a shape (``input_shape``,
    ``x.shape``), or unknown."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return _STRING
    if isinstance(node, (cst.Tuple, cst.List, cst.ListComp)):
        return _SEQUENCE
    if isinstance(node, cst.BinaryOperation):
        sides = (_kind(node.left), _kind(node.right))
        if isinstance(node.operator, cst.Modulo) and sides[0] == _STRING:
            return _STRING  # "kernel_%d" % i
        if isinstance(node.operator, cst.Add):
            for kind in (_STRING, _SEQUENCE):
                if kind in sides:
                    return kind  # "kernel_" + suffix, (units,) + input_shape[1:]
        return _UNKNOWN
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Name) and func.value == "str":
            return _STRING
        if isinstance(func, cst.Attribute):
            if func.attr.value in ("format", "join") and _kind(func.value) == _STRING:
                return _STRING
            if func.attr.value == "TensorShape":
                return _SEQUENCE
        if isinstance(func, cst.Name) and func.value == "TensorShape":
            return _SEQUENCE
        return _UNKNOWN
    if isinstance(node, cst.Subscript):
        # input_shape[1:] is a shape; input_shape[-1] is a dimension.
        sliced = all(isinstance(e.slice, cst.Slice) for e in node.slice)
        return _SHAPE_REF if sliced and _kind(node.value) == _SHAPE_REF else _UNKNOWN
    identifier = _last_identifier(node)
    if identifier is not None:
        lower = identifier.lower()
        if lower == "name" or lower.endswith("_name"):
            return _NAME_REF
        if lower == "shape" or lower.endswith("_shape"):
            return _SHAPE_REF
    return _UNKNOWN


def _positional(call: cst.Call) -> List[cst.Arg]:
    return [arg for arg in call.args if arg.keyword is None and arg.star == ""]


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


class _Reading:
    """One version's order applied to a call: the keywords, or why it does not fit."""

    def __init__(self, version: str, order: Sequence[str], call: cst.Call) -> None:
        self.version = version
        self.keywords: Tuple[str, ...] = ()
        self.mismatch = ""  # the values do not fit this order
        self.broken = ""  # they fit, but the call cannot be written with keywords
        positional = _positional(call)
        if len(positional) > len(order):
            self.broken = (
                f"{version} releases agree only on the first {len(order)} positions "
                f"({', '.join(order)}) and the call passes {len(positional)}"
            )
            return
        keywords = tuple(order[: len(positional)])
        for arg, keyword in zip(positional, keywords):
            if _kind(arg.value) not in _ACCEPTS.get(keyword, _OTHER_ACCEPTS):
                self.mismatch = f"{_code(arg.value)} cannot be the {keyword}"
                return
        given = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        twice = [keyword for keyword in keywords if keyword in given]
        if twice:
            self.broken = f"{twice[0]} is passed both by position and by keyword"
            return
        self.keywords = keywords

    @property
    def fits(self) -> bool:
        return not (self.mismatch or self.broken)


def _plan(call: CallFact, kind: Optional[str], targets: Sequence[str]) -> Tuple[str, ...] | str:
    """The keywords for the call's positional arguments, or why there are none."""
    node = twin(call)
    assert isinstance(node, cst.Call)
    if any(arg.star == "*" for arg in node.args):
        return "a *args passes more positional arguments"
    if not _positional(node):
        return ()
    metric = kind == "metric"
    keras2 = keras_api.ADD_WEIGHT_KERAS2_METRIC if metric else keras_api.ADD_WEIGHT_KERAS2_LAYER
    readings = [
        _Reading("Keras 2", keras2, node),
        _Reading("Keras 3", keras_api.ADD_WEIGHT_KERAS3, node),
    ]
    fitting = [reading for reading in readings if reading.fits]
    if len(fitting) == 2 and len(targets) == 1:
        # --keras-version: the code runs on that version, which reads it that way.
        fitting = [reading for reading in fitting if reading.version == f"Keras {targets[0]}"]
    if len(fitting) == 1:
        return fitting[0].keywords
    if fitting:
        first = _code(_positional(node)[0].value)
        return (
            f"ambiguous: Keras 2 reads {first} as the name, Keras 3 as the shape "
            "(--keras-version decides)"
        )
    broken = [reading for reading in readings if reading.broken and not reading.mismatch]
    if broken:
        return f"as {broken[0].version} reads it, {broken[0].broken}"
    return "the values fit neither order: " + "; ".join(
        f"{reading.version}: {reading.mismatch or reading.broken}" for reading in readings
    )


_Plan = Tuple[Tuple[str, ...], str]  # keywords for the positional arguments, a name to add


_NO_SPACE = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


class _Keywords(cst.CSTTransformer):
    """Gives the positional arguments of the planned calls their keywords, and a
    ``name=`` where the plan has one (compares original nodes, so it runs on the
    method's tree as the analysis left it)."""

    def __init__(self, plans: Dict[int, _Plan]) -> None:
        super().__init__()
        self.plans = plans

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if id(original_node) not in self.plans:
            return updated_node
        planned, name = self.plans[id(original_node)]
        keywords = iter(planned)
        args = []
        for arg in updated_node.args:
            if arg.keyword is None and arg.star == "":
                arg = arg.with_changes(keyword=cst.Name(next(keywords)), equal=_NO_SPACE)
            args.append(arg)
        updated = updated_node.with_changes(args=tuple(args))
        if name:
            value = cst.SimpleString(f'"{name}"')
            updated = append_arg(updated, cst.Arg(value, keyword=cst.Name("name"), equal=_NO_SPACE))
        return updated


def _metric_name(call: CallFact, kind: Optional[str], planned: Tuple[str, ...]) -> Optional[str]:
    """The ``name=`` a metric's weight gets ("" when it needs none), None when it
    needs one and has nothing to be named after. tf-keras' ``Metric.add_weight(name,
    ...)`` requires it (RULES v1.2: the lane saw the keyword-only fix raise
    ``TypeError`` there); the attribute it is stored on is its natural name."""
    given = set(call.keywords) | set(planned)
    if kind != "metric" or "name" in given or "**" in given:
        return ""
    attr = call.stored_on_self
    if attr is None or attr.endswith("[]"):
        return None
    return attr


def _planned(call: CallFact, kind: Optional[str], targets: Sequence[str]) -> _Plan | str:
    """The keywords for the positional arguments and the name to add, or why not."""
    plan = _plan(call, kind, targets)
    if isinstance(plan, str):
        return plan
    name = _metric_name(call, kind, plan)
    if name is None:
        return (
            "a metric's weight needs a name in Keras 2, and this one is not stored on "
            "self.<attribute> to be named after (pass name= by hand)"
        )
    if not plan and not name:
        return "nothing to rewrite"
    return plan, name


def fix_add_weight_positional(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, AddWeightPositionalSubject)
    own, kind, targets = subject.call, subject.layer.kind, subject.targets
    plan = _planned(own, kind, targets)
    if isinstance(plan, str):
        return Declined(plan)
    plans = {id(twin(own)): plan}
    # The method's other flagged calls that can be rewritten go in the same edit.
    for call in subject.batch:
        other = _planned(call, kind, targets)
        if not isinstance(other, str):
            plans[id(twin(call))] = other
    return visit_fix(subject.method, _Keywords(plans))


FIXES: Dict[str, FixFunction] = {"KLB301": fix_add_weight_positional}
