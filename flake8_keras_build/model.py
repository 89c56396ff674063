"""Plain data the rules read: layer classes, their methods, and the facts inside them.

The analysis fills these from flake8's ``ast`` tree; rules never look at a syntax
tree. Each fact keeps its ast node, so that the fix command can find its libcst twin
(``fixes/cst_source.py``) and rewrite exactly that node; linting never pays for libcst.
This module imports nothing of the analysis, the rules or the fixes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import (
    Callable,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Union,
)

from .class_info import ClassInfo
from .text import source_text

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass(frozen=True)
class Pos:
    """A flake8 position: 1-based line, 0-based column."""

    line: int
    col: int


@dataclass(frozen=True)
class Finding:
    """One report: where, which rule, and the one-line message (without the code)."""

    line: int
    col: int
    code: str
    message: str
    # What the finding is about, for the rule's fix in ``fixes/`` (None: no fix).
    subject: Optional[Subject] = field(default=None, compare=False, repr=False)

    def flake8_text(self) -> str:
        return f"{self.code} {self.message}"


@dataclass(frozen=True)
class ModuleCall:
    """A call found anywhere in the module, with its resolved callee, and where it
    is and how its value is used (for KLB302's fix)."""

    pos: Pos
    func: str
    resolved: str
    end: Pos = Pos(0, 0)  # the end of the call's text (ast: line, byte offset)
    # "call" (directly in ``call`` of a layer or model class), "nested" (in a function
    # or lambda inside that ``call``), "method" (another method of such a class),
    # "function" (any other function), "class" (a class body) or "module".
    scope: str = "module"
    function: str = ""  # the innermost enclosing function's name
    training: bool = False  # the enclosing ``call`` has a ``training`` parameter
    # "fallback" (the value ``training`` takes when it is None), "test" (of an
    # ``if``/``while``/conditional expression, or under ``not``), "keyword" (the
    # value of ``training=``) or "value" (anything else).
    use: str = "value"


@dataclass
class ModuleFacts:
    """What the rules that look at the whole module read."""

    learning_phase_calls: List[ModuleCall]
    lines: Sequence[str] = ()  # the module's lines, for fixes that edit them


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "positional", "vararg", "keyword", "varkw"
    has_default: bool
    # Whether the default and the annotation are plain values that Keras' automatic
    # config can save: "plain", "object" (a call, class, lambda...) or "" (none given).
    default_kind: str = ""
    annotation_kind: str = ""


@dataclass(frozen=True)
class Guard:
    """An enclosing condition. ``checks_built``: the branch runs only while a
    ``<expr>.built`` test says the layer is not built yet."""

    checks_built: bool


@dataclass
class CallFact:
    """A call inside a method, classified once by the analysis."""

    pos: Pos
    func: str  # the callee as written, e.g. "self.add_weight", "super().build"
    receiver: str  # "self", "super", "base", "attr", "expr" or "" for a plain function
    attr: str  # the method or function name (last component)
    # "weight" (add_weight) or "variable" (tf.Variable & co.), known at once; whether
    # the call constructs a layer is looked up when first asked (``creates``).
    state: Optional[str]
    positional: int  # positional arguments, a forwarded ``*args`` not counted
    guards: Tuple[Guard, ...]
    stored_on_self: Optional[str]  # "w" for ``self.w = <this call>``, "ws[]" for a container
    first_arg: str  # the first positional argument: "str", "sequence", "other" or ""
    stmt_pos: Pos  # the innermost statement holding the call
    # The ``ast.Call`` (None once a class of another module drops its trees).
    tree: Optional[ast.Call] = field(repr=False, compare=False)
    keywords: Tuple[str, ...] = ()  # the keywords passed, "**" for a ``**mapping``
    # The callee is a value of the method, not a named function or method: a loop
    # variable (``layer(x)`` in ``for layer in self.blocks``) or an expression
    # (``getattr(self, name)(x)``, ``self.blocks[0](x)``).
    dynamic: bool = False
    method: Optional[Method] = field(default=None, repr=False, compare=False)
    # The dotted callee a layer construction would have, and who can tell whether it
    # is a layer class: that may mean reading another module of the project, which
    # most calls never need (``classify`` is ``ClassIndex.is_layer_constructor``).
    constructor: Optional[str] = field(default=None, repr=False, compare=False)
    classify: Optional[Callable[[str], bool]] = field(default=None, repr=False, compare=False)
    # Every argument: positional, keyword, ``*args`` and ``**kwargs`` alike.
    arguments: int = 0
    # "w" when the call is the whole value of ``self.w = <call>`` (``stored_on_self``
    # also names calls nested in the value).
    assigned_to: str = ""
    # For ``super(<Keras class>, self).<attr>(...)``: that class's resolved dotted
    # name (its own ``<attr>`` is skipped); "" for ``super()``, the class itself or
    # any class that is not Keras'.
    super_skips: str = ""
    _layer: Optional[bool] = field(default=None, init=False, repr=False, compare=False)

    @property
    def creates(self) -> Optional[str]:
        """ "weight", "variable", "layer" or None."""
        if self.state is not None:
            return self.state
        if self.constructor is None or self.classify is None:
            return None
        if self._layer is None:
            self._layer = self.classify(self.constructor)
        return "layer" if self._layer else None

    @property
    def callee(self) -> Optional[str]:
        """For a layer construction: the class as written, e.g. "layers.Dense"."""
        return self.constructor if self.creates == "layer" else None

    @property
    def guarded_by_built(self) -> bool:
        return any(guard.checks_built for guard in self.guards)

    @property
    def conditional(self) -> bool:
        return bool(self.guards)


@dataclass
class AssignFact:
    """``self.<attr> = <value>`` (also augmented and annotated assignments)."""

    pos: Pos
    attr: str
    augmented: bool = False
    conditional: bool = False  # under an ``if``: lazy, one-time initialisation at most
    top_level: bool = False  # a statement of the method's own body, in no block
    # The value is computed from the method's data (its locals, or its parameters
    # without a default), not static metadata (shapes, dtypes, lengths) or flags.
    computed: bool = False
    tree: Optional[ast.stmt] = field(default=None, repr=False, compare=False)  # the statement
    method: Optional[Method] = field(default=None, repr=False, compare=False)
    # Source text of the value, made on first use: few rules read it.
    _text: Optional[str] = field(default=None, init=False, repr=False, compare=False)

    @property
    def value_text(self) -> str:
        """The value as source code, e.g. "True" ("" for an annotation alone)."""
        if self._text is None:
            value = getattr(self.tree, "value", None)
            lines = self.method.lines if self.method is not None else ()
            self._text = "" if value is None else source_text(lines, value)
        return self._text


@dataclass
class Method:
    name: str
    pos: Pos
    params: List[Param]
    calls: List[CallFact]
    assigns: List[AssignFact]
    only_raises: bool  # the body only raises (an abstract method)
    # The ``ast.FunctionDef`` (None once a class of another module drops its trees).
    tree: Optional[Function] = field(repr=False, compare=False)
    lines: Sequence[str] = field(default=(), repr=False, compare=False)  # the file's
    # Where the method reads each ``self.<attr>`` (calls of ``self.<attr>(...)`` too).
    self_reads: Dict[str, List[Pos]] = field(default_factory=dict, compare=False)

    def detach(self) -> None:
        """Drop the syntax trees, keeping the facts: for the models of classes in
        other modules, which the process keeps and which no fix rewrites (every
        object kept is walked by each full garbage collection of flake8)."""
        for assign in self.assigns:
            _ = assign.value_text
            assign.tree = None
        for call in self.calls:
            call.tree = None
        self.tree = None
        self.lines = ()

    def shape_params(self) -> List[Param]:
        """Parameters after ``self`` that Keras fills (not ``*args``/``**kwargs``)."""
        return [p for p in self.params[1:] if p.kind in {"positional", "keyword"}]

    def super_calls(self, attr: str) -> List[CallFact]:
        """Its calls of ``super().<attr>(...)`` or ``<Base>.<attr>(self, ...)``."""
        return [c for c in self.calls if c.receiver in {"super", "base"} and c.attr == attr]

    def calls_super(self, attr: str) -> bool:
        return bool(self.super_calls(attr))

    def self_calls(self) -> Iterator[str]:
        for call in self.calls:
            if call.receiver == "self":
                yield call.attr


@dataclass(frozen=True)
class ConfigValue:
    """What a ``get_config`` returns, as far as it is statically visible.

    ``keys``: the keys this class adds; ``from_super``: the result also holds the keys of
    ``super().get_config()``."""

    keys: FrozenSet[str]
    from_super: bool


@dataclass
class ConfigFacts:
    pos: Pos
    calls_super: bool
    value: Optional[ConfigValue]  # None: built dynamically (a loop, a call, ...)


@dataclass
class InitFacts:
    """What ``__init__`` does with its arguments and with ``super().__init__``."""

    method: Method
    super_call: Optional[CallFact]
    super_arg_names: FrozenSet[str]  # names anywhere in the super().__init__ arguments
    # Parameters that reach super().__init__ only under another keyword, e.g.
    # ``super().__init__(units=size)``: {"size": "units"}.
    super_renamed: Mapping[str, str]
    # ``super().__init__`` is given a graph: ``inputs``/``outputs`` by keyword, or
    # (in a ``Model``) positional arguments or ``*args``, where ``Model.__init__``
    # reads the graph when the call reaches it.
    graph_keywords: bool
    graph_positions: bool
    kwargs: Optional[str]  # the ``**kwargs`` parameter's name
    kwargs_forwarded: bool  # it (or a mapping made from it) reaches super().__init__
    kwargs_read: FrozenSet[str]  # keys read from it: kwargs.pop("k"), kwargs["k"] ...
    kwargs_folded: FrozenSet[str]  # names stored into it: kwargs["x"] = x
    early: List[EarlyFact]  # Keras state touched before super().__init__

    @property
    def functional(self) -> bool:
        """A functional-style model, or one that may be (its positional arguments
        may go to a project class's own ``__init__``)."""
        return self.graph_keywords or self.graph_positions


@dataclass
class EarlyFact:
    pos: Pos
    what: str  # "self.add_weight()", "self.supports_masking", ...
    kind: str  # "method", "attribute", "sublayer", "parameter" (a Model's, assigned as is)


@dataclass(frozen=True)
class AttributeUses:
    """What every method of a class does with ``self.<attr>``: how many statements
    assign it, whether it is called (``self.norm(x)``: an object), which attributes
    each method mentions and which names its body binds (assigned, a loop or
    ``with``/``except``/``import`` target, deleted, declared global), by method name;
    ``local``: every name bound anywhere in each method, nested scopes included."""

    stores: Mapping[str, int]
    called: FrozenSet[str]
    mentioned: Mapping[str, FrozenSet[str]]
    bound: Mapping[str, FrozenSet[str]]
    local: Mapping[str, FrozenSet[str]]

    def mentions(self, method: str, attr: str) -> bool:
        return attr in self.mentioned.get(method, frozenset())


_NO_USES = AttributeUses({}, frozenset(), {}, {}, {})


@dataclass
class LayerClass:
    """A layer, model or metric class with its own methods (last definition wins)."""

    info: ClassInfo
    pos: Pos
    methods: Dict[str, Method]
    init: Optional[InitFacts] = None
    config: Optional[ConfigFacts] = None
    decorators: List[str] = field(default_factory=list)  # resolved dotted names
    keras_bases: List[str] = field(default_factory=list)  # resolved Keras base paths
    foreign_bases: bool = False  # an ancestor (not Keras) whose methods cannot be seen
    # Ancestors we have a model of (this file's, and the project's other modules'),
    # nearest first.
    ancestors: List[LayerClass] = field(default_factory=list)
    siblings: List[LayerClass] = field(default_factory=list)  # every layer class of the file
    # Every method the class defines; ``methods`` holds only those the rules read.
    method_names: Set[str] = field(default_factory=set)
    # Who can tell how the whole class uses its attributes: a walk of every method,
    # which only fixes need, so it runs on first use (``uses``); None for a class
    # of another module, whose body is not kept.
    uses_of: Optional[Callable[[], AttributeUses]] = field(default=None, repr=False, compare=False)
    _uses: Optional[AttributeUses] = field(default=None, init=False, repr=False, compare=False)

    def uses(self) -> AttributeUses:
        if self._uses is None:
            self._uses = self.uses_of() if self.uses_of is not None else _NO_USES
        return self._uses

    def defines(self, name: str) -> bool:
        return name in self.method_names

    def builds_functionally(self) -> bool:
        """Its ``super().__init__`` call builds a functional model: the graph by
        keyword, or by position where the call reaches Keras' ``Model.__init__`` (no
        ancestor of ours defines ``__init__`` to take those positions)."""
        init = self.init
        if init is None or self.kind != "model":
            return False
        if init.graph_keywords:
            return True
        return init.graph_positions and not any(a.defines("__init__") for a in self.ancestors)

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def kind(self) -> Optional[str]:
        return self.info.kind

    def reachable(self, roots: Tuple[str, ...], skip: Tuple[str, ...]) -> Dict[str, List[str]]:
        """Methods reachable from ``roots`` through ``self.<method>(...)`` calls,
        each with the path of method names that leads to it (root first)."""
        paths: Dict[str, List[str]] = {}
        queue: List[str] = []
        for root in roots:
            if root in self.methods and root not in paths:
                paths[root] = [root]
                queue.append(root)
        while queue:
            name = queue.pop(0)
            for callee in self.methods[name].self_calls():
                if callee in paths or callee in skip or callee not in self.methods:
                    continue
                paths[callee] = paths[name] + [callee]
                queue.append(callee)
        return paths


class Subject:
    """What a finding is about, handed to the rule's fix: the rule decides what is
    wrong, the fix only rewrites. Each fixable rule subclasses it with a frozen
    dataclass next to the rule, holding the model objects and the facts its fix
    reads; a finding without a subject has no fix."""


def describe_path(path: List[str]) -> str:
    """``in _project(), called from call()`` for a helper, ``in call()`` for a root."""
    where = f"in {path[-1]}()"
    if len(path) == 1:
        return where
    via = "".join(f" via {name}()" for name in path[1:-1])
    return f"{where}, called from {path[0]}(){via}"
