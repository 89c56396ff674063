"""The runtime evidence: how examples are keyed, how each flavour's run is merged into
the file, and how the docs render it (sections, table, staleness)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

from flake8_keras_build import evidence
from flake8_keras_build.docs import render_rule, stale_docs, write_docs
from flake8_keras_build.evidence import example_refs
from flake8_keras_build.rules import RULES, RULES_BY_CODE
from flake8_keras_build.rules.base import Invalid, Rule, Valid
from flake8_keras_build.settings import Settings


class TwoScales(Rule):
    code = "KLB198"
    name = "two-scales"
    title = "a test rule"
    what = why = "Text."
    use_instead = "x = 1"
    invalid = (
        Invalid(
            """
            class Base:
                pass


            class Scale(Base):
                x = 1  # error
            """,
            fixed="class Scale:\n    x = 2\n",
        ),
        Invalid("class Scale:\n    y = 1  # error\n", note="the same class name again"),
        Invalid("x = 2  # error\n", note="module level"),
    )
    valid = (Valid("class Scale:\n    pass\n", note="kept", settings=Settings(keras_version="2")),)


def test_keys_name_the_flagged_class_and_number_repeats() -> None:
    refs = example_refs(TwoScales())
    assert [(r.kind, r.number, r.key) for r in refs] == [
        ("invalid", 1, "invalid:Scale"),
        ("fixed", 1, "fixed:Scale"),
        ("invalid", 2, "invalid:Scale#2"),
        ("invalid", 3, "invalid:<module>"),
        ("valid", 1, "valid:Scale"),
    ]
    assert refs[1].source == "class Scale:\n    x = 2\n"
    assert "# error" not in refs[0].source


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_keys_are_unique(rule: Rule) -> None:
    keys = [ref.key for ref in example_refs(rule)]
    assert len(keys) == len(set(keys))


def _entry(harm: bool, *observed: str, gap: str = "") -> Dict[str, Any]:
    result: Dict[str, Any] = {"harm": harm, "observed": list(observed)}
    if gap:
        result["gap"] = gap
    return result


def test_merge_replaces_one_flavour_and_keeps_the_other() -> None:
    first = evidence.merge(None, "keras3", {"keras": "3.1"}, {"KLB101": {"invalid:Scale": _entry(True, "a")}})
    both = evidence.merge(first, "tf_keras", {"tf_keras": "2.1"}, {"KLB101": {"invalid:Scale": _entry(False)}})
    again = evidence.merge(both, "keras3", {"keras": "3.2"}, {"KLB101": {"valid:Logged": _entry(False)}})
    keras3 = again["flavours"]["keras3"]
    assert keras3["versions"] == {"keras": "3.2"}
    assert set(keras3["examples"]["KLB101"]) == {"invalid:Scale", "valid:Logged"}
    assert again["flavours"]["tf_keras"] == both["flavours"]["tf_keras"]
    assert first["flavours"]["keras3"]["versions"] == {"keras": "3.1"}, "merge copies"


def test_prune_drops_entries_of_examples_that_are_gone() -> None:
    data = evidence.merge(
        None,
        "keras3",
        {},
        {"KLB101": {"invalid:Scale": _entry(True), "invalid:Gone": _entry(True)}, "KLB999": {"x": _entry(True)}},
    )
    pruned = evidence.prune(data, RULES)
    assert pruned["flavours"]["keras3"]["examples"] == {"KLB101": {"invalid:Scale": _entry(True)}}


def test_dumps_is_stable() -> None:
    data = evidence.merge(None, "keras3", {"keras": "3"}, {"KLB101": {"invalid:Scale": _entry(True, "é")}})
    text = evidence.dumps(data)
    assert text == evidence.dumps(json.loads(text)) and text.endswith("}\n") and "é" in text


def test_code_spans_survive_backticks() -> None:
    assert evidence._code("plain") == "`plain`"
    assert evidence._code("a `b` c") == "``a `b` c``"
    assert evidence._code("`x`") == "`` `x` ``"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose lane recorded one harm, one gap and nothing else."""
    data = evidence.merge(
        None,
        "keras3",
        {"keras": "3.15.1", "jax": "0.10.2"},
        {
            "KLB101": {
                "invalid:Scale": _entry(True, "call 1: raises AttributeError: 'Scale' has no `w`"),
                "valid:Logged": _entry(True, "call 1: raises X", gap="a reason"),
            }
        },
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / evidence.EVIDENCE).write_text(evidence.dumps(data), encoding="utf-8")
    write_docs(tmp_path)
    return tmp_path


