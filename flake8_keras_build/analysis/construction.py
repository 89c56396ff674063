"""Facts about construction and serialization: ``__init__`` and ``get_config``.

``get_config`` is read by a small abstract interpreter over its straight-line code:
it tracks which keys each local dict holds, and gives up (``None``) on anything it
cannot follow, so rules only judge configs whose keys are all visible.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set

import libcst as cst

from .. import keras_api
from ..model import (
    ConfigFacts,
    ConfigValue,
    EarlyFact,
    InitFacts,
    LayerClass,
    Method,
    Pos,
)
from .methods import cst_dotted
from .walk import Visitor, walk

_EMPTY: FrozenSet[str] = frozenset()
_GRAPH_KEYWORDS = frozenset({"inputs", "outputs"})


class _Names(Visitor):
    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        # ``self.config.name`` uses ``self``, not variables called ``config``/``name``.
        walk(node.value, self)
        return False


def names_in(node: cst.CSTNode) -> Set[str]:
    visitor = _Names()
    walk(node, visitor)
    return visitor.names


def string_value(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _is_name(node: cst.BaseExpression, name: Optional[str]) -> bool:
    return name is not None and isinstance(node, cst.Name) and node.value == name


# --- __init__ ---------------------------------------------------------------


class _KwargsUse(Visitor):
    """How ``__init__`` uses its ``**kwargs`` mapping."""

    def __init__(self, kwargs: str) -> None:
        self.kwargs = kwargs
        self.read: Set[str] = set()
        self.folded: Set[str] = set()
        self.derived: Set[str] = {kwargs}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            t = target.target
            if isinstance(t, cst.Subscript) and _is_name(t.value, self.kwargs):
                self.folded |= names_in(node.value)
            elif isinstance(t, cst.Name) and names_in(node.value) & self.derived:
                # ``filtered = {k: v for k, v in kwargs.items() if ...}``
                self.derived.add(t.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and _is_name(func.value, self.kwargs)):
            return
        method = func.attr.value
        if method in {"pop", "get", "setdefault"} and node.args:
            key = string_value(node.args[0].value)
            if key is not None:
                self.read.add(key)
        if method in {"update", "setdefault"}:
            for arg in node.args:
                self.folded |= names_in(arg.value)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if _is_name(node.value, self.kwargs) and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index):
                key = string_value(index.value)
                if key is not None:
                    self.read.add(key)


class _Derivations(Visitor):
    """``local = <expr>`` in ``__init__``: which names each local is computed from."""

    def __init__(self) -> None:
        self.sources: Dict[str, Set[str]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        used = names_in(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.sources.setdefault(target.target.value, set()).update(used)

    def closure(self, names: Set[str], params: Set[str]) -> Set[str]:
        """``names`` and every name the locals among them were computed from,
        transitively. A reassigned parameter (``dtype = dtype or floatx()``) is not
        expanded: passing it on does not pass on what it was recomputed from."""
        found = set(names)
        queue = [n for n in names if n not in params]
        while queue:
            for source in self.sources.get(queue.pop(), ()):
                if source not in found:
                    found.add(source)
                    if source not in params:
                        queue.append(source)
        return found


def init_facts(layer: LayerClass) -> Optional[InitFacts]:
    init = layer.methods.get("__init__")
    if init is None:
        return None
    super_calls = [
        c for c in init.calls if c.attr == "__init__" and c.receiver in {"super", "base"}
    ]
    arg_names: Set[str] = set()
    graph_names: Set[str] = set()
    for call in super_calls:
        positional = 0
        for arg in call.node.args:
            keyword = arg.keyword.value if arg.keyword else None
            # ``Model.__init__(inputs, outputs)``: the functional form, by keyword or
            # position (after ``self`` in ``Model.__init__(self, inputs, outputs)``).
            graph = keyword in _GRAPH_KEYWORDS
            if keyword is None and not arg.star:
                index = positional - (1 if call.receiver == "base" else 0)
                graph = layer.kind == "model" and index in (0, 1)
                positional += 1
            (graph_names if graph else arg_names).update(names_in(arg.value))
    # A parameter is passed on also through a local computed from it:
    # ``size = tuple(output_size); super().__init__(size)``. Not through a functional
    # model's ``inputs=``/``outputs=``: they carry the graph every argument built.
    derivations = _Derivations()
    walk(init.node.body, derivations)
    arg_names = derivations.closure(arg_names, {p.name for p in init.params}) | graph_names
    kwargs = next((p.name for p in init.params if p.kind == "varkw"), None)
    use = _KwargsUse(kwargs) if kwargs else None
    if use is not None:
        walk(init.node.body, use)
    super_call = super_calls[0] if super_calls else None
    return InitFacts(
        method=init,
        super_call=super_call,
        super_arg_names=frozenset(arg_names),
        kwargs=kwargs,
        kwargs_forwarded=bool(use and use.derived & arg_names),
        kwargs_read=frozenset(use.read) if use else _EMPTY,
        kwargs_folded=frozenset(use.folded) if use else _EMPTY,
        early=_early_facts(layer, init, super_call.pos if super_call else None),
    )


def _early_facts(layer: LayerClass, init: Method, super_pos: Optional[Pos]) -> List[EarlyFact]:
    """Keras state touched before ``super().__init__()`` (KLB202)."""
    if super_pos is None:
        return []
    cut = (super_pos.line, super_pos.col)
    early: List[EarlyFact] = []
    for call in init.calls:
        if (call.pos.line, call.pos.col) >= cut:
            continue
        if (
            call.receiver == "self"
            and call.attr in keras_api.LAYER_METHODS
            and call.attr not in layer.methods
        ):
            early.append(EarlyFact(call.stmt_pos, f"self.{call.attr}()", "method"))
        elif call.creates == "layer" and call.stored_on_self and layer.kind == "model":
            early.append(
                EarlyFact(call.stmt_pos, f"self.{call.stored_on_self.rstrip('[]')}", "sublayer")
            )
    for assign in init.assigns:
        if (assign.pos.line, assign.pos.col) < cut and assign.attr in keras_api.OWNED_ATTRIBUTES:
            early.append(EarlyFact(assign.pos, f"self.{assign.attr}", "attribute"))
    early.sort(key=lambda e: (e.pos.line, e.pos.col))
    return early


# --- get_config -------------------------------------------------------------


def _merge(a: Optional[ConfigValue], b: Optional[ConfigValue]) -> Optional[ConfigValue]:
    if a is None or b is None:
        return None
    return ConfigValue(a.keys | b.keys, a.from_super or b.from_super)


def items_of(node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """``m`` for ``m.items()``, else None."""
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "items"
        and not node.args
    ):
        return node.func.value
    return None


def _is_super_config(node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return False
    if node.func.attr.value != "get_config":
        return False
    receiver = node.func.value
    if isinstance(receiver, cst.Call) and _is_name(receiver.func, "super"):
        return True
    # ``Base.get_config(self)``
    return (
        bool(node.args)
        and _is_name(node.args[0].value, "self")
        and cst_dotted(receiver) is not None
    )


class _ConfigInterpreter:
    def __init__(self, self_dicts: Dict[str, Optional[FrozenSet[str]]]) -> None:
        self.env: Dict[str, Optional[ConfigValue]] = {}
        self.self_dicts = self_dicts
        self.returned: List[Optional[ConfigValue]] = []

    def value(self, node: cst.BaseExpression) -> Optional[ConfigValue]:
        if isinstance(node, cst.Dict):
            return self._dict(node)
        if isinstance(node, cst.Name):
            return self.env.get(node.value)
        if isinstance(node, cst.Attribute) and _is_name(node.value, "self"):
            keys = self.self_dicts.get(node.attr.value)
            return ConfigValue(keys, False) if keys is not None else None
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, (cst.BitOr, cst.Add)
        ):
            return _merge(self.value(node.left), self.value(node.right))
        if isinstance(node, cst.Call):
            return self._call(node)
        return None

    def _dict(self, node: cst.Dict) -> Optional[ConfigValue]:
        result: Optional[ConfigValue] = ConfigValue(_EMPTY, False)
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                result = _merge(result, self.value(element.value))
            elif isinstance(element, cst.DictElement):
                key = string_value(element.key)
                if key is None:
                    return None
                result = _merge(result, ConfigValue(frozenset({key}), False))
            else:
                return None
        return result

    def _call(self, node: cst.Call) -> Optional[ConfigValue]:
        if _is_super_config(node):
            return ConfigValue(_EMPTY, True)
        func = node.func
        name = cst_dotted(func)
        if name == "dict":
            result: Optional[ConfigValue] = ConfigValue(_EMPTY, False)
            for arg in node.args:
                if arg.keyword is not None:
                    result = _merge(result, ConfigValue(frozenset({arg.keyword.value}), False))
                elif arg.star == "**" or arg.star == "":
                    result = _merge(result, self.value(arg.value))
                else:
                    return None
            return result
        if name == "list" and len(node.args) == 1:
            # ``list(config.items())``, one half of the tf-keras merging idiom.
            mapping = items_of(node.args[0].value)
            return None if mapping is None else self.value(mapping)
        if name in {"copy.copy", "copy.deepcopy"} and len(node.args) == 1:
            return self.value(node.args[0].value)
        if isinstance(func, cst.Attribute) and func.attr.value == "copy" and not node.args:
            return self.value(func.value)
        return None

    def run(self, body: cst.BaseSuite) -> Optional[ConfigValue]:
        self._block(body, skip_docstring=True)
        if not self.returned:
            return None
        # Several returns (branches): every key any path emits. That keeps KLB206
        # (a key saved on some path is not reported missing) and KLB205 (a "name"
        # on some path) conservative, and KLB207 reports a key some path emits.
        result = self.returned[0]
        for other in self.returned[1:]:
            result = _merge(result, other)
        return result

    def _block(self, body: cst.BaseSuite, skip_docstring: bool = False) -> None:
        statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
        for index, stmt in enumerate(statements):
            if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                for small in stmt.body:
                    if (
                        skip_docstring
                        and index == 0
                        and isinstance(small, cst.Expr)
                        and isinstance(small.value, cst.SimpleString)
                    ):
                        continue
                    self._small(small)
            elif isinstance(stmt, cst.If):
                self._if(stmt)
            else:
                self._opaque(stmt)

    def _if(self, node: cst.If) -> None:
        """Both branches from the same state; afterwards each dict holds the keys of
        either branch."""
        before = dict(self.env)
        self._block(node.body)
        after_body, self.env = self.env, dict(before)
        if isinstance(node.orelse, cst.If):
            self._if(node.orelse)
        elif isinstance(node.orelse, cst.Else):
            self._block(node.orelse.body)
        after_else = self.env
        merged: Dict[str, Optional[ConfigValue]] = {}
        for name in set(after_body) | set(after_else):
            if name in after_body and name in after_else:
                merged[name] = _merge(after_body[name], after_else[name])
            else:
                merged[name] = after_body.get(name, after_else.get(name))
        self.env = merged

    def _opaque(self, stmt: cst.CSTNode) -> None:
        """A statement we do not follow: every dict it mentions becomes unknown,
        and a return inside it makes the whole result unknown."""
        for name in names_in(stmt) & set(self.env):
            self.env[name] = None
        if _contains_return(stmt):
            self.returned.append(None)

    def _small(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.Return):
            self.returned.append(self.value(small.value) if small.value else None)
        elif isinstance(small, cst.Assign) and len(small.targets) == 1:
            self._assign(small.targets[0].target, small.value, small)
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            self._assign(small.target, small.value, small)
        elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            self._method_call(small.value, small)
        elif isinstance(small, cst.Pass):
            return
        else:
            self._opaque(small)

    def _assign(
        self, target: cst.BaseExpression, value: cst.BaseExpression, stmt: cst.CSTNode
    ) -> None:
        if isinstance(target, cst.Name):
            self.env[target.value] = self.value(value)
            return
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            name = target.value.value
            index = target.slice[0].slice if len(target.slice) == 1 else None
            key = string_value(index.value) if isinstance(index, cst.Index) else None
            if name in self.env:
                added = ConfigValue(frozenset({key}), False) if key is not None else None
                self.env[name] = _merge(self.env[name], added)
            return
        self._opaque(stmt)

    def _method_call(self, call: cst.Call, stmt: cst.CSTNode) -> None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            self._opaque(stmt)
            return
        name, method = func.value.value, func.attr.value
        if name not in self.env:
            self._opaque(stmt)
            return
        if method == "update":
            added: Optional[ConfigValue] = ConfigValue(_EMPTY, False)
            for arg in call.args:
                if arg.keyword is not None:
                    added = _merge(added, ConfigValue(frozenset({arg.keyword.value}), False))
                else:
                    added = _merge(added, self.value(arg.value))
            self.env[name] = _merge(self.env[name], added)
        elif method == "pop" and call.args and string_value(call.args[0].value) is not None:
            current = self.env[name]
            key = string_value(call.args[0].value)
            if current is not None:
                self.env[name] = ConfigValue(current.keys - {key or ""}, current.from_super)
        else:
            self._opaque(stmt)


class _HasReturn(Visitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Return(self, node: cst.Return) -> None:
        self.found = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's return is not ours

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _contains_return(node: cst.CSTNode) -> bool:
    visitor = _HasReturn()
    walk(node, visitor)
    return visitor.found


def self_dict_keys(layer: LayerClass) -> Dict[str, Optional[FrozenSet[str]]]:
    """For each ``self.<attr>``: the keys when every assignment to it in the class is
    a dict literal with literal keys, else None."""
    found: Dict[str, Optional[FrozenSet[str]]] = {}
    empty_env = _ConfigInterpreter({})
    for method in layer.methods.values():
        for assign in method.assigns:
            node = assign.node
            value = getattr(node, "value", None)
            keys: Optional[FrozenSet[str]] = None
            if value is not None and not assign.augmented:
                parsed = empty_env.value(value)
                keys = parsed.keys if parsed is not None and not parsed.from_super else None
            if assign.attr in found and found[assign.attr] != keys:
                keys = None
            found[assign.attr] = keys
    return found


def config_facts(layer: LayerClass) -> Optional[ConfigFacts]:
    method = layer.methods.get("get_config")
    if method is None:
        return None
    calls_super = method.calls_super("get_config")
    interpreter = _ConfigInterpreter(self_dict_keys(layer))
    return ConfigFacts(method.pos, calls_super, interpreter.run(method.node.body))
