"""Every rule's examples under real Keras: an invalid example does the harm its rule
describes, its fixed code and the valid examples do not (``pytest -m runtime``).

Each test runs one example under one flavour; a flavour that is not installed skips
with the reason. An example without a scenario skips too, and the docs list it as
"no runtime evidence".
"""

from __future__ import annotations

import re
from typing import Any, List, Optional, Tuple

import pytest

from flake8_keras_build import evidence
from flake8_keras_build.evidence import ExampleRef, example_refs
from flake8_keras_build.rules import RULES
from flake8_keras_build.rules.base import Rule
from tests.runtime import flavours, scenarios  # noqa: F401 - registers the scenarios
from tests.runtime.conftest import Recorder, check_committed, load_flavour
from tests.runtime.harness import SCENARIOS, Run

pytestmark = pytest.mark.runtime

CASES: List[Tuple[Rule, ExampleRef]] = [(rule, ref) for rule in RULES for ref in example_refs(rule)]


def _plain(text: str) -> str:
    """Text as a reader sees it: no Markdown backticks, single spaces."""
    return " ".join(text.replace("`", "").split())


def _says(haystack: str, phrase: str) -> bool:
    return _plain(phrase) in _plain(haystack)


@pytest.mark.parametrize("flavour_name", flavours.FLAVOURS)
@pytest.mark.parametrize("case", CASES, ids=[f"{r.code}-{ref.key}" for r, ref in CASES])
def test_example(
    case: Tuple[Rule, ExampleRef],
    flavour_name: str,
    recorder: Recorder,
    committed: Optional[evidence.Evidence],
) -> None:
    rule, ref = case
    flavour = load_flavour(flavour_name)
    scenario = SCENARIOS.get((rule.code, ref.key))
    if scenario is None:
        pytest.skip(
            f"no runtime scenario for {rule.code} {ref.key} (listed as 'no runtime "
            "evidence' in docs/runtime-evidence.md); add one to tests/runtime/scenarios.py"
        )
    recorded = evidence.entry(committed, flavour.name, rule.code, ref.key)
    if scenario.probe is None:
        entry: Any = {"not_run": scenario.not_run}
        recorder.record(flavour, rule.code, ref.key, entry)
        check_committed(committed, flavour, recorded, entry, f"{rule.code} {ref.key}")
        pytest.skip(f"not run: {scenario.not_run}")

    flavour.reset()
    subject = None if ref.subject == evidence.MODULE else ref.subject
    filename = re.sub(r"\W", "_", f"{rule.code}_{ref.key}") + ".py"
    run = Run(flavour, ref.source, filename, subject)
    harm = scenario.probe(run)
    observed = "\n".join(run.lines)
    expected = scenario.harm[flavour.name]
    assert harm == expected, (
        f"{rule.code} {ref.key} under {flavour.label} ({flavour.description}): expected "
        f"{'the harm' if expected else 'no harm'}, observed:\n{observed}"
    )
    for phrase in scenario.quote.get(flavour.name, ()):
        assert _says(rule.why, phrase), f"{rule.code}'s doc does not quote {phrase!r}"
        assert _says(observed, phrase), f"Keras did not say {phrase!r}:\n{observed}"

    entry = {"harm": harm, "observed": run.lines}
    gap = scenario.gaps.get(flavour.name)
    if gap:
        entry["gap"] = gap
    recorder.record(flavour, rule.code, ref.key, entry)
    check_committed(committed, flavour, recorded, entry, f"{rule.code} {ref.key}")
    if gap:
        pytest.xfail(f"contrary to the rule: {gap}")
