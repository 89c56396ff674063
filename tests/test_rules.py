"""Every rule's examples are its tests: invalid ones report exactly the marked lines,
valid ones (the traps) report nothing."""

from __future__ import annotations

import re
from typing import List, Tuple

import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.rules import RULES
from flake8_keras_build.rules.base import Example, Rule
from tests.seed import SEED

CASES: List[Tuple[Rule, str, Example]] = []
for _rule in RULES:
    CASES += [(_rule, "invalid", ex) for ex in _rule.invalid]
    CASES += [(_rule, "valid", ex) for ex in _rule.valid]


def _case_id(case: Tuple[Rule, str, Example]) -> str:
    rule, kind, example = case
    examples = rule.invalid if kind == "invalid" else rule.valid
    return f"{rule.code}-{kind}-{examples.index(example) + 1}"  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_example(case: Tuple[Rule, str, Example]) -> None:
    rule, kind, example = case
    found = [f for f in lint(example.source, example.settings) if f.code == rule.code]
    if kind == "invalid":
        assert example.expected_lines(), "an invalid example must mark a line with '# error'"
        assert sorted(f.line for f in found) == example.expected_lines()
        for finding in found:
            assert "\n" not in finding.message and finding.message.strip() == finding.message
    else:
        assert found == [], example.note


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"KLB[0-9]{3}", rule.code)
    assert rule.invalid and rule.valid
    assert all(ex.note for ex in rule.valid), "every trap says why it is not flagged"
    for text in (rule.title, rule.what, rule.why, rule.use_instead):
        assert text.strip()


def test_codes_are_unique_and_sorted() -> None:
    codes = [rule.code for rule in RULES]
    assert codes == sorted(set(codes))


def test_use_instead_is_clean() -> None:
    """The recommended code of each rule triggers no rule at all."""
    import textwrap

    for rule in RULES:
        assert lint(textwrap.dedent(rule.use_instead)) == [], rule.code




def test_seed_case() -> None:
    found = {(f.line, f.code) for f in lint(SEED)}
    assert found == {
        (5, "KLB201"),  # no super().__init__()
        (5, "KLB203"),  # no **kwargs
        (7, "KLB105"),
        (8, "KLB301"),  # add_weight("kernel", ...)
        (9, "KLB101"),
        (10, "KLB104"),
    }


def test_seed_without_layer_base_is_clean() -> None:
    plain = SEED.replace("(tf.keras.layers.Layer)", "")
    assert lint(plain) == []


def test_opt_in_codes_are_rules() -> None:
    from flake8_keras_build.opt_in import OPT_IN_CODES

    codes = {rule.code for rule in RULES}
    assert set(OPT_IN_CODES) <= codes
    assert {rule.code for rule in RULES if not rule.default_on} == set(OPT_IN_CODES)
