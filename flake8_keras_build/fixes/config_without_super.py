"""KLB205's fix: build the config from ``super().get_config()``.

The dict literal ``get_config`` returns, or assigns to the local it returns, gains
``**super().get_config()`` as its first element; a returned ``self.<attr>`` or
``dict(...)`` is merged the same way. The class's own keys come after the base
config, so they win, as after ``config.update(...)``.

Declined where the merge would change what ``from_config`` rebuilds rather than
restore ``name``/``trainable``/``dtype``: a base whose config holds arguments of its
own (a concrete Keras layer, an ecosystem model such as ``keras_hub.models.Backbone``,
a base that cannot be seen), or keys the constructor does not accept (reload would
raise where it now only loses the name).

The get_config readers here (the one final return, a local's one assignment, the
literals that flow into the result) are shared with KLB206's fix. They read only
straight-line, top-level statements and refuse anything else, so a literal they
name is always part of the returned config.
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from ..model import Finding, LayerClass, Method
from ..rules.config_common import KERAS_KEYWORDS, inherited_keras_bases, super_config_keys
from .cst_names import code_of, cst_dotted, items_of
from .cst_source import snippet, twin
from .edits import CannotFix, Declined, FixFunction, FixOutcome, method_fix
from .rewrite import ReturnCount
from .walk import Visitor, walk

SUPER_CONFIG = "super().get_config()"

# Past this length a dict literal the fix lengthens is laid out one element per line
# (Keras and most Keras projects format to 80 columns).
LINE_LIMIT = 80

# The Keras base whose ``get_config`` returns only name/trainable/dtype (and, when
# set, ``activity_regularizer``/``batch_input_shape``, which ``Layer`` accepts too).
_ROOT_LAYER = "Layer"


# --- reading get_config ------------------------------------------------------


def top_statements(fn: cst.FunctionDef) -> List[cst.BaseStatement]:
    if not isinstance(fn.body, cst.IndentedBlock):
        raise CannotFix("get_config() is written on one line")
    return list(fn.body.body)


def final_return(fn: cst.FunctionDef) -> cst.BaseExpression:
    """The value of the ``return`` that ends ``fn``, when it is the only one."""
    body = top_statements(fn)
    returns = ReturnCount()
    walk(fn.body, returns)
    if returns.count != 1:
        raise CannotFix("get_config() returns in more than one place")
    last = body[-1] if body else None
    small = last.body[-1] if isinstance(last, cst.SimpleStatementLine) else None
    if not isinstance(small, cst.Return) or small.value is None:
        raise CannotFix("get_config() does not end with its return")
    return small.value


class _Bindings(Visitor):
    """How many times a function body binds ``name`` (nested scopes aside)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def _target(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self.count += node.value == self.name
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._target(element.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:  # with/except/import ... as name
        self._target(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._target(node.target)

    def visit_Global(self, node: cst.Global) -> None:
        self.count += any(item.name.value == self.name for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.count += any(item.name.value == self.name for item in node.names)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.count += node.name.value == self.name
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.count += node.name.value == self.name
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def bindings(node: cst.CSTNode, name: str) -> int:
    counter = _Bindings(name)
    walk(node, counter)
    return counter.count


def _assigned_value(stmt: cst.BaseStatement, name: str) -> Optional[cst.BaseExpression]:
    """``value`` when ``stmt`` is exactly ``name = value`` (or ``name: T = value``)."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target, value = small.target, small.value
    else:
        return None
    return value if isinstance(target, cst.Name) and target.value == name else None


def single_assignment(fn: cst.FunctionDef, name: str) -> Tuple[int, cst.BaseExpression]:
    """The index of the top-level statement ``name = value`` and ``value``, when
    it is the only binding of ``name`` in ``fn``."""
    found = [
        (index, value)
        for index, stmt in enumerate(top_statements(fn))
        if (value := _assigned_value(stmt, name)) is not None
    ]
    if len(found) != 1 or bindings(fn.body, name) != 1:
        raise CannotFix(f"{name} is not assigned once, at the top of get_config()")
    return found[0]


def _update_literals(fn: cst.FunctionDef, name: str) -> List[Tuple[int, cst.Dict]]:
    """The dict literals of top-level ``name.update({...})`` statements."""
    found: List[Tuple[int, cst.Dict]] = []
    for index, stmt in enumerate(top_statements(fn)):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        call = small.value if isinstance(small, cst.Expr) else None
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and isinstance(call.func.value, cst.Name)
            and call.func.value.value == name
            and call.func.attr.value == "update"
        ):
            found += [
                (index, arg.value)
                for arg in call.args
                if arg.keyword is None and not arg.star and isinstance(arg.value, cst.Dict)
            ]
    return found


class _Removals(Visitor):
    """Keys removed from the dict ``name``: literal ``pop`` keys, or None for a
    removal whose key cannot be read (``del d[k]``, ``d.clear()``, ``d.pop(k)``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.keys: Optional[Set[str]] = set()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.name
            and func.attr.value in {"pop", "popitem", "clear"}
        ):
            return
        key = node.args[0].value if func.attr.value == "pop" and node.args else None
        if isinstance(key, cst.SimpleString) and isinstance(key.evaluated_value, str):
            if self.keys is not None:
                self.keys.add(key.evaluated_value)
        else:
            self.keys = None

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            if target.value.value == self.name:
                self.keys = None


def removed_keys(fn: cst.FunctionDef, name: str) -> Optional[FrozenSet[str]]:
    removals = _Removals(name)
    walk(fn.body, removals)
    return frozenset(removals.keys) if removals.keys is not None else None


def config_literals(fn: cst.FunctionDef, adding: FrozenSet[str]) -> List[Tuple[int, cst.Dict]]:
    """The dict literals whose keys end up in the config ``fn`` returns, each with
    the index of its top-level statement: the returned literal, the literals a
    returned local is assigned or updated with, through ``{**a, **b}``,
    ``dict(a, **b)`` and ``dict(list(a.items()) + list(b.items()))``, each local
    as it is where it is read. A local assigned more than once, or that loses one
    of the keys in ``adding`` (``config.pop(key)``), contributes none."""
    returned = final_return(fn)
    last = len(top_statements(fn)) - 1
    found: List[Tuple[int, cst.Dict]] = []
    seen: Set[str] = set()

    def resolve(node: cst.BaseExpression, index: int) -> None:
        if isinstance(node, cst.Dict):
            found.append((index, node))
            for element in node.elements:
                if isinstance(element, cst.StarredDictElement):
                    resolve(element.value, index)
        elif isinstance(node, cst.Name) and node.value not in seen:
            seen.add(node.value)
            removed = removed_keys(fn, node.value)
            if removed is None or removed & adding:
                return
            try:
                at, value = single_assignment(fn, node.value)
            except CannotFix:
                return
            if at >= index:
                return
            resolve(value, at)
            # An update after this use (``config = {**base}; base.update(...)``)
            # does not reach the config.
            found.extend(pair for pair in _update_literals(fn, node.value) if pair[0] < index)
        elif isinstance(node, cst.Call):
            name = cst_dotted(node.func)
            if name == "dict":
                for arg in node.args:
                    if arg.keyword is None and arg.star in ("", "**"):
                        resolve(arg.value, index)
            elif name == "list" and len(node.args) == 1:
                mapping = items_of(node.args[0].value)
                if mapping is not None:
                    resolve(mapping, index)
        elif isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.Add, cst.BitOr)
        ):
            resolve(node.left, index)
            resolve(node.right, index)

    resolve(returned, last)
    return found


# --- writing dict literals ----------------------------------------------------


def _separator(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The line break and indentation of ``whitespace`` without its comments (a
    single space on one line)."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return cst.SimpleWhitespace(" ")


def prepend_element(literal: cst.Dict, element: cst.BaseDictElement) -> cst.Dict:
    """``element`` first in ``literal``, on its own line when the literal has one
    element per line; comments above the old first element stay above it."""
    if not literal.elements:
        return literal.with_changes(
            elements=(element.with_changes(comma=cst.MaybeSentinel.DEFAULT),)
        )
    lead = literal.lbrace.whitespace_after
    lbrace = literal.lbrace
    after: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
    if isinstance(lead, cst.ParenthesizedWhitespace):
        after = lead.with_changes(first_line=cst.TrailingWhitespace())
        lbrace = lbrace.with_changes(whitespace_after=lead.with_changes(empty_lines=()))
    first = element.with_changes(comma=cst.Comma(whitespace_after=after))
    return literal.with_changes(lbrace=lbrace, elements=(first, *literal.elements))


def append_element(literal: cst.Dict, element: cst.BaseDictElement) -> cst.Dict:
    """``element`` last in ``literal``, laid out like the elements before it (a
    trailing comma kept, a comment after the old last element left on its line)."""
    elements = list(literal.elements)
    if not elements:
        return literal.with_changes(elements=(element,))
    last = elements[-1]
    before = elements[-2].comma if len(elements) > 1 else None
    source = before.whitespace_after if isinstance(before, cst.Comma) else None
    separator = _separator(source or literal.lbrace.whitespace_after)
    closing = literal.rbrace.whitespace_before
    rbrace = literal.rbrace
    if isinstance(separator, cst.ParenthesizedWhitespace) and isinstance(
        closing, cst.ParenthesizedWhitespace
    ):
        separator = separator.with_changes(first_line=closing.first_line)
        rbrace = rbrace.with_changes(
            whitespace_before=closing.with_changes(first_line=cst.TrailingWhitespace())
        )
    if isinstance(last.comma, cst.Comma):
        new_last = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator))
        added = element.with_changes(comma=cst.Comma(whitespace_after=last.comma.whitespace_after))
    else:
        new_last = last.with_changes(comma=cst.Comma(whitespace_after=separator))
        added = element.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return literal.with_changes(elements=(*elements[:-1], new_last, added), rbrace=rbrace)


def _prepend_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    lead = call.whitespace_before_args
    after: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
    if isinstance(lead, cst.ParenthesizedWhitespace):
        after = lead.with_changes(first_line=cst.TrailingWhitespace())
        call = call.with_changes(whitespace_before_args=lead.with_changes(empty_lines=()))
    return call.with_changes(
        args=(arg.with_changes(comma=cst.Comma(whitespace_after=after)), *call.args)
    )


def _one_line(literal: cst.Dict) -> bool:
    return "\n" not in code_of(literal)


def one_per_line(literal: cst.Dict, unit: str) -> cst.Dict:
    """``literal`` with each element on its own line, ``unit`` deeper than the
    statement, and a trailing comma."""
    line = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(unit))
    elements = [e.with_changes(comma=cst.Comma(whitespace_after=line)) for e in literal.elements]
    elements[-1] = elements[-1].with_changes(comma=cst.Comma())
    return literal.with_changes(
        lbrace=literal.lbrace.with_changes(whitespace_after=line),
        elements=elements,
        rbrace=literal.rbrace.with_changes(
            whitespace_before=cst.ParenthesizedWhitespace(indent=True)
        ),
    )


