"""Writing dict literals (and calls) the way the code around them is laid out: an
element added first or last, one element per line when the literal already is, or
when the line would grow too long."""

from __future__ import annotations

import libcst as cst

from ..model import Method
from .cst_names import code_of
from .cst_source import snippet
from .edits import CannotFix

# Past this length a dict literal the fix lengthens is laid out one element per line
# (Keras and most Keras projects format to 80 columns).
LINE_LIMIT = 80


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


def prepend_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
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
