"""KLB001: a file that ``check`` cannot read as Python. Like ruff's syntax errors (and
flake8's E999) it is a finding of its own, reported where Python stops, so one bad
file never hides the others' findings nor crashes the run. No rule ran on it."""

from __future__ import annotations

import ast
from typing import Optional, Tuple, Union

SYNTAX_ERROR_CODE = "KLB001"
SYNTAX_ERROR_TITLE = "file cannot be parsed"
SYNTAX_ERROR_PAGE = "KLB001.md"  # docs/KLB001.md


def parse(text: str) -> Union[ast.Module, Tuple[int, int, str]]:
    """The module, or where and why it cannot be parsed: (line, 0-based column,
    message)."""
    try:
        return ast.parse(text)
    except SyntaxError as error:
        line = error.lineno or 1
        col = max((error.offset or 1) - 1, 0)
        return line, col, message(f"{type(error).__name__}: {error.msg}")
    except ValueError as error:  # a null byte in the source
        return 1, 0, message(f"ValueError: {error}")


def message(reason: str, what: Optional[str] = None) -> str:
    return f"{what or 'the file cannot be parsed'} ({reason}); no KLB rule checked it"