def fitted(
    method: Method, fn: cst.FunctionDef, target: cst.BaseExpression, new: cst.BaseExpression
) -> cst.FunctionDef:
    """``fn`` with ``target`` replaced by ``new``; a dict literal that would make a
    line longer than ``LINE_LIMIT`` (or than the longest line already there) is
    written one element per line instead."""
    parsed = snippet(method)
    if parsed is None:
        raise CannotFix("the method's source is not available")
    module: cst.Module = parsed.module

    def longest(node: cst.FunctionDef) -> int:
        lines = module.code_for_node(node).splitlines()
        return method.pos.col + max((len(line) for line in lines), default=0)

    updated = fn.deep_replace(target, new)
    assert isinstance(updated, cst.FunctionDef)
    if (
        isinstance(new, cst.Dict)
        and len(new.elements) > 1
        and _one_line(new)
        and longest(updated) > max(LINE_LIMIT, longest(fn))
    ):
        assert isinstance(fn.body, cst.IndentedBlock)
        unit = fn.body.indent if fn.body.indent is not None else module.default_indent
        updated = fn.deep_replace(target, one_per_line(new, unit))
        assert isinstance(updated, cst.FunctionDef)
    return updated


# --- the fix -----------------------------------------------------------------


def _merged(value: cst.BaseExpression) -> cst.BaseExpression:
    """``value`` (a config) with the base config under it."""
    base = cst.parse_expression(SUPER_CONFIG)
    if isinstance(value, cst.Dict):
        if not value.elements and not value.lpar:
            return base
        return prepend_element(value, cst.StarredDictElement(base))
    if isinstance(value, cst.Attribute):  # ``self._config_dict``
        return cst.parse_expression(f"{{**{SUPER_CONFIG}, **{code_of(value)}}}")
    if isinstance(value, cst.Call) and cst_dotted(value.func) == "dict":
        positional = [arg for arg in value.args if arg.keyword is None and not arg.star]
        if not positional:
            # ``dict(a=..., **b)``: its keywords override a leading mapping.
            return _prepend_arg(value, cst.Arg(base))
        if len(value.args) == 1 and isinstance(positional[0].value, (cst.Name, cst.Attribute)):
            return cst.parse_expression(f"{{**{SUPER_CONFIG}, **{code_of(positional[0].value)}}}")
        raise CannotFix("get_config() returns a dict(...) of a shape the fix does not rewrite")
    raise CannotFix(
        f"get_config() returns {code_of(value).splitlines()[0][:40]!r}, a shape the fix "
        "does not rewrite"
    )


