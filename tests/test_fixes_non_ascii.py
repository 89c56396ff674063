"""Fixes on code with non-ASCII names, strings and comments before the fixed site.

ast counts columns in UTF-8 bytes and libcst in characters. The pairing of a fact's
ast node with its libcst twin goes node by node; where the two walks are out of
step it falls back to positions, and those must be compared in one unit, or a
node after non-ASCII text on its line is lost and the fix declines. Each fixable
rule's first fixed example is run in both pairing modes, made non-ASCII by
renames that the fix never writes itself (so the expected code is the example's
fixed code, renamed alike).
"""

from __future__ import annotations

import re
from typing import List, Tuple

import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.fixes import cst_source
from flake8_keras_build.fixes.runner import fix_source
from flake8_keras_build.rules import RULES
from flake8_keras_build.rules.base import Invalid, Rule

# Identifiers of the examples that no fix synthesizes: renamed in the example and
# in its expected fixed code alike. ``self.ŵ = self.add_weight(...)`` puts
# non-ASCII text before the flagged call on its line.
_RENAMES = (
    (re.compile(r"\binputs\b"), "entrées"),
    (re.compile(r"\bself\.w\b"), "self.ŵ"),
    (re.compile(r"\bkernel\b"), "kernél"),
    (re.compile(r"\bself\.proj\b"), "self.prój"),
    (re.compile(r"\bdepth\b"), "tiefé"),
)
# Names, a string and a comment above every class.
_HEADER = 'ÉTIQUETTE = "naïve"  # ünïcode: ✓\n'


def non_ascii(code: str) -> str:
    for pattern, name in _RENAMES:
        code = pattern.sub(name, code)
    lines = code.splitlines(keepends=True)
    last_import = max(i for i, line in enumerate(lines) if line.startswith(("import ", "from ")))
    return "".join(lines[: last_import + 1] + ["\n", _HEADER] + lines[last_import + 1 :])


CASES: List[Tuple[Rule, Invalid]] = [
    (rule, next(example for example in rule.invalid if example.fixed))
    for rule in RULES
    if rule.fixable
]


def test_the_renames_reach_every_example() -> None:
    changed = [rule.code for rule, example in CASES if non_ascii(example.shown).isascii()]
    assert changed == []


@pytest.mark.parametrize("pairing", ["in order", "by position"])
@pytest.mark.parametrize("case", CASES, ids=[rule.code for rule, _ in CASES])
def test_fix_applies_after_non_ascii_text(
    case: Tuple[Rule, Invalid], pairing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule, example = case
    if pairing == "by position":
        # Every method is then paired by libcst's positions against the ast's.
        monkeypatch.setattr(cst_source, "pair_in_order", lambda twins, nodes: None)
    source = non_ascii(example.shown)
    result = fix_source(source, example.settings, select=(rule.code,))
    assert result.error is None
    assert not result.declined, result.declined
    assert result.source == non_ascii(example.fixed_source)
    assert [f for f in lint(result.source, example.settings) if f.code == rule.code] == []


def test_a_call_after_non_ascii_text_pairs_by_position(monkeypatch: pytest.MonkeyPatch) -> None:
    # The case the byte/character mix-up lost: a flagged call after a non-ASCII name
    # on its line, paired by position.
    monkeypatch.setattr(cst_source, "pair_in_order", lambda twins, nodes: None)
    source = (
        "import keras\n\n\n"
        "class Größe(keras.layers.Layer):\n"
        "    def build(self, input_shape):\n"
        '        self.größe = self.add_weight("größe", (input_shape[-1],))\n'
        "        super().build(input_shape)\n"
    )
    result = fix_source(source, select=("KLB301",))
    assert result.applied["KLB301"] == 1, result.declined
    assert 'self.größe = self.add_weight(name="größe", shape=(input_shape[-1],))' in result.source
