"""What each method of a layer class does: the facts rules read, from flake8's ast.

The facts come from the ``ast`` tree flake8 already has, so linting never parses
with libcst: that parse was most of the plugin's cost. Each fact keeps its ast node;
the fix command asks for the libcst twin of a method or a fact (``cst_view``), which
is parsed then, once per method.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

from ..class_info import ClassInfo
from ..keras_api import WEIGHT_METHODS, is_variable_factory, layer_kind
from ..model import AssignFact, CallFact, Guard, LayerClass, Method, Param, Pos
from ..names import NameTable, ast_dotted
from ..text import source_text
from .ast_walk import children, source_order, walk
from .expressions import target_names
from .layers import ClassIndex
from .method_selection import class_functions, selected_methods

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

_CONTAINER_METHODS = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})


def _is_self(node: ast.AST) -> bool:
    return type(node) is ast.Name and node.id == "self"


def _is_super_call(node: ast.AST) -> bool:
    return type(node) is ast.Call and type(node.func) is ast.Name and node.func.id == "super"


def _checks_built(test: ast.expr, negated: bool) -> bool:
    """``if not <x>.built:`` (or the ``else`` of ``if <x>.built:``)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _checks_built(test.operand, not negated)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return not negated and any(_checks_built(v, negated) for v in test.values)
    if isinstance(test, ast.Attribute) and test.attr == "built":
        return negated
    return False


def _arg_kind(node: ast.expr) -> str:
    if isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
    ):
        return "str"
    if isinstance(node, (ast.Tuple, ast.List)):
        return "sequence"
    return "other"


def _param(arg: ast.arg, kind: str, default: Optional[ast.expr], names: NameTable) -> Param:
    return Param(
        arg.arg,
        kind,
        default is not None,
        value_kind(default, names) if default is not None else "",
        annotation_kind(arg.annotation) if arg.annotation is not None else "",
    )


def _params(node: Function, names: NameTable) -> List[Param]:
    a = node.args
    positional = a.posonlyargs + a.args
    defaults: List[Optional[ast.expr]] = [None] * (len(positional) - len(a.defaults))
    defaults += a.defaults
    params = [_param(arg, "positional", d, names) for arg, d in zip(positional, defaults)]
    if a.vararg is not None:
        params.append(_param(a.vararg, "vararg", None, names))
    params += [_param(arg, "keyword", d, names) for arg, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg is not None:
        params.append(_param(a.kwarg, "varkw", None, names))
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


def value_kind(node: ast.expr, names: Optional[NameTable] = None, depth: int = 0) -> str:
    """ "plain" for values Keras' automatic config saves (numbers, strings, None,
    booleans, containers of them, module-level names bound once to such a value),
    else "object"."""
    if isinstance(node, ast.Constant):
        return "object" if node.value is Ellipsis else "plain"
    if isinstance(node, ast.UnaryOp):
        return value_kind(node.operand, names, depth)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        elements = (e.value if isinstance(e, ast.Starred) else e for e in node.elts)
        kinds = [value_kind(e, names, depth) for e in elements]
        return "object" if "object" in kinds else "plain"
    if isinstance(node, ast.Dict):
        pairs = zip(node.keys, node.values)
        plain = all(k is not None and value_kind(v, names, depth) == "plain" for k, v in pairs)
        return "plain" if plain else "object"
    if isinstance(node, ast.Name):
        if node.id in _PLAIN_NAMES:
            return "plain"
        # RULES v1.2 (KLB204): a name the file binds to plain values only is one of
        # them (``PATCH_SIZE = 6``); one bound to a call, a class, a lambda, imported
        # or not bound in this file may hold an object.
        bound = names.constant(node.id) if names is not None and depth < _MAX_DEPTH else []
        given = {value_kind(value, names, depth + 1) for value in bound}
        return "plain" if given == {"plain"} else "object"
    if isinstance(node, ast.Attribute):
        return "object" if node.attr[:1].isupper() else "plain"
    return "object"  # calls, lambdas, comprehensions, f-strings ...


_MAX_DEPTH = 8  # ``B = A``, ``C = B``...: how far a constant is followed


def annotation_kind(node: ast.expr) -> str:
    """ "plain" when every name in the annotation is a plain type."""
    if isinstance(node, ast.Constant):
        # A string annotation is not followed; ``Tuple[int, ...]``; ``Optional[None]``.
        return (
            "plain"
            if node.value is None or node.value is Ellipsis or isinstance(node.value, str)
            else "object"
        )
    if isinstance(node, ast.Name):
        return "plain" if node.id in _PLAIN_TYPES else "object"
    if isinstance(node, ast.Attribute):
        # ``typing.Optional``/``t.List`` are plain; ``tf.Tensor``, ``keras.layers.Layer`` not.
        return (
            "plain"
            if node.attr in _PLAIN_TYPES
            and isinstance(node.value, ast.Name)
            and node.value.id in {"typing", "t"}
            else "object"
        )
    if isinstance(node, ast.Subscript):
        parts = [annotation_kind(node.value)]
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        parts += [annotation_kind(e) for e in elements if not isinstance(e, ast.Slice)]
        return "object" if "object" in parts else "plain"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        kinds = {annotation_kind(node.left), annotation_kind(node.right)}
        return "object" if "object" in kinds else "plain"
    if isinstance(node, (ast.Tuple, ast.List)):
        kinds = {annotation_kind(e) for e in node.elts}
        return "object" if "object" in kinds else "plain"
    return "object"


# A comprehension binds its targets before its element runs (written first).
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)

