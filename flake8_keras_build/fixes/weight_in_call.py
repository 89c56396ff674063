"""KLB102's fix: move ``self.<w> = self.add_weight(...)`` from ``call`` into
``build()`` (a new ``build`` when the class has none), when the statement depends
only on the input's shape, the layer's attributes and module-level names: then it
computes the same weight in ``build``, once, where Keras expects it."""

from __future__ import annotations

import textwrap
from typing import Dict, List, Optional

import libcst as cst

from ..analysis.definition_source import WRAPPER
from ..model import CallFact, Finding, LayerClass, Method
from ..rules.weight_in_call import WeightInCallSubject
from .cst_source import Parsed, method_node, snippet, twin
from .edits import CannotFix, Declined, Edit, Fix, FixFunction, FixOutcome, rewrite, subject_of
from .moves import Drop, ShapeToParam, Uses, bound_in, statement_of
from .rewrite import append_last

_EMPTY = cst.Module(body=[])


def _insert_before_super_build(build: Method, new: cst.BaseStatement) -> cst.FunctionDef:
    """``build`` with ``new`` just above the top-level statement that starts with its
    ``super().build(...)`` (or ``<Base>.build(self, ...)``) call, else last."""
    fn = method_node(build)
    anchors = [twin(call) for call in build.super_calls("build")]
    body = list(getattr(fn.body, "body", ()))
    for at, stmt in enumerate(body):
        first = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) else None
        if isinstance(first, cst.Expr) and any(first.value is call for call in anchors):
            assert isinstance(fn.body, cst.IndentedBlock)
            return fn.with_changes(
                body=fn.body.with_changes(body=tuple(body[:at] + [new] + body[at:]))
            )
    return append_last(fn, new)


def _indent_of(parsed: Parsed) -> str:
    code = parsed.module.code
    if parsed.wrapped:
        code = code[len(WRAPPER) :]
    first = code.splitlines()[0]
    return first[: len(first) - len(first.lstrip(" \t\f"))]


def _new_build(call_method: Method, moved: cst.SimpleStatementLine, param: str) -> Edit:
    parsed = snippet(call_method)
    if parsed is None:
        raise CannotFix("the method's source is not available")
    indent = _indent_of(parsed)
    block = method_node(call_method).body
    step = block.indent if isinstance(block, cst.IndentedBlock) and block.indent else None
    step = step or parsed.module.default_indent
    statement = _EMPTY.code_for_node(moved.with_changes(leading_lines=())).rstrip("\n")
    text = (
        f"{indent}def build(self, {param}):\n"
        + textwrap.indent(statement, indent + step, lambda line: True)
        + f"\n{indent}{step}super().build({param})\n\n"
    )
    return Edit(parsed.first_line, parsed.first_line - 1, text)


def fix_weight_in_call(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, WeightInCallSubject)
    layer, method, call = subject.layer, subject.method, subject.call
    try:
        return Fix(_edits(layer, method, call))
    except CannotFix as why:
        return Declined(str(why))


def _edits(layer: LayerClass, method: Method, call: CallFact) -> tuple[Edit, ...]:
    if method.name != "call":
        raise CannotFix(f"the weight is created in {method.name}(); move it by hand")
    if call.func != "self.add_weight":
        raise CannotFix(f"only self.add_weight() is moved, not {call.func}()")
    if call.conditional:
        raise CannotFix("the weight is created under a condition")
    if layer.kind != "layer":
        raise CannotFix("a model's build() behaves differently; move it by hand")
    params = method.shape_params()
    if not params:
        raise CannotFix("call() has no input parameter")
    inputs = params[0].name
    line = statement_of(method, call)
    assigned = {a.attr for a in method.assigns if twin(a) is not line.body[0]}
    uses = Uses(inputs, bound_in(layer, method), assigned)
    line.body[0].visit(uses)
    if uses.problem:
        raise CannotFix(f"the weight cannot move to build(): {uses.problem}")
    build: Optional[Method] = layer.methods.get("build")
    if build is None and layer.defines("build"):
        raise CannotFix("build() could not be read")
    build_params = build.shape_params() if build is not None else []
    if build is not None and not build_params:
        raise CannotFix("build() has no shape parameter")
    param = build_params[0].name if build_params else "input_shape"
    moved = line.visit(ShapeToParam(inputs, param))
    assert isinstance(moved, cst.SimpleStatementLine)
    moved = moved.with_changes(leading_lines=())
    new_call = method_node(method).visit(Drop(line))
    assert isinstance(new_call, cst.FunctionDef)
    edits: List[Edit] = [rewrite(method, new_call)]
    if build is None:
        edits.append(_new_build(method, moved, param))
    else:
        edits.append(rewrite(build, _insert_before_super_build(build, moved)))
    return tuple(edits)


FIXES: Dict[str, FixFunction] = {"KLB102": fix_weight_in_call}
