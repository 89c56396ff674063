"""``full``: flake8's default line, ``path:line:col: CODE message``; ``concise``: the
rule's title instead of the message, ``[*]`` when a fix may exist (as ruff marks
it). ``--show-source`` adds the line and a caret under the column, as flake8 does."""

from __future__ import annotations

from typing import Sequence

from ..lint_file import Report
from ..rule_pages import rule_page


def _with_source(line: str, report: Report, show_source: bool) -> str:
    if not show_source or not report.source:
        return line + "\n"
    # flake8 keeps tabs in the indent so that the caret lines up under a tab.
    indent = "".join(c if c.isspace() else " " for c in report.source[: report.col])
    return f"{line}\n{report.source}\n{indent}^\n"


def full(reports: Sequence[Report], show_source: bool) -> str:
    return "".join(
        _with_source(f"{r.path}:{r.line}:{r.col + 1}: {r.code} {r.message}", r, show_source)
        for r in reports
    )


def concise(reports: Sequence[Report], show_source: bool) -> str:
    return "".join(
        _with_source(
            f"{r.path}:{r.line}:{r.col + 1}: {r.code}{' [*]' if r.fixable else ''} "
            f"{rule_page(r.code).title}",
            r,
            show_source,
        )
        for r in reports
    )


def statistics(reports: Sequence[Report]) -> str:
    """``count code title`` per code, as flake8's ``--statistics`` lists them."""
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.code] = counts.get(report.code, 0) + 1
    return "".join(
        f"{count:<5} {code} {rule_page(code).title}\n" for code, count in sorted(counts.items())
    )
