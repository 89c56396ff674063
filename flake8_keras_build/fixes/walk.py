"""A read-only walk over libcst trees, several times faster than ``node.visit``.

libcst's ``CSTNode.visit`` rebuilds every node it passes (``_visit_and_replace_children``
constructs a new node even for a read-only visitor). This walk only reads: it follows
each node type's child fields in source order, so that the n-th call or statement it
meets is the n-th in the file (``cst_source`` pairs the libcst nodes a fix rewrites
with their ast twins on that, and checks it node by node). Linting does not use it:
the analysis reads the ast (``ast_walk``).

Visitors subclass ``Visitor`` and name their hooks as libcst does: ``visit_Call``,
``leave_Call``, and ``visit_If_body``/``leave_If_body`` for one field of a node.
``visit_X`` returning False skips the children (``leave_X`` still runs).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, ClassVar, Dict, Optional, Tuple

import libcst as cst

# Fields that only hold whitespace, punctuation or plain values.
_TRIVIA = frozenset(
    {
        "lpar",
        "rpar",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "comma",
        "semicolon",
        "equal",
        "colon",
        "dot",
        "operator",
        "asynchronous",
        "newline",
        "default_indent",
        "default_newline",
        "encoding",
        "has_trailing_newline",
        "indent",
        "star",
        "whitespace",
    }
)

# Node types whose dataclass field order is not their source order.
_SOURCE_ORDER: Dict[type, Tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.Parameters: ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
}

_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _fields(node_type: type) -> Tuple[str, ...]:
    names = _FIELDS.get(node_type)
    if names is None:
        present = [f.name for f in dataclasses.fields(node_type)]
        order = _SOURCE_ORDER.get(node_type)
        if order is not None:
            # Older libcst releases lack some fields (type_parameters came in 1.1).
            names = tuple(name for name in order if name in present)
        else:
            names = tuple(
                name
                for name in present
                if name not in _TRIVIA and not name.startswith("whitespace")
            )
        _FIELDS[node_type] = names
    return names


Hook = Optional[Callable[..., Any]]
# Per node type: its own visit/leave hooks and, per child field, the field's hooks.
_Plan = Tuple[Hook, Hook, Tuple[Tuple[str, Hook, Hook], ...]]


# ``isinstance`` against libcst's abstract node classes goes through ABCMeta, which
# showed up in profiles: answer it once per concrete type.
def is_node_type(node_type: type, base: type = cst.CSTNode) -> bool:
    key = (node_type, base)
    found = _SUBCLASS.get(key)
    if found is None:
        found = _SUBCLASS[key] = issubclass(node_type, base)
    return found


_SUBCLASS: Dict[Tuple[type, type], bool] = {}


class Visitor:
    """Base class: hooks are looked up once per node type and cached per class."""

    _plans: ClassVar[Dict[type, _Plan]]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._plans = {}

    def plan(self, node_type: type) -> _Plan:
        found = self._plans.get(node_type)
        if found is None:
            cls = type(self)
            name = node_type.__name__
            fields = tuple(
                (
                    field,
                    getattr(cls, f"visit_{name}_{field}", None),
                    getattr(cls, f"leave_{name}_{field}", None),
                )
                for field in _fields(node_type)
            )
            found = (
                getattr(cls, f"visit_{name}", None),
                getattr(cls, f"leave_{name}", None),
                fields,
            )
            self._plans[node_type] = found
        return found

    def on_visit(self, node: cst.CSTNode) -> bool:
        visit = self.plan(type(node))[0]
        return visit is None or visit(self, node) is not False

    def on_leave(self, node: cst.CSTNode) -> None:
        leave = self.plan(type(node))[1]
        if leave is not None:
            leave(self, node)


def walk(node: cst.CSTNode, visitor: Visitor) -> None:
    """Visit ``node`` and its descendants in source order, reading only."""
    if visitor.on_visit(node):
        for name, enter, leave in visitor.plan(type(node))[2]:
            value = getattr(node, name)
            if value is None:
                continue
            if enter is not None:
                enter(visitor, node)
            value_type = type(value)
            if value_type is tuple or value_type is list:
                for item in value:
                    if is_node_type(type(item)):
                        walk(item, visitor)
            elif is_node_type(value_type):
                walk(value, visitor)
            if leave is not None:
                leave(visitor, node)
    visitor.on_leave(node)
