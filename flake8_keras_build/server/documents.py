"""A buffer's diagnostics and fixes: ``check``'s per-file linting and the fixer, on
the text the editor holds (never the file on disk)."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from lsprotocol import types

from ..check.lint_file import Report, lint_text
from ..check.rule_pages import rule_page
from ..check.selection import Selector
from ..check.syntax_error import SYNTAX_ERROR_CODE
from ..config import CheckConfig
from .text_edits import changed_lines, utf16_len

SOURCE = "flake8-keras-build"


def lint_buffer(text: str, path: str, config: CheckConfig, selector: Selector) -> List[Report]:
    """The reports ``check`` would print for this text; none when it does not parse
    (the editor's Python support shows the syntax error, and half-typed code must
    not leave stale findings on the screen)."""
    reports = lint_text(text, path, config.settings, selector)
    if any(report.code == SYNTAX_ERROR_CODE for report in reports):
        return []
    return reports


def diagnostic(report: Report) -> types.Diagnostic:
    start = utf16_len(report.source[: report.char_col])
    # To the end of the line's code: the finding is about what starts there.
    end = max(utf16_len(report.source.rstrip()), start)
    page = rule_page(report.code)
    return types.Diagnostic(
        range=types.Range(
            start=types.Position(line=report.line - 1, character=start),
            end=types.Position(line=report.line - 1, character=end),
        ),
        message=report.message,
        severity=types.DiagnosticSeverity.Warning,
        code=report.code,
        code_description=types.CodeDescription(href=page.url),
        source=SOURCE,
        data={"fixable": report.fixable, "col": report.col},
    )


def fixable_codes(path: str, selector: Selector) -> List[str]:
    """The codes with a fix that this file reports (a fix never touches a finding
    the user does not see)."""
    # Lazy for start-up time: the rules load with the first lint anyway.
    from ..rules import RULES

    return [rule.code for rule in RULES if rule.fixable and selector.reports(path, rule.code)]


def fixed_text(
    text: str,
    path: str,
    config: CheckConfig,
    codes: Sequence[str],
    at: Optional[Tuple[int, int]] = None,
) -> Optional[str]:
    """The text with the fixer's fixes of ``codes`` (only the finding at ``at`` when
    given), or None when nothing changes."""
    # Lazy for start-up time: libcst is imported only when a fix is asked for.
    from ..fixes.runner import fix_source

    if not codes:
        return None
    result = fix_source(text, config.settings, tuple(codes), path, at=at)
    if result.error or not result.changed:
        return None
    return result.source


def text_edit(old: str, new: str) -> types.TextEdit:
    (start_line, start_col), (end_line, end_col), replacement = changed_lines(old, new)
    return types.TextEdit(
        range=types.Range(
            start=types.Position(line=start_line, character=start_col),
            end=types.Position(line=end_line, character=end_col),
        ),
        new_text=replacement,
    )