def test_pages_quote_what_was_observed(project: Path) -> None:
    page = (project / "docs" / "rules" / "KLB101.md").read_text(encoding="utf-8")
    section = page[page.index("## Runtime evidence") :]
    assert "under Keras 3 (keras 3.15.1, jax 0.10.2)" in section
    assert "- Keras 3: **harm**\n  - `` call 1: raises AttributeError: 'Scale' has no `w` ``" in section
    assert "- tf-keras 2: no runtime evidence" in section
    assert "**harm, contrary to the rule** (a reason)" in section
    assert "No runtime evidence: invalid example 1, fixed (`Scale`)" in section
    assert page.endswith("\n") and not page.endswith("\n\n")


def test_the_table_says_which_rules_have_evidence(project: Path) -> None:
    table = (project / evidence.TABLE).read_text(encoding="utf-8")
    assert "- Keras 3: keras 3.15.1, jax 0.10.2\n- tf-keras 2: not run" in table
    assert "Contradictions left (⚠ cells): Keras 3: 1." in table
    assert "| [KLB101](rules/KLB101.md) | harm in 1 of 1 ⚠ `valid:Logged` | no runtime evidence |" in table
    assert "| [KLB102](rules/KLB102.md) | no runtime evidence | no runtime evidence |" in table
    assert "| KLB101 | invalid example 1 `Scale` | harm | no runtime evidence |" in table
    assert "| KLB101 | valid example 1 `Logged` | harm ⚠ | no runtime evidence |" in table
    assert len([line for line in table.splitlines() if line.startswith("| [KLB")]) == len(RULES)


def test_changed_evidence_makes_the_docs_stale(project: Path) -> None:
    assert stale_docs(project) == []
    path = project / evidence.EVIDENCE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["flavours"]["keras3"]["examples"]["KLB101"]["invalid:Scale"]["harm"] = False
    path.write_text(evidence.dumps(data), encoding="utf-8")
    assert stale_docs(project) == [project / "docs/rules/KLB101.md", project / evidence.TABLE]


def test_no_evidence_file_no_section_and_no_table(tmp_path: Path) -> None:
    assert "## Runtime evidence" not in render_rule(RULES_BY_CODE["KLB101"], tmp_path)
    assert evidence.generated_files(tmp_path, RULES) == {}


def test_a_valid_example_for_one_version_explains_its_harm() -> None:
    rule = TwoScales()
    ref = [r for r in example_refs(rule) if r.kind == "valid"][0]
    text = evidence._explain(ref, "keras3", _entry(True))
    assert text == "harm (expected: the example is valid with `--keras-version=2`)"
    assert evidence._explain(ref, "tf_keras", _entry(False)) == "behaves"


def test_contradictions_are_counted_per_flavour() -> None:
    data = evidence.merge(
        None,
        "keras3",
        {"keras": "3"},
        {"KLB101": {"invalid:Scale": _entry(False, gap="why"), "valid:Logged": _entry(True, gap="why")}},
    )
    data = evidence.merge(data, "tf_keras", {"tf_keras": "2"}, {"KLB101": {"invalid:Scale": _entry(True)}})
    assert evidence.contradictions(RULES, data, "keras3") == ["KLB101 invalid:Scale", "KLB101 valid:Logged"]
    assert evidence.contradictions(RULES, data, "tf_keras") == []
    assert "Contradictions left (⚠ cells): Keras 3: 2, tf-keras 2: 0." in evidence.render_table(RULES, data)
