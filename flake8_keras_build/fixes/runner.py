"""Fix one file's text: lint, apply the fixes that do not overlap, lint again, until
nothing more changes. Only the lines of rewritten definitions change; a file without
fixable findings comes back byte for byte."""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import libcst as cst

from ..engine import lint
from ..model import Finding
from ..noqa import NoqaLines, file_is_silenced
from ..settings import Settings
from .cst_source import SourceUnavailable
from .edits import Declined, Fix, FixFunction, FixOutcome
from .registry import fix_for

# Each pass applies the fixes that do not overlap; a method with several findings
# takes a pass per fix. More passes than this means a fix does not converge.
MAX_PASSES = 12

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass
class FixResult:
    """The fixed text, the fixes applied per code, and the findings left as they
    were with the reason (a fix declined, or ``error`` when the file was skipped)."""

    source: str
    original: str
    applied: Counter[str] = field(default_factory=Counter)
    declined: List[Tuple[Finding, str]] = field(default_factory=list)
    error: Optional[str] = None

    @property
    def changed(self) -> bool:
        return self.source != self.original


def selects(code: str, select: Sequence[str]) -> bool:
    """flake8's prefix selection: ``KLB2`` selects KLB201..KLB208; empty selects all."""
    return not select or code.startswith(tuple(select))


def fix_source(
    source: str,
    settings: Settings = Settings(),
    select: Sequence[str] = (),
    filename: Optional[str] = None,
    at: Optional[Tuple[int, int]] = None,
) -> FixResult:
    """``at`` (line, flake8 column): fix only the finding there, in one pass (an
    editor's quick fix for the finding under the cursor); the others stay."""
    result = FixResult(source, source)
    bom = "\ufeff" if source.startswith("\ufeff") else ""
    text = source[len(bom) :]
    if not _parses(text, with_libcst=False):
        result.error = "cannot be parsed; left unchanged"
        return result
    # Code in syntax newer than libcst's grammar is checked with ast alone.
    with_libcst = _parses(text, with_libcst=True)
    if file_is_silenced(_LINE.findall(text)):
        return result  # a file-wide flake8 noqa comment turns every check off, fixes too
    newline = _newline(text)
    # What was fixed is what no longer is reported: one fix may repair several
    # findings (all positional add_weight calls of a method) or another rule's too.
    before: Optional[Counter[str]] = None
    start = text
    for _ in range(MAX_PASSES):
        lines = _LINE.findall(text)
        noqa = NoqaLines(lines)
        chosen: List[Tuple[Finding, Fix]] = []
        declined: List[Tuple[Finding, str]] = []
        fixable: Counter[str] = Counter()
        for finding in lint(text, settings, filename=filename):
            fix = fix_for(finding.code)
            if fix is None or finding.subject is None or not selects(finding.code, select):
                continue
            if at is not None and (finding.line, finding.col) != at:
                continue
            if noqa.silences(finding.line, finding.code):
                continue
            fixable[finding.code] += 1
            outcome = _outcome(fix, finding)
            if isinstance(outcome, Declined):
                declined.append((finding, outcome.reason))
            elif not any(outcome.overlaps(other) for _, other in chosen):
                chosen.append((finding, outcome))  # the others wait for the next pass
        if before is None:
            before = fixable
        fixed = _apply(lines, [fix for _, fix in chosen], newline) if chosen else text
        # A second pass could meet another finding that the fix moved to ``at``.
        if fixed == text or (at is not None and text != start):
            result.declined = declined
            result.applied = before - fixable
            break
        if not _parses(fixed, with_libcst):
            codes = ", ".join(sorted({f.code for f, _ in chosen}))
            result.error = f"a fix ({codes}) produced code that does not parse; left unchanged"
            result.source = source
            return result
        text = fixed
    else:
        result.error = "the fixes did not converge; left unchanged"
        return result
    result.source = bom + text
    return result


def _outcome(fix: FixFunction, finding: Finding) -> FixOutcome:
    try:
        outcome = fix(finding)
    except SourceUnavailable as why:
        return Declined(str(why))
    except Exception as error:  # noqa: BLE001 - a broken fixer declines, never crashes
        return Declined(f"internal error in the fix: {type(error).__name__}: {error}")
    return outcome


def _apply(lines: List[str], fixes: List[Fix], newline: str) -> str:
    out = list(lines)
    # Bottom up, so earlier lines keep their numbers; at the same line a replacement
    # goes before an insertion there (``last < first``), which then lands above it.
    edits = sorted(
        (edit for fix in fixes for edit in fix.edits), key=lambda e: (-e.first, e.last < e.first)
    )
    for edit in edits:
        text = edit.text if newline == "\n" else edit.text.replace("\n", newline)
        out[edit.first - 1 : edit.last] = [text]
    return "".join(out)


def _newline(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else "\n"


def _parses(text: str, with_libcst: bool) -> bool:
    try:
        ast.parse(text)
        if with_libcst:
            cst.parse_module(text)
    except Exception:  # noqa: BLE001 - both parsers raise several types
        return False
    return True

