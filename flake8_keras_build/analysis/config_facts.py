"""Facts about ``get_config``: the keys of the config it returns, where visible.

``get_config`` is read by a small abstract interpreter over its straight-line code:
it tracks which keys each local dict holds, and gives up (``None``) on anything it
cannot follow, so rules only judge configs whose keys are all visible. It reads the
``ast`` trees flake8 hands the plugin: this runs on every layer class of every file.
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from ..model import ConfigFacts, ConfigValue, LayerClass, Method
from ..names import ast_dotted
from .ast_walk import children
from .expressions import index_key, is_name, string_value

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
    if isinstance(receiver, ast.Call) and is_name(receiver.func, "super"):
        return True
    # ``Base.get_config(self)``
    return bool(node.args) and is_name(node.args[0], "self") and ast_dotted(receiver) is not None


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
        if isinstance(node, ast.Attribute) and is_name(node.value, "self"):
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
            and is_name(func.value, "self")
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
            key = index_key(target)
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