_COMPOUND = (
    (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.If,
        ast.For,
        ast.AsyncFor,
        ast.While,
        ast.With,
        ast.AsyncWith,
        ast.Try,
    )
    + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
    + ((ast.Match,) if hasattr(ast, "Match") else ())
)


def _only_raises(node: Function) -> bool:
    body: List[ast.stmt] = list(node.body)
    if any(isinstance(stmt, _COMPOUND) for stmt in body):
        return False
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        body = body[1:]  # the docstring
    return bool(body) and all(isinstance(s, ast.Raise) for s in body)


class _FactWalk:
    """One pass over a method body collecting calls and ``self.<attr>`` assignments,
    with the conditions around them and where their results are stored."""

    def __init__(self, lines: Sequence[str], index: ClassIndex, data: Set[str]) -> None:
        self.lines = lines
        self.index = index
        self.names: NameTable = index.names
        self.calls: List[CallFact] = []
        self.assigns: List[AssignFact] = []
        self._guards: List[Guard] = []
        self._targets: List[Optional[str]] = []
        # The value of each enclosing ``self.<attr> = <value>`` and its attribute.
        self._values: List[Tuple[Optional[ast.expr], Optional[str]]] = []
        self._statements: List[Pos] = []
        self._locals: Set[str] = set()  # names loops have bound so far
        # Names that hold the method's data: its parameters without a default, and
        # the names bound so far to values made from them.
        self._data = data
        self.reads: Dict[str, List[Pos]] = {}

    def body(self, statements: Sequence[ast.AST]) -> None:
        for stmt in statements:
            self.visit(stmt)

    def visit(self, node: ast.AST) -> None:
        node_type = type(node)
        statement = isinstance(node, ast.stmt)
        if statement:
            self._statements.append(Pos(node.lineno, node.col_offset))  # type: ignore[attr-defined]
        if node_type is ast.Call:
            self._call(node)  # type: ignore[arg-type]
        elif node_type is ast.If or node_type is ast.IfExp:
            self._if(node)  # type: ignore[arg-type]
        elif node_type is ast.Assign or node_type is ast.AnnAssign or node_type is ast.AugAssign:
            self._assignment(node)  # type: ignore[arg-type]
        elif node_type is ast.Attribute:
            self._attribute(node)  # type: ignore[arg-type]
        elif node_type is not ast.ClassDef:  # nested classes are analysed on their own
            if node_type is ast.For or node_type is ast.AsyncFor:
                self._loop(node.target, node.iter)  # type: ignore[attr-defined]
            elif node_type in _COMPREHENSIONS:
                for generator in node.generators:  # type: ignore[attr-defined]
                    self._loop(generator.target, generator.iter)
            for child in children(node):
                self.visit(child)
        if statement:
            self._statements.pop()

    def _attribute(self, node: ast.Attribute) -> None:
        """``self.<attr>`` read (KLB304 asks who reads what ``call`` stores)."""
        if _is_self(node.value) and type(node.ctx) is ast.Load:
            self.reads.setdefault(node.attr, []).append(Pos(node.lineno, node.col_offset))
        self.visit(node.value)

    # Guards: which branch of which condition a fact sits in.
    def _if(self, node: Union[ast.If, ast.IfExp]) -> None:
        self.visit(node.test)
        self._guards.append(Guard(_checks_built(node.test, False)))
        if isinstance(node, ast.If):
            self.body(node.body)
        else:
            self.visit(node.body)
        self._guards[-1] = Guard(_checks_built(node.test, True))
        if isinstance(node, ast.If):
            self.body(node.orelse)
        else:
            self.visit(node.orelse)
        self._guards.pop()

    # Assignments to ``self.<attr>``: recorded, and the target is remembered so
    # that a call in the value knows where its result is stored.
    def _self_target(self, target: ast.expr) -> Optional[str]:
        if isinstance(target, ast.Subscript):
            # ``self.blocks[name] = Dense(...)`` stores on ``self.blocks``.
            container = self._self_target(target.value)
            return f"{container}[]" if container else None
        if isinstance(target, ast.Attribute) and _is_self(target.value):
            return target.attr
        return None

    def _loop(self, target: ast.expr, iterated: ast.expr) -> None:
        self._bind(target)
        if _mentions(iterated, self._data):
            self._data.update(target_names(target))

    def _bind(self, target: ast.expr) -> None:
        """Names a loop binds (``layer``, ``name, layer``): its values come from what
        it iterates, which may be the class's layers."""
        if type(target) is ast.Name:
            self._locals.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element)

    def _assignment(self, node: Union[ast.Assign, ast.AnnAssign, ast.AugAssign]) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        stored: Optional[str] = None
        for target in targets:
            attr = self._self_target(target)
            if attr is not None and not attr.endswith("[]"):
                self.assigns.append(
                    AssignFact(
                        Pos(node.lineno, node.col_offset),
                        attr,
                        augmented=isinstance(node, ast.AugAssign),
                        conditional=bool(self._guards),
                        # Directly in the method's body: the only statement open is itself.
                        top_level=len(self._statements) == 1,
                        tree=node,
                        computed=node.value is not None and _computed(node.value, self._data),
                    )
                )
            elif node.value is not None and _mentions(node.value, self._data):
                self._data.update(target_names(target))
            stored = stored or attr
        self._targets.append(stored)
        direct = stored if stored is not None and not stored.endswith("[]") else None
        self._values.append((node.value, direct))
        for child in children(node):
            self.visit(child)
        self._values.pop()
        self._targets.pop()

    def _call(self, node: ast.Call) -> None:
        func = node.func
        receiver, attr, super_skips = "", "", ""
        creates: Optional[str] = None
        positional_args = [a for a in node.args if type(a) is not ast.Starred]
        if isinstance(func, ast.Attribute):
            attr = func.attr
            value = func.value
            if _is_self(value):
                receiver = "self"
                creates = "weight" if attr in WEIGHT_METHODS else None
            elif _is_super_call(value):
                receiver = "super"
                super_skips = self._super_skips(value)
            elif isinstance(value, ast.Attribute) and _is_self(value.value):
                receiver = "attr"
            elif positional_args and _is_self(positional_args[0]) and ast_dotted(value):
                receiver = "base"  # ``Layer.build(self, shape)``
            else:
                receiver = "expr"
        elif isinstance(func, ast.Name):
            attr = func.id
        dynamic = func.id in self._locals if isinstance(func, ast.Name) else not attr
        constructor: Optional[str] = None
        if creates is None and receiver not in {"self", "super", "attr"}:
            constructor = ast_dotted(func)
            if constructor is not None and self._is_variable_factory(constructor):
                creates, constructor = "variable", None
        stored = self._targets[-1] if self._targets else None
        pos = Pos(node.lineno, node.col_offset)
        self.calls.append(
            CallFact(
                pos=pos,
                func=source_text(self.lines, func),
                receiver=receiver,
                attr=attr,
                state=creates,
                positional=len(positional_args),
                guards=tuple(self._guards),
                stored_on_self=stored,
                first_arg=_arg_kind(positional_args[0]) if positional_args else "",
                stmt_pos=self._statements[-1] if self._statements else pos,
                tree=node,
                keywords=tuple(k.arg or "**" for k in node.keywords),
                dynamic=dynamic,
                constructor=constructor,
                classify=self.index.is_layer_constructor if constructor else None,
                arguments=len(node.args) + len(node.keywords),
                assigned_to=self._assigned_to(node),
                super_skips=super_skips,
            )
        )
        self._targets.append(self._container_target(func) or stored)
        for child in children(node):
            self.visit(child)
        self._targets.pop()

    def _assigned_to(self, node: ast.Call) -> str:
        """``w`` when the call is the whole value of ``self.w = <call>``."""
        if self._values:
            value, attr = self._values[-1]
            if value is node and attr is not None:
                return attr
        return ""

    def _super_skips(self, call: ast.expr) -> str:
        """The Keras class ``super(<it>, self)`` names, resolved; "" when it names no
        class (``super()``), a class of this file (the class itself, or an ancestor
        whose methods are the project's) or a name that is not Keras'."""
        if not isinstance(call, ast.Call) or not call.args:
            return ""
        dotted = ast_dotted(call.args[0])
        if dotted is None or self.names.local_class(dotted) is not None:
            return ""
        resolved = self.names.resolve(dotted)
        return resolved if resolved is not None and layer_kind(resolved) else ""

    def _container_target(self, func: ast.expr) -> Optional[str]:
        """``self.blocks`` for ``self.blocks.append(<value>)``: the arguments are stored."""
        if isinstance(func, ast.Attribute) and func.attr in _CONTAINER_METHODS:
            return self._self_target(func.value)
        return None

    def _is_variable_factory(self, name: str) -> bool:
        resolved = self.names.resolve(name)
        return resolved is not None and is_variable_factory(resolved)


