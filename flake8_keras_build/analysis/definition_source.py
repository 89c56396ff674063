"""The source text of one class or function definition, ready to be parsed alone.

Both the fix command (which parses a method with libcst to rewrite it) and the
cross-module lookup (which reads a base class of another module again with ``ast``)
parse one definition out of a file's lines; this holds how that text is cut, with
no parser imported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional, Sequence

# An indented definition (a method, or a class inside a function or an ``if``) keeps
# its columns under this dummy block.
WRAPPER = "if 1:\n"

_KEYWORDS = {ast.ClassDef: ("class",), ast.FunctionDef: ("def",), ast.AsyncFunctionDef: ("async",)}


@dataclass(frozen=True)
class DefinitionSource:
    """Lines ``first_line``..``last_line`` (1-based) of the file, verbatim, under
    ``WRAPPER`` when ``wrapped``, and ending in a newline (``added_newline``: the
    file's last line had none)."""

    text: str
    first_line: int
    last_line: int
    wrapped: bool
    added_newline: bool


def definition_source(lines: Sequence[str], node: ast.stmt) -> Optional[DefinitionSource]:
    """The text of ``node`` from its first decorator to its last line; None when the
    definition does not start its line (``if x: class A(Layer): ...``)."""
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno] + [d.lineno for d in decorators]) - 1
    last = node.end_lineno or node.lineno
    chunk = list(lines[first:last])
    if not chunk:
        return None
    head = chunk[0]
    # Python's tokenizer also takes a form feed as indentation.
    stripped = head.lstrip(" \t\f")
    indent = head[: len(head) - len(stripped)]
    if not stripped.startswith(("@",) + _KEYWORDS.get(type(node), ())):
        return None
    text = "".join(chunk)
    added_newline = not text.endswith("\n")
    if added_newline:
        text += "\n"
    wrapped = bool(indent.strip("\f"))
    if wrapped:
        text = WRAPPER + text
    return DefinitionSource(text, first + 1, last, wrapped, added_newline)
