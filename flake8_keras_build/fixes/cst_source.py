"""libcst trees of the methods a fix rewrites, paired with flake8's ``ast`` nodes.

The model keeps only ast nodes; this is where a fix turns a method or a fact into
the libcst node it rewrites (``method_node``, ``twin``, ``snippet``).

Linting reads the ast alone; the fix command needs libcst's lossless trees to write
code back. Only the source lines of one method are parsed, when a fix first asks for
it (``CstView``), and each fact's ast node is paired with its libcst twin: both trees
list calls and statements in source order, so the pairing goes node by node, checked,
with libcst's ``PositionProvider`` (slower, always right) where it does not hold.
"""

from __future__ import annotations

import ast
import re
import weakref
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..analysis.ast_walk import source_order
from ..analysis.definition_source import definition_source
from ..model import AssignFact, CallFact, Method, Pos
from ..text import split_lines
from .walk import Visitor, is_node_type, walk

PositionMap = Dict[int, Pos]


def is_twin_type(node_type: type) -> bool:
    """Calls and statements: the nodes that get positions from their ast twins."""
    return (
        is_node_type(node_type, cst.BaseSmallStatement)
        or is_node_type(node_type, cst.BaseCompoundStatement)
        or is_node_type(node_type, cst.Call)
    )


# ast and libcst names of the same statement where they differ.
_SAME_KIND = {
    "AsyncFunctionDef": "FunctionDef",
    "AsyncFor": "For",
    "AsyncWith": "With",
    "Delete": "Del",
}


@dataclass(frozen=True)
class Parsed:
    """A class or method parsed on its own: the snippet module and the node in it.

    The snippet is lines ``first_line``..``last_line`` (1-based) of the file, verbatim,
    under ``if 1:`` when ``wrapped``: a fix regenerates it and puts it back there."""

    module: cst.Module
    node: Union[cst.ClassDef, cst.FunctionDef]
    first_line: int = 0
    last_line: int = 0
    wrapped: bool = False
    added_newline: bool = False  # the file's last line had none; the snippet got one
    lossy: bool = False  # parsed from the text changed (form feeds), not the text itself


_FORM_FEED_INDENT = re.compile(r"(?m)^(?:[ \t]*\f)+")


def parse_definition(lines: Sequence[str], node: ast.stmt) -> Optional[Parsed]:
    """Parse just the lines of a class or function definition; None when libcst
    cannot parse them (flake8 has reported E999 if Python could not either)."""
    cut = definition_source(lines, node)
    if cut is None:
        return None
    source = cut.text
    lossy = False
    try:
        module = cst.parse_module(source)
    except Exception:  # noqa: BLE001 - libcst raises several types on bad input
        if "\f" not in source:
            return None
        # Python's tokenizer drops the blanks before a form feed at the start of a
        # line (the column starts again); libcst does not. Read the lines as Python
        # does; positions still come from the ast twins, but the snippet no longer
        # is the file's text, so no fix may write it back.
        try:
            module = cst.parse_module(_FORM_FEED_INDENT.sub("", source))
        except Exception:  # noqa: BLE001
            return None
        lossy = True
    found = _first_definition(module)
    if found is None:
        return None
    return Parsed(
        module, found, cut.first_line, cut.last_line, cut.wrapped, cut.added_newline, lossy
    )


def _first_definition(module: cst.Module) -> Optional[Union[cst.ClassDef, cst.FunctionDef]]:
    stmt: cst.CSTNode = module.body[0] if module.body else module
    if isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock) and stmt.body.body:
        stmt = stmt.body.body[0]
    return stmt if isinstance(stmt, (cst.ClassDef, cst.FunctionDef)) else None