def _start_from_super(method: Method) -> Callable[[cst.FunctionDef], cst.FunctionDef]:
    def transform(fn: cst.FunctionDef) -> cst.FunctionDef:
        returned = final_return(fn)
        if isinstance(returned, cst.Name):
            _, value = single_assignment(fn, returned.value)
        else:
            value = returned
        # The only edit, by identity on the original tree.
        return fitted(method, fn, value, _merged(value))

    return transform


def _concrete_base(layer: LayerClass) -> str:
    """Why a Keras base's own ``get_config`` is not ``Layer``'s, or ""."""
    for path in inherited_keras_bases(layer):
        name = path.rsplit(".", 1)[-1]
        if name == _ROOT_LAYER:
            continue
        if ".models." in f".{path}":
            # ``keras_hub.models.Backbone`` and the like: models that the rule takes
            # for layers, whose config is a model's.
            return f"{path} is a model, whose get_config() is not Layer's"
        return f"super().get_config() would also save the arguments of {name}"
    return ""


def _explicit_super_keywords(layer: LayerClass) -> FrozenSet[str]:
    """Keywords ``__init__`` passes to ``super().__init__`` by name."""
    init = layer.init
    if init is None or init.super_call is None:
        return frozenset()
    return frozenset(arg.keyword.value for arg in twin(init.super_call).args if arg.keyword)