# Static metadata a value may be made of (KLB304: equal on every trace): shapes,
# dtypes, lengths, specs.
_STATIC_ATTRIBUTES = frozenset({"shape", "dtype", "rank", "ndim"})
_STATIC_CALLS = frozenset(
    {
        "len",
        "int",
        "float",
        "bool",
        "str",
        "isinstance",
        "range",
        "TensorShape",
        "InputSpec",
        "int_shape",
        "get_shape",
        "as_list",
    }
)


def _mentions(value: ast.expr, names: Set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in walk(value))


def _computed(value: ast.expr, data: Set[str]) -> bool:
    """The value is made from the method's data (a tensor of the call, most likely),
    not only from static metadata, constants, ``self`` or module-level names, and
    is not an object constructed there (a ``CamelCase(...)`` helper or layer)."""
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name[:1].isupper():
            return False
    found = False
    for node in walk(value):
        node_type = type(node)
        if node_type is ast.Attribute and node.attr in _STATIC_ATTRIBUTES:  # type: ignore[attr-defined]
            return False
        if node_type is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            name = func.attr if type(func) is ast.Attribute else getattr(func, "id", "")
            if name in _STATIC_CALLS:
                return False
        elif node_type is ast.Lambda:
            return False
        elif node_type is ast.Name and node.id in data:  # type: ignore[attr-defined]
            if "shape" in node.id:  # type: ignore[attr-defined]
                return False  # ``input_shape``: a static shape
            found = True
    return found


