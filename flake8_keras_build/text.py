"""Text helpers shared by the entry point, the analysis and the model: how flake8
splits a file into lines, and the source text of an ``ast`` node.

A module of its own at the bottom of the package, so that each of those can import
it without importing one another.
"""

from __future__ import annotations

import ast
import io
from typing import List, Sequence

from .names import ast_dotted


def split_lines(source: str) -> List[str]:
    """Lines as flake8 reads them (universal newlines). ``str.splitlines`` would also
    split on form feeds and other separators that do not end a Python line."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    return io.StringIO(text).readlines()


def source_text(lines: Sequence[str], node: ast.AST) -> str:
    """The source of an expression, from the file's lines (ast columns count UTF-8
    bytes). A ``Name``/``Attribute`` chain is spelled from the tree, cheaply."""
    if type(node) is ast.Name:
        return node.id
    name = ast_dotted(node)
    if name is not None:
        return name
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
    start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    if not 0 <= first <= last < len(lines) or end is None:
        return ast.unparse(node)
    chunk = [line.encode("utf-8") for line in lines[first : last + 1]]
    if first == last:
        text = chunk[0][start:end]
    else:
        text = chunk[0][start:] + b"".join(chunk[1:-1]) + chunk[-1][:end]
    return text.decode("utf-8", errors="replace")
