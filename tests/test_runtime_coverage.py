"""The runtime lane's bookkeeping, checked without Keras: every rule has a scenario
for an invalid example and recorded evidence of its harm, no scenario is left without
its example, and CI runs what the README says."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from flake8_keras_build import evidence
from flake8_keras_build.evidence import example_refs
from flake8_keras_build.rules import RULES
from flake8_keras_build.rules.base import Rule
from tests.runtime import scenarios  # noqa: F401 - registers the scenarios
from tests.runtime.harness import SCENARIOS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_has_an_exercised_invalid_example(rule: Rule) -> None:
    exercised = [
        ref.key
        for ref in example_refs(rule)
        if ref.kind == "invalid"
        and (scenario := SCENARIOS.get((rule.code, ref.key))) is not None
        and scenario.probe is not None
    ]
    assert exercised, f"no invalid example of {rule.code} has a scenario in tests/runtime/scenarios.py"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_has_recorded_harm(rule: Rule) -> None:
    """Some invalid example of each rule was seen doing harm in some Keras."""
    recorded = evidence.load(ROOT)
    assert recorded is not None, f"{evidence.EVIDENCE} is missing"
    harmed = [
        (flavour, ref.key)
        for ref in example_refs(rule)
        if ref.kind == "invalid"
        for flavour, _ in evidence.FLAVOURS
        if (entry := evidence.entry(recorded, flavour, rule.code, ref.key)) and entry.get("harm")
    ]
    assert harmed, f"no recorded harm for {rule.code}; run the lane with {evidence.RECORD_VARIABLE}=1"


@pytest.mark.parametrize("flavour", [name for name, _ in evidence.FLAVOURS])
def test_no_contradiction_is_recorded(flavour: str) -> None:
    """Issue 12: every result agrees with its rule, or the rule exempts that version
    (a scenario then expects the harm and records no gap)."""
    recorded = evidence.load(ROOT)
    assert recorded is not None, f"{evidence.EVIDENCE} is missing"
    assert evidence.contradictions(RULES, recorded, flavour) == []


def test_every_scenario_has_its_example() -> None:
    """A renamed class or a removed example leaves its scenario behind: say so."""
    keys = {(rule.code, ref.key) for rule in RULES for ref in example_refs(rule)}
    orphans = [key for key, s in SCENARIOS.items() if not s.implicit and key not in keys]
    assert orphans == []


def _command(text: str) -> str:
    return " ".join(shlex.split(text))


def test_ci_runs_the_readme_test_command() -> None:
    if not (ROOT / ".ci" / "run").is_file():
        pytest.skip("no .ci/run here (the sdist does not ship it)")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```sh\n(python -m pip install -e [^\n]*pytest)\n```", readme)
    assert match, "the README shows the test set-up command in a sh block"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line.startswith("python -m pip install")]
    assert [_command(c) for c in commands] == [_command(match.group(1))]
