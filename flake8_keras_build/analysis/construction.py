"""Facts about construction and serialization: ``__init__`` and ``get_config``.

``get_config`` is read by a small abstract interpreter over its straight-line code:
it tracks which keys each local dict holds, and gives up (``None``) on anything it
cannot follow, so rules only judge configs whose keys are all visible.

Everything here reads the ``ast`` trees flake8 hands the plugin (``Method.tree``,
``CallFact.tree``, ``AssignFact.tree``): this runs on every layer class of every
file, where libcst must not even be imported. The fixes, which rewrite libcst
trees, have their own libcst twins of the helpers they need (``fixes/cst_names``).
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

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
from ..names import ast_dotted
from .ast_walk import children

_EMPTY: FrozenSet[str] = frozenset()
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_MATCH_BINDERS = tuple(  # Python 3.10+
    getattr(ast, name) for name in ("MatchAs", "MatchStar", "MatchMapping") if hasattr(ast, name)
)
# Nodes that bind a name given as a string, not as a ``Name`` (libcst has a ``Name``
# there): ``def config``, ``import config``, ``except E as config``, ``global config``,
# a ``match`` capture. A statement that rebinds a tracked dict makes it unknown.
_BINDERS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Import,
    ast.ImportFrom,
    ast.ExceptHandler,
    ast.Global,
    ast.Nonlocal,
    *_MATCH_BINDERS,
)


def _add_names(node: ast.AST, names: Set[str]) -> None:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            # ``self.config.name`` uses ``self``, not variables called ``config``/``name``.
            stack.append(node.value)
        else:
            stack.extend(children(node))


def names_in(node: ast.AST) -> Set[str]:
    """Every ``Name`` in ``node`` (of an attribute chain only its root). Keywords,
    parameters and attributes are strings in ``ast``, not names: not included."""
    names: Set[str] = set()
    _add_names(node, names)
    return names


def string_value(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_name(node: ast.AST, name: Optional[str]) -> bool:
    return name is not None and isinstance(node, ast.Name) and node.id == name


def _plain_index(node: ast.Subscript) -> Optional[ast.expr]:
    """The index of ``a[<index>]``; None for ``a[x, y]`` and slices."""
    index = node.slice
    return None if isinstance(index, (ast.Tuple, ast.Slice)) else index


def _index_key(node: ast.Subscript) -> Optional[str]:
    """``"k"`` for ``a["k"]``."""
    index = _plain_index(node)
    return None if index is None else string_value(index)


# --- __init__ ---------------------------------------------------------------


class _InitScan:
    """One walk over ``__init__``'s body, in source order: which names each local is
    computed from (``local = <expr>``), and how ``__init__`` uses its ``**kwargs``
    mapping (``kwargs`` None: it has none)."""

    def __init__(self, kwargs: Optional[str]) -> None:
        self.kwargs = kwargs
        self.sources: Dict[str, Set[str]] = {}
        self.read: Set[str] = set()
        self.folded: Set[str] = set()
        self.derived: Set[str] = {kwargs} if kwargs is not None else set()

    def scan(self, body: Sequence[ast.stmt]) -> None:
        # Depth first, children in field order: the assignments come in source order,
        # which ``derived`` relies on (a mapping made from one made from ``kwargs``).
        stack: List[ast.AST] = list(reversed(body))
        kwargs = self.kwargs
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Assign):
                self._assign(node)
            elif kwargs is not None:
                if isinstance(node, ast.Call):
                    self._call(node, kwargs)
                elif isinstance(node, ast.Subscript) and _is_name(node.value, kwargs):
                    key = _index_key(node)
                    if key is not None:
                        self.read.add(key)
            found = children(node)
            if kwargs is None:
                # Only assignments are looked at then, and no statement is inside an
                # expression: the expressions need no walk.
                found = [child for child in found if not isinstance(child, ast.expr)]
            found.reverse()
            stack.extend(found)

    def _assign(self, node: ast.Assign) -> None:
        used = names_in(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.sources.setdefault(target.id, set()).update(used)
        if self.kwargs is None:
            return
        for target in node.targets:
            if isinstance(target, ast.Subscript) and _is_name(target.value, self.kwargs):
                self.folded |= used
            elif isinstance(target, ast.Name) and used & self.derived:
                # ``filtered = {k: v for k, v in kwargs.items() if ...}``
                self.derived.add(target.id)

    def _call(self, node: ast.Call, kwargs: str) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and _is_name(func.value, kwargs)):
            return
        method = func.attr
        if method in {"pop", "get", "setdefault"} and node.args:
            key = string_value(node.args[0])
            if key is not None:
                self.read.add(key)
        if method in {"update", "setdefault"}:
            for arg in node.args:
                _add_names(arg, self.folded)
            for keyword in node.keywords:
                _add_names(keyword.value, self.folded)

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
    # The names of each argument passed by keyword; ``own``: under a keyword that is
    # one of the names themselves, or by position, ``*`` or ``**`` (kept by name).
    keyword_names: List[Tuple[str, Set[str]]] = []
    own: Set[str] = set()
    functional = False
    for call in super_calls:
        node = call.tree
        assert node is not None  # the analysis runs before any tree is dropped
        positional = 0
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                _add_names(arg.value, arg_names)
                _add_names(arg.value, own)
                functional = functional or layer.kind == "model"
                continue
            # ``Model.__init__(inputs, outputs)``: the functional form, by keyword or
            # position (after ``self`` in ``Model.__init__(self, inputs, outputs)``).
            index = positional - (1 if call.receiver == "base" else 0)
            graph = layer.kind == "model" and index in (0, 1)
            functional = functional or graph
            positional += 1
            _add_names(arg, graph_names if graph else arg_names)
            _add_names(arg, own)
        for keyword in node.keywords:
            graph = keyword.arg is not None and keyword.arg in keras_api.FUNCTIONAL_KEYWORDS
            functional = functional or graph
            _add_names(keyword.value, graph_names if graph else arg_names)
            if keyword.arg is None or graph:
                _add_names(keyword.value, own)
            else:
                keyword_names.append((keyword.arg, names_in(keyword.value)))
    kwargs = next((p.name for p in init.params if p.kind == "varkw"), None)
    # A parameter is passed on also through a local computed from it:
    # ``size = tuple(output_size); super().__init__(size)``. Not through a functional
    # model's ``inputs=``/``outputs=``: they carry the graph every argument built.
    scan = _InitScan(kwargs)
    assert init.tree is not None
    scan.scan(init.tree.body)
    params = {p.name for p in init.params}
    arg_names = scan.closure(arg_names, params) | graph_names
    arguments = {p.name for p in init.params[1:]}  # not ``self``
    renamed = _renamed(keyword_names, scan.closure(own, params), scan, arguments)
    has_kwargs = kwargs is not None
    super_call = super_calls[0] if super_calls else None
    return InitFacts(
        method=init,
        super_call=super_call,
        super_arg_names=frozenset(arg_names),
        super_renamed=renamed,
        functional=functional,
        kwargs=kwargs,
        kwargs_forwarded=has_kwargs and bool(scan.derived & arg_names),
        kwargs_read=frozenset(scan.read) if has_kwargs else _EMPTY,
        kwargs_folded=frozenset(scan.folded) if has_kwargs else _EMPTY,
        early=_early_facts(layer, init, super_call.pos if super_call else None),
    )


def _renamed(
    keyword_names: List[Tuple[str, Set[str]]], own: Set[str], scan: _InitScan, params: Set[str]
) -> Dict[str, str]:
    """Parameters passed to ``super().__init__`` only under another keyword, with
    that keyword (the first one): ``super().__init__(units=size)`` gives
    ``{"size": "units"}``. A base that saves its config saves ``units``, not ``size``
    (RULES v1.2, KLB204)."""
    renamed: Dict[str, str] = {}
    for keyword, names in keyword_names:
        for name in sorted(scan.closure(names, params) & params):
            if name == keyword:
                own.add(name)
            else:
                renamed.setdefault(name, keyword)
    return {name: keyword for name, keyword in renamed.items() if name not in own}


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
        elif layer.kind == "model" and call.stored_on_self and call.creates == "layer":
            early.append(
                EarlyFact(call.stmt_pos, f"self.{call.stored_on_self.rstrip('[]')}", "sublayer")
            )
    params = {p.name for p in init.params[1:]}
    for assign in init.assigns:
        if (assign.pos.line, assign.pos.col) >= cut:
            continue
        if assign.attr in keras_api.OWNED_ATTRIBUTES:
            early.append(EarlyFact(assign.pos, f"self.{assign.attr}", "attribute"))
        elif layer.kind == "model" and not assign.augmented and assign.value_text in params:
            # ``self.backbone = backbone``: a layer only if the caller passes one.
            early.append(EarlyFact(assign.pos, f"self.{assign.attr}", "parameter"))
    early.sort(key=lambda e: (e.pos.line, e.pos.col))
    return early


# --- get_config -------------------------------------------------------------


def _merge(a: Optional[ConfigValue], b: Optional[ConfigValue]) -> Optional[ConfigValue]:
    if a is None or b is None:
        return None
    return ConfigValue(a.keys | b.keys, a.from_super or b.from_super)


def _key(name: str) -> ConfigValue:
    return ConfigValue(frozenset({name}), False)


def items_of(node: ast.AST) -> Optional[ast.expr]:
    """``m`` for ``m.items()``, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "items"
        and not node.args
        and not node.keywords
    ):
        return node.func.value
    return None


