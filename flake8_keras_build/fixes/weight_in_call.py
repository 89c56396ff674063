"""KLB102's fix: move ``self.<w> = self.add_weight(...)`` from ``call`` into
``build()`` (a new ``build`` when the class has none), when the statement depends
only on the input's shape, the layer's attributes and module-level names: then it
computes the same weight in ``build``, once, where Keras expects it."""

from __future__ import annotations

import ast
import builtins
import textwrap
from typing import Dict, List, Optional, Set

import libcst as cst

from ..analysis.cst_source import WRAPPER, Parsed
from ..model import CallFact, Finding, LayerClass, Method
from .edits import CannotFix, Declined, Edit, Fix, FixFunction, FixOutcome, rewrite
from .rewrite import append_last

_EMPTY = cst.Module(body=[])
_BUILTINS = frozenset(dir(builtins))


def _statement(method: Method, call: CallFact) -> cst.SimpleStatementLine:
    """The top-level ``self.<attr> = <call>`` line of ``method`` holding ``call``."""
    body = method.node.body
    for stmt in getattr(body, "body", ()):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and small.value is call.node:
            targets = small.targets
            target = targets[0].target if len(targets) == 1 else None
            if (
                isinstance(target, cst.Attribute)
                and isinstance(target.value, cst.Name)
                and target.value.value == "self"
            ):
                return stmt
    raise CannotFix("the weight is not stored on self by a statement of its own in call()")


def _bound_in(method: Method) -> Set[str]:
    """Every name ``method`` binds (parameters, assignments, loops, imports ...)."""
    code = textwrap.dedent(_EMPTY.code_for_node(method.node))
    tree = ast.parse(code)
    bound: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return bound


class _Uses(cst.CSTVisitor):
    """Checks what the moved value reads; ``<inputs>.shape`` is allowed."""

    def __init__(self, inputs: str, bound: Set[str], assigned: Set[str]) -> None:
        super().__init__()
        self.inputs = inputs
        self.bound = bound
        self.assigned = assigned  # attributes call() itself assigns
        self.problem: Optional[str] = None

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if isinstance(node.value, cst.Name):
            base = node.value.value
            if base == self.inputs and node.attr.value == "shape":
                return False
            if base == "self":
                if node.attr.value in self.assigned:
                    self.problem = f"it reads self.{node.attr.value}, which call() assigns"
                return False
        return True

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # the keyword's name is not a read
        return False

    def visit_Name(self, node: cst.Name) -> None:
        name = node.value
        if name == self.inputs:
            self.problem = f"it uses {name} itself, not only {name}.shape"
        elif name == "self":
            self.problem = "it uses self beyond its attributes"
        elif name in self.bound and self.problem is None:
            self.problem = f"it uses {name}, which exists only inside call()"

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.problem = self.problem or "it holds a lambda"
        return False


class _ShapeToParam(cst.CSTTransformer):
    def __init__(self, inputs: str, param: str) -> None:
        super().__init__()
        self.inputs, self.param = inputs, param

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        value = original_node.value
        if (
            isinstance(value, cst.Name)
            and value.value == self.inputs
            and original_node.attr.value == "shape"
        ):
            return cst.Name(self.param, lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node


class _Drop(cst.CSTTransformer):
    """Removes one statement line (by identity); comments above it stay."""

    def __init__(self, line: cst.SimpleStatementLine) -> None:
        super().__init__()
        self.line = line

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if self.line not in original_node.body:
            return updated_node
        at = list(original_node.body).index(self.line)
        body = list(updated_node.body)
        comments = [e for e in self.line.leading_lines if e.comment is not None]
        del body[at]
        if comments and at < len(body):
            follower = body[at]
            assert isinstance(follower, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            body[at] = follower.with_changes(
                leading_lines=tuple(comments) + tuple(follower.leading_lines)
            )
            comments = []
        return updated_node.with_changes(
            body=tuple(body), footer=tuple(comments) + tuple(updated_node.footer)
        )


def _insert_before_super_build(fn: cst.FunctionDef, new: cst.BaseStatement) -> cst.FunctionDef:
    """``new`` just above a top-level ``super().build(...)``, else as the last statement."""
    body = list(getattr(fn.body, "body", ()))
    for at, stmt in enumerate(body):
        code = _EMPTY.code_for_node(stmt).strip()
        if isinstance(stmt, cst.SimpleStatementLine) and code.startswith("super().build("):
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
    parsed: Parsed = call_method.snippet
    indent = _indent_of(parsed)
    block = call_method.node.body
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
    subject = finding.subject
    assert subject is not None and subject.method is not None and subject.calls
    layer, method, call = subject.layer, subject.method, subject.calls[0]
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
    line = _statement(method, call)
    assigned = {a.attr for a in method.assigns if a.node is not line.body[0]}
    uses = _Uses(inputs, _bound_in(method), assigned)
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
    moved = line.visit(_ShapeToParam(inputs, param))
    assert isinstance(moved, cst.SimpleStatementLine)
    moved = moved.with_changes(leading_lines=())
    new_call = method.node.visit(_Drop(line))
    assert isinstance(new_call, cst.FunctionDef)
    edits: List[Edit] = [rewrite(method, new_call)]
    if build is None:
        edits.append(_new_build(method, moved, param))
    else:
        edits.append(rewrite(build, _insert_before_super_build(build.node, moved)))
    return tuple(edits)


FIXES: Dict[str, FixFunction] = {"KLB102": fix_weight_in_call}