def _data_params(node: Function) -> Set[str]:
    """Parameters without a default, but ``self``: the call's inputs."""
    a = node.args
    positional = a.posonlyargs + a.args
    required = positional[1 : len(positional) - len(a.defaults)]
    return {arg.arg for arg in required}


def build_method(node: Function, lines: Sequence[str], index: ClassIndex) -> Method:
    walker = _FactWalk(lines, index, _data_params(node))
    walker.body(node.body)
    # The walk made every fact with its tree.
    walker.calls.sort(key=lambda c: source_order(c.tree))  # type: ignore[arg-type]
    walker.assigns.sort(key=lambda a: source_order(a.tree))  # type: ignore[arg-type]
    method = Method(
        name=node.name,
        pos=Pos(node.lineno, node.col_offset),
        params=_params(node, index.names),
        calls=walker.calls,
        assigns=walker.assigns,
        only_raises=_only_raises(node),
        tree=node,
        lines=lines,
        self_reads=walker.reads,
    )
    for call in method.calls:
        call.method = method
    for assign in method.assigns:
        assign.method = method
    return method


def build_layer_class(
    info: ClassInfo, lines: Sequence[str], index: ClassIndex, as_ancestor: bool = False
) -> LayerClass:
    """The class's model from the methods rules read. ``as_ancestor``: a class of
    another module, of which rules read only the constructor and the config."""
    pos = Pos(info.node.lineno, info.node.col_offset)
    wanted = selected_methods(info.node, as_ancestor, lines)
    methods: Dict[str, Method] = {}
    names: List[str] = []
    for function in class_functions(info.node):
        names.append(function.name)
        if function.name in wanted:
            methods[function.name] = build_method(function, lines, index)
    return LayerClass(info=info, pos=pos, methods=methods, method_names=set(names))