def _is_super_config(node: ast.Call) -> bool:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr != "get_config":
        return False
    receiver = func.value
    if isinstance(receiver, ast.Call) and _is_name(receiver.func, "super"):
        return True
    # ``Base.get_config(self)``
    return bool(node.args) and _is_name(node.args[0], "self") and ast_dotted(receiver) is not None


def _single_argument(node: ast.Call) -> Optional[ast.expr]:
    """``x`` for ``f(x)``, else None."""
    if len(node.args) != 1 or node.keywords:
        return None
    return node.args[0]


def _scan_statement(stmt: ast.stmt) -> Tuple[Set[str], bool]:
    """The names a statement mentions or binds, and whether it returns (a ``return``
    outside the functions and lambdas it defines)."""
    names: Set[str] = set()
    returns = False
    stack: List[Tuple[ast.AST, bool]] = [(stmt, False)]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, ast.Name):
            names.add(node.id)
            continue
        if isinstance(node, ast.Attribute):
            stack.append((node.value, nested))
            continue
        if isinstance(node, ast.Return) and not nested:
            returns = True
        elif isinstance(node, _BINDERS):
            _add_bound(node, names)
        inner = nested or isinstance(node, _SCOPES)  # a nested function's return is not ours
        stack.extend((child, inner) for child in children(node))
    return names, returns