def _why_not(layer: LayerClass, accepted: Optional[FrozenSet[str]]) -> str:
    """Why merging the base config would change what reload rebuilds, or ""."""
    inherited = super_config_keys(layer)
    if inherited is None:
        return "the keys of a base class's get_config() cannot be read (merge it by hand)"
    concrete = _concrete_base(layer)
    if concrete:
        return f"{concrete} (merge it by hand)"
    assert layer.config is not None and layer.config.value is not None
    added = inherited - layer.config.value.keys
    if accepted is not None and added - accepted:
        refused = ", ".join(sorted(added - accepted))
        return (
            f"__init__ does not accept {refused} (no **kwargs passed on to "
            "super().__init__), so reload would fail"
        )
    params = {p.name for p in layer.init.method.params} if layer.init else set()
    doubled = sorted((added - KERAS_KEYWORDS) & (_explicit_super_keywords(layer) - params))
    if doubled:
        return (
            f"__init__ passes {', '.join(doubled)} to super().__init__ itself, which "
            "super().get_config() saves too"
        )
    return ""


def fix_config_without_super(finding: Finding) -> FixOutcome:
    subject = finding.subject
    assert subject is not None and subject.method is not None
    why = _why_not(subject.cls, subject.get("accepted"))
    if why:
        return Declined(why)
    return method_fix(subject.method, _start_from_super(subject.method))


FIXES: Dict[str, FixFunction] = {"KLB205": fix_config_without_super}
