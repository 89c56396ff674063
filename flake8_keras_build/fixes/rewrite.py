"""libcst operations the fixers share. Each takes and returns a ``FunctionDef`` and
raises ``CannotFix`` when the code is not in a shape it rewrites safely."""

from __future__ import annotations

from typing import Callable, List, Sequence

import libcst as cst

from .edits import CannotFix
from .walk import Visitor, walk


def statement(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code)


def _body(fn: cst.FunctionDef) -> List[cst.BaseStatement]:
    if not isinstance(fn.body, cst.IndentedBlock):
        raise CannotFix(f"{fn.name.value}() is written on one line")
    return list(fn.body.body)


def _with_body(fn: cst.FunctionDef, body: Sequence[cst.BaseStatement]) -> cst.FunctionDef:
    assert isinstance(fn.body, cst.IndentedBlock)
    return fn.with_changes(body=fn.body.with_changes(body=tuple(body)))


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def insert_first(fn: cst.FunctionDef, new: cst.BaseStatement) -> cst.FunctionDef:
    """``new`` as the first statement after the docstring."""
    body = _body(fn)
    at = 1 if body and _is_docstring(body[0]) else 0
    return _with_body(fn, body[:at] + [new] + body[at:])


class ReturnCount(Visitor):
    """Counts the ``return`` statements of a function body, not of nested ones."""

    def __init__(self) -> None:
        self.count = 0

    def visit_Return(self, node: cst.Return) -> None:
        self.count += 1

    # A nested function's or class's returns are its own.
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


def _bare_return(stmt: cst.BaseStatement) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    if not isinstance(small, cst.Return):
        return False
    return small.value is None or (
        isinstance(small.value, cst.Name) and small.value.value == "None"
    )


def append_last(fn: cst.FunctionDef, new: cst.BaseStatement) -> cst.FunctionDef:
    """``new`` as the last statement that runs: before a final bare ``return``, and
    refused when the function can return earlier (``new`` would not always run)."""
    body = _body(fn)
    tail: List[cst.BaseStatement] = []
    if body and _bare_return(body[-1]):
        tail = [body.pop()]
    returns = ReturnCount()
    for stmt in body:
        walk(stmt, returns)
    if returns.count:
        raise CannotFix(f"{fn.name.value}() can return before its end")
    if not body or (len(body) == 1 and _is_pass(body[0])):
        body = []
    return _with_body(fn, body + [new] + tail)


def _is_pass(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Pass)
    )


class _RemoveCalls(cst.CSTTransformer):
    """Drops the expression statements that are exactly one of ``calls``. It compares
    original nodes, so it must be the first rewrite of a tree built from the facts:
    any earlier rewrite makes new nodes and the facts' nodes no longer match."""

    def __init__(self, calls: Sequence[cst.Call]) -> None:
        super().__init__()
        self.calls = {id(call) for call in calls}
        self.removed = 0

    def _target(self, small: cst.BaseSmallStatement) -> bool:
        return isinstance(small, cst.Expr) and id(small.value) in self.calls

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        kept = [
            new for old, new in zip(original_node.body, updated_node.body) if not self._target(old)
        ]
        if len(kept) in (0, len(updated_node.body)):
            return updated_node  # a whole line is dropped by its block, below
        self.removed += len(updated_node.body) - len(kept)
        # ``a(); self.build(x)``: the statement left must not end with a semicolon.
        kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=tuple(kept))

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        kept = [
            new for old, new in zip(original_node.body, updated_node.body) if not self._target(old)
        ]
        self.removed += len(updated_node.body) - len(kept)
        if not kept:
            kept = [cst.Pass()]
        kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(body=tuple(kept))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        def dropped(old: cst.BaseStatement) -> bool:
            if isinstance(old, cst.SimpleStatementLine) and all(map(self._target, old.body)):
                self.removed += len(old.body)
                return True
            return False

        return drop_lines(original_node, updated_node, dropped)


def drop_lines(
    original: cst.IndentedBlock,
    updated: cst.IndentedBlock,
    dropped: Callable[[cst.BaseStatement], bool],
) -> cst.IndentedBlock:
    """``updated`` without the statements whose original ``dropped`` says so (a
    transformer's leave hook); comments above a dropped one move to the next
    statement, or to the block's footer after the last."""
    body: List[cst.BaseStatement] = []
    carried: List[cst.EmptyLine] = []
    for old, new in zip(original.body, updated.body):
        if dropped(old):
            assert isinstance(old, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            carried += [line for line in old.leading_lines if line.comment is not None]
            continue
        if carried:
            assert isinstance(new, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            new = new.with_changes(leading_lines=tuple(carried) + tuple(new.leading_lines))
            carried = []
        body.append(new)
    if len(body) == len(updated.body):
        return updated
    # An emptied block is written as ``pass`` by libcst.
    return updated.with_changes(body=tuple(body), footer=tuple(carried) + tuple(updated.footer))


def remove_calls(fn: cst.FunctionDef, calls: Sequence[cst.Call]) -> cst.FunctionDef:
    """Remove the expression statements that are just one of ``calls`` (comments on
    the lines above a removed one move to the next statement)."""
    remover = _RemoveCalls(calls)
    updated = fn.visit(remover)
    assert isinstance(updated, cst.FunctionDef)
    if remover.removed != len(calls):
        raise CannotFix("the value of the call is used")
    return updated


def rename(fn: cst.FunctionDef, name: str) -> cst.FunctionDef:
    return fn.with_changes(name=fn.name.with_changes(value=name))
