"""Fixes, tested through the rules' examples: an invalid example with ``fixed`` code
is turned into exactly that code, which the rule no longer reports and which a second
run leaves alone; an invalid example without it is left byte for byte."""

from __future__ import annotations

import dataclasses
from typing import List, Tuple

import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.fixes.runner import fix_source
from flake8_keras_build.model import Subject
from flake8_keras_build.rules import RULES
from flake8_keras_build.rules.base import Invalid, Rule
from tests.fixing import fix_code

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
    again = fix_source(result.source, example.settings, select=(rule.code,))
    assert again.source == result.source, "a second run changes nothing"


@pytest.mark.parametrize("case", CASES, ids=[f"{r.code}-invalid-{n}" for r, n, _ in CASES])
def test_subject_is_the_rules_own_frozen_dataclass(case: Tuple[Rule, int, Invalid]) -> None:
    """Each fixable rule hands its fix a typed subject defined next to the rule: the
    fix reads named fields, never an untyped bag of keys."""
    rule, _, example = case
    findings = [f for f in lint(example.shown, example.settings) if f.code == rule.code]
    assert findings
    for finding in findings:
        subject = finding.subject
        assert isinstance(subject, Subject)
        kind = type(subject)
        assert kind.__module__ == type(rule).__module__
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_fixable_rules_have_a_fix_and_only_they() -> None:
    """The docs' "Fix available" (examples with fixed code) matches the registry."""
    from flake8_keras_build.fixes.registry import fix_for

    for rule in RULES:
        assert rule.fixable == (fix_for(rule.code) is not None), rule.code


@pytest.mark.parametrize("select", [(), ("KLB2",)], ids=["all", "KLB2"])
def test_seed_init_calls_super_init_with_kwargs(select: Tuple[str, ...]) -> None:
    """KLB201 and KLB203 both fire on the seed's ``__init__``; the runner applies one
    fix per method and pass, and the two must converge on the code a Keras user
    writes, whichever fixes run alongside."""
    from tests.seed import SEED

    result = fix_source(SEED, select=select)
    assert result.error is None
    lines = result.source.splitlines()
    start = next(i for i, line in enumerate(lines) if "def __init__" in line)
    assert lines[start : start + 3] == [
        "  def __init__(self, num_outputs, **kwargs):",
        "    super().__init__(**kwargs)",
        "    self.num_outputs = num_outputs",
    ]
    assert {"KLB201", "KLB203"}.isdisjoint(f.code for f in lint(result.source))
    assert fix_source(result.source, select=select).source == result.source


def test_seed_init_kwargs_alone_waits_for_super_init() -> None:
    """Without KLB201's fix there is no super().__init__() to pass **kwargs to: KLB203
    leaves the seed alone (a **kwargs nothing reads would hide the TypeError)."""
    from tests.seed import SEED

    result = fix_source(SEED, select=("KLB203",))
    assert result.source == SEED
    assert [(f.code, "KLB201" in why) for f, why in result.declined] == [("KLB203", True)]


def test_both_fixes_on_one_get_config_converge() -> None:
    fixed_source, declined = fix_code(
        """
        import keras


        class Scale(keras.layers.Layer):
            def __init__(self, factor, bias=0.0, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor
                self.bias = bias

            def get_config(self):
                return {"factor": self.factor}
        """,
        ("KLB205", "KLB206"),
    )
    assert declined == []
    # On one line the return would pass 80 columns.
    assert (
        "        return {\n"
        "            **super().get_config(),\n"
        '            "factor": self.factor,\n'
        '            "bias": self.bias,\n'
        "        }\n"
    ) in fixed_source
    assert [f.code for f in lint(fixed_source) if f.code in ("KLB205", "KLB206")] == []
