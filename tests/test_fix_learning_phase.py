"""KLB302's fix beyond the rule's examples: the line edits that replace
``learning_phase()``, and the uses it declines."""

from __future__ import annotations

import textwrap

import pytest

from flake8_keras_build.fixes.runner import fix_source
from tests.fixing import fix_code

PHASE = """
import tensorflow as tf
from tensorflow.keras import backend as K


class Noisy(tf.keras.layers.Layer):
    def call(self, inputs, training=None):
        {line}
        return inputs
"""


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "training = K.learning_phase() if training is None else training",
            "training = False if training is None else training",
        ),
        ('y = "éé" if K.learning_phase() else 1', 'y = "éé" if training else 1'),
        ("y = not K.learning_phase()", "y = not training"),
        ("y = K.in_train_phase(1, 0, training=K.learning_phase(\n        ))", "y = K.in_train_phase(1, 0, training=training)"),
    ],
)
def test_learning_phase_replaced(line: str, expected: str) -> None:
    source, declined = fix_code(PHASE.format(line=line), ("KLB302",))
    assert f"        {expected}\n" in source
    assert declined == []


@pytest.mark.parametrize(
    "line, reason",
    [
        ("y = K.learning_phase() + 1", "replace it by hand"),
        ("f = lambda: K.learning_phase()", "nested in call()"),
        ("phase = K.learning_phase()", "replace it by hand"),
    ],
)
def test_learning_phase_declined(line: str, reason: str) -> None:
    code = PHASE.format(line=line)
    source, declined = fix_code(code, ("KLB302",))
    assert source == textwrap.dedent(code).lstrip("\n")
    assert reason in declined[0]


def test_learning_phase_keeps_crlf() -> None:
    code = textwrap.dedent(PHASE.format(line="if K.learning_phase(): pass")).lstrip("\n")
    result = fix_source(code.replace("\n", "\r\n"), select=("KLB302",))
    assert "        if training: pass\r\n" in result.source
    assert "\n" not in result.source.replace("\r\n", "")
