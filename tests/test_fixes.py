"""Fixes, tested through the rules' examples: an invalid example with ``fixed`` code
is turned into exactly that code, which the rule no longer reports and which a second
run leaves alone; an invalid example without it is left byte for byte."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.fixes.runner import fix_source
from flake8_keras_build.rules import RULES
from flake8_keras_build.rules.base import Invalid, Rule

CASES: List[Tuple[Rule, int, Invalid]] = [
    (rule, number, example)
    for rule in RULES
    if rule.fixable
    for number, example in enumerate(rule.invalid, start=1)
]


@pytest.mark.parametrize("case", CASES, ids=[f"{r.code}-invalid-{n}" for r, n, _ in CASES])
def test_fix_example(case: Tuple[Rule, int, Invalid]) -> None:
    rule, _, example = case
    result = fix_source(example.shown, example.settings, select=(rule.code,))
    assert result.error is None
    if not example.fixed:
        assert result.source == example.shown, "this example's finding has no fix"
        assert result.declined, "a fixable rule says why it leaves a finding"
        return
    assert result.source == example.fixed_source
    assert result.applied[rule.code] >= 1
    assert [f for f in lint(result.source, example.settings) if f.code == rule.code] == []
    again = fix_source(result.source, example.settings)
    assert again.source == result.source, "a second run changes nothing"


def test_fixable_rules_have_a_fix_and_only_they() -> None:
    """The docs' "Fix available" (examples with fixed code) matches the registry."""
    from flake8_keras_build.fixes.registry import fix_for

    for rule in RULES:
        assert rule.fixable == (fix_for(rule.code) is not None), rule.code
