"""What each method of a layer class does: the facts rules read (libcst)."""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Sequence

import libcst as cst

from ..keras_api import is_variable_factory
from ..model import AssignFact, CallFact, Guard, LayerClass, Method, Param, Pos
from ..names import NameTable
from .cst_source import (
    MapPositions,
    Parsed,
    PositionSource,
    TwinMismatch,
    TwinPositions,
    body_twins,
    is_twin_type,
    parse_definition,
    provider_positions,
)
from .layers import ClassIndex, ClassInfo
from .method_selection import class_functions, selected_methods
from .walk import Visitor, is_node_type, walk

_WEIGHT_METHODS = frozenset({"add_weight", "add_variable"})
_EMPTY_MODULE = cst.Module(body=[])
_CONTAINER_METHODS = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})


def cst_dotted(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` for a ``Name``/``Attribute`` chain, else None."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _is_self(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "self"


def _is_super_call(node: cst.BaseExpression) -> bool:
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "super"
    )


def _checks_built(test: cst.BaseExpression, negated: bool) -> bool:
    """``if not <x>.built:`` (or the ``else`` of ``if <x>.built:``)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _checks_built(test.expression, not negated)
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return not negated and (
            _checks_built(test.left, negated) or _checks_built(test.right, negated)
        )
    if isinstance(test, cst.Attribute) and test.attr.value == "built":
        return negated
    return False


def _arg_kind(node: cst.BaseExpression) -> str:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return "str"
    if isinstance(node, (cst.Tuple, cst.List)):
        return "sequence"
    return "other"


def code_of(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    return _EMPTY_MODULE.code_for_node(node)


def _param(param: cst.Param, kind: str) -> Param:
    return Param(
        param.name.value,
        kind,
        param.default is not None,
        value_kind(param.default) if param.default is not None else "",
        annotation_kind(param.annotation.annotation) if param.annotation else "",
    )


def _params(node: cst.FunctionDef) -> List[Param]:
    ps = node.params
    params = [_param(p, "positional") for p in ps.posonly_params]
    params += [_param(p, "positional") for p in ps.params]
    if isinstance(ps.star_arg, cst.Param):
        params.append(_param(ps.star_arg, "vararg"))
    params += [_param(p, "keyword") for p in ps.kwonly_params]
    if ps.star_kwarg is not None:
        params.append(_param(ps.star_kwarg, "varkw"))
    return params


_PLAIN_NAMES = frozenset({"None", "True", "False"})
_PLAIN_TYPES = frozenset(
    {
        "int",
        "float",
        "str",
        "bool",
        "None",
        "complex",
        "bytes",
        "Text",
        "Any",
        "Optional",
        "Union",
        "List",
        "Tuple",
        "Sequence",
        "Dict",
        "Mapping",
        "Literal",
        "list",
        "tuple",
        "dict",
        "set",
        "Set",
        "FrozenSet",
        "frozenset",
        "Iterable",
    }
)


def value_kind(node: cst.BaseExpression) -> str:
    """ "plain" for values Keras' automatic config saves (numbers, strings, None,
    booleans, containers of them, names of constants), else "object"."""
    if isinstance(
        node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
    ):
        return "plain"
    if isinstance(node, cst.UnaryOperation):
        return value_kind(node.expression)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        kinds = [value_kind(e.value) for e in node.elements]
        return "object" if "object" in kinds else "plain"
    if isinstance(node, cst.Dict):
        return (
            "plain"
            if all(
                isinstance(e, cst.DictElement) and value_kind(e.value) == "plain"
                for e in node.elements
            )
            else "object"
        )
    if isinstance(node, cst.Name):
        # A CamelCase name is a class; a lower-case one is most likely a constant.
        return "object" if node.value[:1].isupper() and node.value not in _PLAIN_NAMES else "plain"
    if isinstance(node, cst.Attribute):
        return "object" if node.attr.value[:1].isupper() else "plain"
    return "object"  # calls, lambdas, comprehensions ...


def annotation_kind(node: cst.BaseExpression) -> str:
    """ "plain" when every name in the annotation is a plain type."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
        return "plain"  # a string annotation is not followed; ``Tuple[int, ...]``
    if isinstance(node, cst.Name):
        return "plain" if node.value in _PLAIN_TYPES else "object"
    if isinstance(node, cst.Attribute):
        # ``typing.Optional``/``t.List`` are plain; ``tf.Tensor``, ``keras.layers.Layer`` not.
        return (
            "plain"
            if node.attr.value in _PLAIN_TYPES
            and isinstance(node.value, cst.Name)
            and node.value.value in {"typing", "t"}
            else "object"
        )
    if isinstance(node, cst.Subscript):
        parts = [annotation_kind(node.value)]
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                parts.append(annotation_kind(element.slice.value))
        return "object" if "object" in parts else "plain"
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        kinds = {annotation_kind(node.left), annotation_kind(node.right)}
        return "object" if "object" in kinds else "plain"
    if isinstance(node, (cst.Tuple, cst.List)):
        kinds = {annotation_kind(e.value) for e in node.elements}
        return "object" if "object" in kinds else "plain"
    return "object"


def _only_raises(node: cst.FunctionDef) -> bool:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
    small: List[cst.CSTNode] = []
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            small.extend(stmt.body)
        elif isinstance(stmt, cst.SimpleStatementSuite):
            small.extend(stmt.body)
        else:
            return False
    if small and isinstance(small[0], cst.Expr) and isinstance(small[0].value, cst.SimpleString):
        small = small[1:]  # the docstring
    return bool(small) and all(isinstance(s, cst.Raise) for s in small)


class _FactVisitor(Visitor):
    def __init__(self, source: PositionSource, fallback: Pos, index: ClassIndex) -> None:
        self.source = source
        self.positions: Dict[int, Pos] = {}
        self.fallback = fallback
        self.index = index
        self.names: NameTable = index.names
        self.calls: List[CallFact] = []
        self.assigns: List[AssignFact] = []
        self._guards: List[Guard] = []
        self._targets: List[Optional[str]] = []
        self._statements: List[Pos] = []

    def _pos(self, node: cst.CSTNode) -> Pos:
        return self.positions.get(id(node), self.fallback)

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        if is_twin_type(node_type):
            # Every call and statement is met here first, in source order.
            self.positions[id(node)] = self.source.take(node)
            if not is_node_type(node_type, cst.Call):
                self._statements.append(self.positions[id(node)])
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        node_type = type(original_node)
        if is_twin_type(node_type) and not is_node_type(node_type, cst.Call):
            self._statements.pop()

    # Nested classes are analysed on their own.
    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    # Guards: which branch of which condition a fact sits in.
    def visit_If_body(self, node: cst.If) -> None:
        self._guards.append(Guard(_checks_built(node.test, False)))

    def leave_If_body(self, node: cst.If) -> None:
        self._guards.pop()

    def visit_If_orelse(self, node: cst.If) -> None:
        self._guards.append(Guard(_checks_built(node.test, True)))

    def leave_If_orelse(self, node: cst.If) -> None:
        self._guards.pop()

    def visit_IfExp_body(self, node: cst.IfExp) -> None:
        self._guards.append(Guard(_checks_built(node.test, False)))

    def leave_IfExp_body(self, node: cst.IfExp) -> None:
        self._guards.pop()

    def visit_IfExp_orelse(self, node: cst.IfExp) -> None:
        self._guards.append(Guard(_checks_built(node.test, True)))

    def leave_IfExp_orelse(self, node: cst.IfExp) -> None:
        self._guards.pop()

    # Assignments to ``self.<attr>``: recorded, and the target is remembered so
    # that a call in the value knows where its result is stored.
    def _self_target(self, target: cst.BaseExpression) -> Optional[str]:
        if isinstance(target, cst.Subscript):
            # ``self.blocks[name] = Dense(...)`` stores on ``self.blocks``.
            container = self._self_target(target.value)
            return f"{container}[]" if container else None
        if isinstance(target, cst.Attribute) and _is_self(target.value):
            return target.attr.value
        return None

    def _record_assign(
        self,
        stmt: cst.CSTNode,
        target: cst.BaseExpression,
        value: Optional[cst.BaseExpression],
        augmented: bool,
    ) -> Optional[str]:
        attr = self._self_target(target)
        if attr is not None and not attr.endswith("[]"):
            self.assigns.append(
                AssignFact(self._pos(stmt), attr, value, augmented, bool(self._guards), stmt)
            )
        return attr

    def visit_Assign(self, node: cst.Assign) -> None:
        attrs = [self._record_assign(node, t.target, node.value, False) for t in node.targets]
        self._targets.append(next((a for a in attrs if a), None))

    def leave_Assign(self, node: cst.Assign) -> None:
        self._targets.pop()

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets.append(self._record_assign(node, node.target, node.value, False))

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets.pop()

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets.append(self._record_assign(node, node.target, node.value, True))

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        receiver, attr = "", ""
        creates: Optional[str] = None
        positional_args = [a for a in node.args if a.keyword is None and a.star == ""]
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            value = func.value
            if _is_self(value):
                receiver = "self"
                creates = "weight" if attr in _WEIGHT_METHODS else None
            elif _is_super_call(value):
                receiver = "super"
            elif isinstance(value, cst.Attribute) and _is_self(value.value):
                receiver = "attr"
            elif positional_args and _is_self(positional_args[0].value) and cst_dotted(value):
                receiver = "base"  # ``Layer.build(self, shape)``
            else:
                receiver = "expr"
        elif isinstance(func, cst.Name):
            attr = func.value
        if creates is None and receiver not in {"self", "super", "attr"}:
            creates = self._constructor_kind(func)
        stored = self._targets[-1] if self._targets else None
        self._targets.append(self._container_target(func) or stored)
        self.calls.append(
            CallFact(
                pos=self._pos(node),
                func=code_of(func),
                receiver=receiver,
                attr=attr,
                creates=creates,
                callee=cst_dotted(func) if creates == "layer" else None,
                positional=len(positional_args),
                guards=tuple(self._guards),
                stored_on_self=stored,
                first_arg=_arg_kind(positional_args[0].value) if positional_args else "",
                stmt_pos=self._statements[-1] if self._statements else self._pos(node),
                node=node,
            )
        )

    def leave_Call(self, node: cst.Call) -> None:
        self._targets.pop()

    def _container_target(self, func: cst.BaseExpression) -> Optional[str]:
        """``self.blocks`` for ``self.blocks.append(<value>)``: the arguments are stored."""
        if isinstance(func, cst.Attribute) and func.attr.value in _CONTAINER_METHODS:
            return self._self_target(func.value)
        return None

    def _constructor_kind(self, func: cst.BaseExpression) -> Optional[str]:
        dotted = cst_dotted(func)
        if dotted is None:
            return None
        resolved = self.names.resolve(dotted)
        if resolved is not None and is_variable_factory(resolved):
            return "variable"
        if self.index.is_layer_constructor(dotted):
            return "layer"
        return None


def build_method(
    node: cst.FunctionDef, pos: Pos, source: PositionSource, index: ClassIndex
) -> Method:
    visitor = _FactVisitor(source, pos, index)
    walk(node.body, visitor)
    source.finish()
    return Method(
        name=node.name.value,
        pos=pos,
        params=_params(node),
        calls=visitor.calls,
        assigns=visitor.assigns,
        only_raises=_only_raises(node),
        node=node,
    )


def build_layer_class(
    info: ClassInfo, lines: Sequence[str], index: ClassIndex, as_ancestor: bool = False
) -> LayerClass:
    """The class's model from the methods rules read, each parsed on its own, with
    positions from the ast twins (libcst's own positions, slow, only if they do not
    pair). A method libcst cannot parse is left out. ``as_ancestor``: a class of
    another module, of which rules read only the constructor and the config."""
    pos = Pos(info.node.lineno, info.node.col_offset)
    wanted = selected_methods(info.node, as_ancestor)
    methods: Dict[str, Method] = {}
    names: List[str] = []
    incomplete = False
    for twin in class_functions(info.node):
        names.append(twin.name)
        if twin.name not in wanted:
            continue
        parsed = parse_definition(lines, twin)
        if parsed is None or not isinstance(parsed.node, cst.FunctionDef):
            incomplete = True
            continue
        methods[twin.name] = method_model(twin, parsed, index, twins=True)
    return LayerClass(
        info=info, pos=pos, methods=methods, method_names=set(names), incomplete=incomplete
    )


def method_model(twin: ast.stmt, parsed: Parsed, index: ClassIndex, twins: bool) -> Method:
    """``twins=False`` forces libcst's own positions (the fallback, and tests)."""
    assert isinstance(parsed.node, cst.FunctionDef)
    pos = Pos(twin.lineno, twin.col_offset)
    if twins:
        try:
            method = build_method(parsed.node, pos, TwinPositions(body_twins(twin)), index)
            method.snippet = parsed
            return method
        except TwinMismatch:
            pass
    source = MapPositions(provider_positions(twin, parsed), pos)
    method = build_method(parsed.node, pos, source, index)
    method.snippet = parsed
    return method