class _Collector(Visitor):
    """The calls and statements under a node in walk order. ``into_classes=False``:
    as ``body_twins`` lists their ast twins (a nested class is met, its contents
    are not)."""

    def __init__(self, into_classes: bool = True) -> None:
        self.nodes: List[cst.CSTNode] = []
        self.into_classes = into_classes

    def on_visit(self, node: cst.CSTNode) -> bool:
        node_type = type(node)
        if is_twin_type(node_type):
            self.nodes.append(node)
        return self.into_classes or node_type is not cst.ClassDef


def _callee_text(node: ast.AST) -> str:
    func = getattr(node, "func", None)
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _cst_callee_text(node: cst.Call) -> str:
    func = node.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""


def _pairs_match(a: ast.AST, c: cst.CSTNode) -> bool:
    if isinstance(a, ast.Call):
        return isinstance(c, cst.Call) and _callee_text(a) == _cst_callee_text(c)
    name = type(a).__name__
    return _SAME_KIND.get(name, name) == type(c).__name__


def body_twins(func: ast.AST) -> List[ast.AST]:
    """The calls and statements of a method body in source order, as the fact walk
    meets them (a nested class is met, its contents are not)."""
    found: List[ast.AST] = []
    stack: List[ast.AST] = list(getattr(func, "body", []))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.stmt, ast.Call)):
            found.append(node)
        if not isinstance(node, ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))
    found.sort(key=source_order)
    return found


def pair_in_order(
    twins: List[ast.AST], nodes: List[cst.CSTNode]
) -> Optional[Dict[int, cst.CSTNode]]:
    """The fast way: both walks meet calls and statements in source order, so the
    n-th ast twin is the n-th libcst node, checked kind by kind; None when the two
    lists are out of step (then positions decide)."""
    if len(nodes) == len(twins) and all(map(_pairs_match, twins, nodes)):
        return {id(a): c for a, c in zip(twins, nodes)}
    return None


def _keyword_col(node: cst.CSTNode, name_col: int) -> int:
    """Column of the ``def``/``class`` keyword, from its name's column."""
    if isinstance(node, cst.ClassDef):
        return name_col - len(node.whitespace_after_class.value) - len("class")
    assert isinstance(node, cst.FunctionDef)
    col = name_col - len(node.whitespace_after_def.value) - len("def")
    if node.asynchronous is not None:
        col -= len(node.asynchronous.whitespace_after.value) + len("async")
    return col


def provider_positions(ast_root: ast.stmt, parsed: Parsed) -> PositionMap:
    """The slow, always-right way: libcst's own positions in the snippet, whose
    columns are the file's, shifted to the file's lines. ``ast_root`` is the
    definition's twin (for where its keyword is).

    Columns are given as ast gives them, in UTF-8 bytes: libcst counts characters,
    so a line with non-ASCII text before a node would otherwise put it elsewhere."""
    ranges = MetadataWrapper(parsed.module, unsafe_skip_copy=True).resolve(PositionProvider)
    snippet_lines = split_lines(parsed.module.code)

    def byte_col(line: int, column: int) -> int:
        text = snippet_lines[line - 1] if 0 < line <= len(snippet_lines) else ""
        return len(text[:column].encode("utf-8"))

    name_start = ranges[parsed.node.name].start
    line_shift = ast_root.lineno - name_start.line
    # ast counts a form feed before ``class`` as a column, libcst does not.
    keyword_col = _keyword_col(parsed.node, name_start.column)
    class_col_shift = ast_root.col_offset - byte_col(name_start.line, keyword_col)
    collector = _Collector()
    walk(parsed.node, collector)  # the definition's own nodes, not the ``if 1:`` wrapper
    positions: PositionMap = {}
    for node in collector.nodes:
        start = ranges[node].start
        line, col = start.line, start.column
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            # flake8 reports a definition at its keyword, not at a decorator.
            name = ranges[node.name].start
            line, col = name.line, _keyword_col(node, name.column)
        col = byte_col(line, col)
        if line == name_start.line:
            col += class_col_shift
        positions[id(node)] = Pos(line + line_shift, col)
    return positions


def _twin_name(node: ast.AST) -> str:
    name = type(node).__name__
    return _SAME_KIND.get(name, name)