def _add_bound(node: ast.AST, names: Set[str]) -> None:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if alias.name != "*":
                names.add(alias.asname or alias.name.split(".")[0])
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        names.update(node.names)
    else:
        for field in ("name", "rest"):
            name = getattr(node, field, None)
            if isinstance(name, str):
                names.add(name)


class _ConfigInterpreter:
    """``helpers``: the class's methods whose ``self.<m>()`` result is followed (a
    config built by a helper of its own); ``seen`` guards against recursion."""

    def __init__(
        self,
        self_dicts: Dict[str, Optional[FrozenSet[str]]],
        helpers: Optional[Dict[str, Method]] = None,
        seen: FrozenSet[str] = _EMPTY,
    ) -> None:
        self.env: Dict[str, Optional[ConfigValue]] = {}
        self.self_dicts = self_dicts
        self.helpers = helpers or {}
        self.seen = seen
        self.returned: List[Optional[ConfigValue]] = []

    def value(self, node: ast.AST) -> Optional[ConfigValue]:
        if isinstance(node, ast.Dict):
            return self._dict(node)
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if isinstance(node, ast.Attribute) and _is_name(node.value, "self"):
            keys = self.self_dicts.get(node.attr)
            return ConfigValue(keys, False) if keys is not None else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Add)):
            return _merge(self.value(node.left), self.value(node.right))
        if isinstance(node, ast.Call):
            return self._call(node)
        return None

    def _dict(self, node: ast.Dict) -> Optional[ConfigValue]:
        result: Optional[ConfigValue] = ConfigValue(_EMPTY, False)
        for key_node, value in zip(node.keys, node.values):
            if key_node is None:  # ``**mapping``
                result = _merge(result, self.value(value))
                continue
            key = string_value(key_node)
            if key is None:
                return None
            result = _merge(result, _key(key))
        return result

    def _call(self, node: ast.Call) -> Optional[ConfigValue]:
        if _is_super_config(node):
            return ConfigValue(_EMPTY, True)
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and _is_name(func.value, "self")
            and not node.args
            and not node.keywords
        ):
            return self._helper(func.attr)
        name = ast_dotted(func)
        if name == "dict":
            result: Optional[ConfigValue] = ConfigValue(_EMPTY, False)
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    return None
                result = _merge(result, self.value(arg))
            for keyword in node.keywords:
                added = self.value(keyword.value) if keyword.arg is None else _key(keyword.arg)
                result = _merge(result, added)
            return result
        if name == "list":
            # ``list(config.items())``, one half of the tf-keras merging idiom.
            single = _single_argument(node)
            mapping = None if single is None else items_of(single)
            return None if mapping is None else self.value(mapping)
        if name in {"copy.copy", "copy.deepcopy"}:
            single = _single_argument(node)
            return None if single is None else self.value(single)
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "copy"
            and not node.args
            and not node.keywords
        ):
            return self.value(func.value)
        return None

    def _helper(self, name: str) -> Optional[ConfigValue]:
        """What ``self.<name>()`` returns, when it is a method of the class whose
        returned keys are all visible (``return self._make_config()``)."""
        method = self.helpers.get(name)
        if method is None or method.tree is None or name in self.seen:
            return None
        inner = _ConfigInterpreter(self.self_dicts, self.helpers, self.seen | {name})
        return inner.run(method.tree.body)

    def run(self, body: Sequence[ast.stmt]) -> Optional[ConfigValue]:
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

    def _block(self, body: Sequence[ast.stmt], skip_docstring: bool = False) -> None:
        for index, stmt in enumerate(body):
            if (
                skip_docstring
                and index == 0
                and isinstance(stmt, ast.Expr)
                and string_value(stmt.value) is not None
            ):
                continue
            if isinstance(stmt, ast.If):
                self._if(stmt)
            else:
                self._statement(stmt)

    def _if(self, node: ast.If) -> None:
        """Both branches from the same state; afterwards each dict holds the keys of
        either branch. An ``elif`` is an ``if`` alone in the ``else`` block."""
        before = dict(self.env)
        self._block(node.body)
        after_body, self.env = self.env, dict(before)
        self._block(node.orelse)
        after_else = self.env
        merged: Dict[str, Optional[ConfigValue]] = {}
        for name in set(after_body) | set(after_else):
            if name in after_body and name in after_else:
                merged[name] = _merge(after_body[name], after_else[name])
            else:
                merged[name] = after_body.get(name, after_else.get(name))
        self.env = merged

    def _opaque(self, stmt: ast.stmt) -> None:
        """A statement we do not follow: every dict it mentions becomes unknown,
        and a return inside it makes the whole result unknown."""
        names, returns = _scan_statement(stmt)
        for name in names & set(self.env):
            self.env[name] = None
        if returns:
            self.returned.append(None)

    def _statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Return):
            self.returned.append(self.value(stmt.value) if stmt.value else None)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            self._assign(stmt.targets[0], stmt.value, stmt)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self._assign(stmt.target, stmt.value, stmt)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._method_call(stmt.value, stmt)
        elif isinstance(stmt, ast.Pass):
            return
        else:
            self._opaque(stmt)

    def _assign(self, target: ast.expr, value: ast.expr, stmt: ast.stmt) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = self.value(value)
            return
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            name = target.value.id
            key = _index_key(target)
            if name in self.env:
                added = _key(key) if key is not None else None
                self.env[name] = _merge(self.env[name], added)
            return
        self._opaque(stmt)

    def _method_call(self, call: ast.Call, stmt: ast.stmt) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            self._opaque(stmt)
            return
        name, method = func.value.id, func.attr
        if name not in self.env:
            self._opaque(stmt)
            return
        if method == "update":
            added: Optional[ConfigValue] = ConfigValue(_EMPTY, False)
            for arg in call.args:
                added = _merge(added, self.value(arg))
            for keyword in call.keywords:
                more = self.value(keyword.value) if keyword.arg is None else _key(keyword.arg)
                added = _merge(added, more)
            self.env[name] = _merge(self.env[name], added)
        elif method == "pop" and call.args and string_value(call.args[0]) is not None:
            current = self.env[name]
            key = string_value(call.args[0])
            if current is not None:
                self.env[name] = ConfigValue(current.keys - {key or ""}, current.from_super)
        else:
            self._opaque(stmt)


def self_dict_keys(layer: LayerClass) -> Dict[str, Optional[FrozenSet[str]]]:
    """For each ``self.<attr>``: the keys when every assignment to it in the class is
    a dict literal with literal keys, else None."""
    found: Dict[str, Optional[FrozenSet[str]]] = {}
    empty_env = _ConfigInterpreter({})
    for method in layer.methods.values():
        for assign in method.assigns:
            value = getattr(assign.tree, "value", None)
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
    helpers = {name: m for name, m in layer.methods.items() if name not in _NOT_HELPERS}
    interpreter = _ConfigInterpreter(self_dict_keys(layer), helpers, frozenset({"get_config"}))
    assert method.tree is not None
    return ConfigFacts(method.pos, calls_super, interpreter.run(method.tree.body))


# Methods whose result is not a config built by the class itself.
_NOT_HELPERS = frozenset({"__init__", "build", "call", "__call__", "build_from_config"})
