"""What a fix is: line-range replacements, computed from the libcst snippet of one
method, so everything outside the rewritten definition is kept byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Tuple, Type, TypeVar, Union

import libcst as cst

from ..analysis.definition_source import WRAPPER
from ..model import Finding, Method, Subject
from .cst_source import method_node, snippet


@dataclass(frozen=True)
class Edit:
    """Replace lines ``first``..``last`` (1-based, inclusive) with ``text``;
    ``last == first - 1`` inserts ``text`` above line ``first``."""

    first: int
    last: int
    text: str

    def overlaps(self, other: Edit) -> bool:
        return self.first <= other.last and other.first <= self.last


@dataclass(frozen=True)
class Fix:
    """Edits applied together or not at all."""

    edits: Tuple[Edit, ...]

    def overlaps(self, other: Fix) -> bool:
        return any(a.overlaps(b) for a in self.edits for b in other.edits)


@dataclass(frozen=True)
class Declined:
    """No fix for this finding, and why (shown to the user)."""

    reason: str


FixOutcome = Union[Fix, Declined]
# A rule's fix: takes the rule's finding (its ``subject`` holds the model objects).
FixFunction = Callable[[Finding], FixOutcome]

S = TypeVar("S", bound=Subject)


def subject_of(finding: Finding, kind: Type[S]) -> S:
    """The finding's subject, of the type its rule makes (a rule and its fix agree
    on it; anything else is a bug of ours)."""
    subject = finding.subject
    if not isinstance(subject, kind):
        raise TypeError(f"{finding.code}: a {kind.__name__} was expected, not {subject!r}")
    return subject


class CannotFix(Exception):
    """Raised by a rewrite that finds the code is not in the shape it handles."""


def rewrite(method: Method, new_node: cst.FunctionDef) -> Edit:
    """The edit that puts ``new_node`` where ``method``'s definition is."""
    parsed = snippet(method)
    if parsed is None or parsed.first_line < 1:
        raise CannotFix("the method's source is not available")
    if parsed.lossy:
        raise CannotFix("form feeds in the indentation; fix it by hand")
    module = parsed.module.deep_replace(parsed.node, new_node)
    assert isinstance(module, cst.Module)
    code = module.code
    if parsed.wrapped:
        code = code[len(WRAPPER) :]
    if parsed.added_newline and code.endswith("\n"):
        code = code[:-1]
    return Edit(parsed.first_line, parsed.last_line, code)


def method_fix(
    method: Method, transform: Callable[[cst.FunctionDef], cst.FunctionDef]
) -> FixOutcome:
    """Rewrite one method with ``transform``, which raises CannotFix to decline."""
    try:
        return Fix((rewrite(method, transform(method_node(method))),))
    except CannotFix as why:
        return Declined(str(why))
