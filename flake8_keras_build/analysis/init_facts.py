"""Facts about ``__init__``: what reaches ``super().__init__`` (directly, through a
local computed from a parameter, under another keyword, or folded into
``**kwargs``), a functional ``Model``'s graph, and Keras state touched before the
super call.

Everything here reads the ``ast`` trees flake8 hands the plugin (``Method.tree``,
``CallFact.tree``): this runs on every layer class of every file.
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from .. import keras_api
from ..model import EarlyFact, InitFacts, LayerClass, Method, Pos
from .ast_walk import children
from .expressions import add_names, index_key, is_name, names_in, string_value

_EMPTY: FrozenSet[str] = frozenset()


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
                elif isinstance(node, ast.Subscript) and is_name(node.value, kwargs):
                    key = index_key(node)
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
            if isinstance(target, ast.Subscript) and is_name(target.value, self.kwargs):
                self.folded |= used
            elif isinstance(target, ast.Name) and used & self.derived:
                # ``filtered = {k: v for k, v in kwargs.items() if ...}``
                self.derived.add(target.id)

    def _call(self, node: ast.Call, kwargs: str) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and is_name(func.value, kwargs)):
            return
        method = func.attr
        if method in {"pop", "get", "setdefault"} and node.args:
            key = string_value(node.args[0])
            if key is not None:
                self.read.add(key)
        if method in {"update", "setdefault"}:
            for arg in node.args:
                add_names(arg, self.folded)
            for keyword in node.keywords:
                add_names(keyword.value, self.folded)

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
    graph_keywords = graph_positions = False
    for call in super_calls:
        node = call.tree
        assert node is not None  # the analysis runs before any tree is dropped
        positional = 0
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                add_names(arg.value, arg_names)
                add_names(arg.value, own)
                graph_positions = graph_positions or layer.kind == "model"  # may hold it
                continue
            # ``Model.__init__(inputs, outputs)``: the functional form, by keyword or
            # position (after ``self`` in ``Model.__init__(self, inputs, outputs)``).
            index = positional - (1 if call.receiver == "base" else 0)
            graph = layer.kind == "model" and index in (0, 1)
            graph_positions = graph_positions or graph
            positional += 1
            add_names(arg, graph_names if graph else arg_names)
            add_names(arg, own)
        for keyword in node.keywords:
            graph = keyword.arg is not None and keyword.arg in keras_api.FUNCTIONAL_KEYWORDS
            graph_keywords = graph_keywords or graph
            add_names(keyword.value, graph_names if graph else arg_names)
            if keyword.arg is None or graph:
                add_names(keyword.value, own)
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
        graph_keywords=graph_keywords,
        graph_positions=graph_positions,
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