class CstView:
    """One method parsed with libcst (``parsed``, None when libcst cannot) and the
    libcst twin of each of its calls and statements (``node_of``)."""

    def __init__(self, lines: Sequence[str], function: ast.stmt) -> None:
        self.function = function
        self.parsed = parse_definition(lines, function)
        self._pairs: Optional[Dict[int, cst.CSTNode]] = None

    def node_of(self, tree: ast.AST) -> Optional[cst.CSTNode]:
        if self.parsed is None:
            return None
        if self._pairs is None:
            self._pairs = self._pair(self.parsed)
        return self._pairs.get(id(tree))

    def _pair(self, parsed: Parsed) -> Dict[int, cst.CSTNode]:
        twins = body_twins(self.function)
        collector = _Collector(into_classes=False)
        assert isinstance(parsed.node, cst.FunctionDef)
        walk(parsed.node.body, collector)
        nodes = collector.nodes
        in_order = pair_in_order(twins, nodes)
        if in_order is not None:
            return in_order
        return self._pair_by_position(parsed, twins, nodes)

    def _pair_by_position(
        self, parsed: Parsed, twins: List[ast.AST], nodes: List[cst.CSTNode]
    ) -> Dict[int, cst.CSTNode]:
        """Out of step somewhere: pair by position instead, node kind checked."""
        positions = provider_positions(self.function, parsed)
        by_position: Dict[Tuple[int, int, str], cst.CSTNode] = {}
        for node in nodes:
            pos = positions.get(id(node))
            if pos is not None:
                by_position.setdefault((pos.line, pos.col, type(node).__name__), node)
        pairs: Dict[int, cst.CSTNode] = {}
        for twin in twins:
            key = (twin.lineno, twin.col_offset, _twin_name(twin))  # type: ignore[attr-defined]
            found = by_position.get(key)
            if found is not None and _pairs_match(twin, found):
                pairs[id(twin)] = found
        return pairs


class SourceUnavailable(Exception):
    """libcst cannot parse the method (a syntax it does not support, such as
    ``(self.w): int = 1``), so there is no tree to rewrite: the fix declines with
    this message."""


# One view per method's ast node, made when a fix first asks: the same method must
# give the same libcst nodes to every fix of a pass (fixes compare them by identity).
# Weak keys: a view lives as long as the lint result whose method it parsed.
_VIEWS: weakref.WeakKeyDictionary[ast.AST, CstView] = weakref.WeakKeyDictionary()


def view_of(method: Method) -> Optional[CstView]:
    """The method parsed with libcst and paired with its ast; None for a method
    whose tree was dropped (the model of a class in another module)."""
    tree = method.tree
    if tree is None:
        return None
    view = _VIEWS.get(tree)
    if view is None:
        view = _VIEWS[tree] = CstView(method.lines, tree)
    return view


def snippet(method: Method) -> Optional[Parsed]:
    """Where a fix writes the method back; None when libcst cannot parse it."""
    view = view_of(method)
    return view.parsed if view is not None else None


def method_node(method: Method) -> cst.FunctionDef:
    """The method's libcst ``FunctionDef``."""
    parsed = snippet(method)
    if parsed is None:
        raise SourceUnavailable("libcst cannot read this method; fix it by hand")
    assert isinstance(parsed.node, cst.FunctionDef)
    return parsed.node


def twin(fact: Union[CallFact, AssignFact]) -> Any:
    """The libcst twin of a fact's ast node: a ``Call``, or an assignment statement."""
    view = view_of(fact.method) if fact.method is not None else None
    node = view.node_of(fact.tree) if view is not None and fact.tree is not None else None
    if node is None:
        raise SourceUnavailable("libcst cannot read this code; fix it by hand")
    return node


def assigned_value(assign: AssignFact) -> Any:
    """The libcst node of an assignment's value, or None for an annotation alone."""
    return twin(assign).value if assign.value_text else None
