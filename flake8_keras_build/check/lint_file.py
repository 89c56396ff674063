"""One file's reports: what ``engine.lint`` finds, less what flake8 would not report
(the selection, ``per-file-ignores``, ``# noqa``, ``# flake8: noqa``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from ..engine import lint
from ..noqa import NoqaLines, file_is_silenced
from ..settings import Settings
from ..source_bytes import read_source
from ..text import split_lines
from .rule_pages import rule_page
from .selection import Selector
from .syntax_error import SYNTAX_ERROR_CODE, message, parse


@dataclass(frozen=True)
class Report:
    """A finding as the output formats need it: plain data, so that it crosses
    process boundaries. ``col`` is flake8's (0-based); ``source`` the line's text."""

    path: str
    line: int
    col: int
    code: str
    message: str
    fixable: bool
    source: str = ""

    @property
    def sort_key(self) -> Tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    @property
    def char_col(self) -> int:
        """The column in characters (0-based). flake8's column is ast's, a count of
        UTF-8 bytes; editors and SARIF count characters."""
        return len(self.source.encode("utf-8")[: self.col].decode("utf-8", "ignore"))


def lint_text(
    text: str,
    path: str,
    settings: Settings,
    selector: Selector,
    project_path: Optional[str] = None,
) -> List[Report]:
    """``path`` is the name reported and matched by ``per-file-ignores``;
    ``project_path`` (default ``path``) is where the project's other modules are
    looked up from, as flake8's display name is for the plugin."""
    if text.startswith("\ufeff"):
        text = text[1:]  # flake8 strips a BOM before anything sees the lines
    lines = split_lines(text)
    if file_is_silenced(lines):
        return []
    tree = parse(text)
    if not isinstance(tree, ast.Module):
        line, col, why = tree
        return _kept([(line, col, SYNTAX_ERROR_CODE, why, False)], lines, path, selector)
    findings = lint(text, settings, tree=tree, lines=lines, filename=project_path or path)
    # A finding without a subject has no fix, whatever its rule.
    raw = [(f.line, f.col, f.code, f.message, f.subject is not None) for f in findings]
    return _kept(raw, lines, path, selector)


def lint_bytes(data: bytes, path: str, settings: Settings, selector: Selector) -> List[Report]:
    try:
        text, _ = read_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as error:
        why = message(f"{type(error).__name__}: {error}", "the file cannot be decoded")
        return _kept([(1, 0, SYNTAX_ERROR_CODE, why, False)], [], path, selector)
    return lint_text(text, path, settings, selector)


# (line, col, code, message, whether a fix may exist)
Raw = Sequence[Tuple[int, int, str, str, bool]]


def _kept(raw: Raw, lines: Sequence[str], path: str, selector: Selector) -> List[Report]:
    noqa = NoqaLines(lines)
    reports = []
    for line, col, code, text, may_fix in raw:
        if not selector.reports(path, code) or noqa.silences(line, code):
            continue
        source = lines[line - 1].rstrip("\r\n") if 0 < line <= len(lines) else ""
        fixable = may_fix and rule_page(code).fixable
        reports.append(Report(path, line, col, code, text, fixable, source))
    return sorted(reports, key=lambda r: r.sort_key)
