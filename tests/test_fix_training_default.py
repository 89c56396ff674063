"""KLB303's fix beyond the rule's examples: the default an annotated ``training``
gets."""

from __future__ import annotations

import pytest

from tests.fixing import fix_code

TRAINING = """
import keras


class Noisy(keras.layers.Layer):
    def call(self, {params}):
        return inputs
"""


@pytest.mark.parametrize(
    "params, expected",
    [
        ("inputs, *, training, mask", "inputs, *, training=None, mask"),
        ("inputs, training: Optional[bool]", "inputs, training: Optional[bool] = None"),
        ('inputs, training: "bool | None"', 'inputs, training: "bool | None" = None'),
        ("inputs, training: Union[bool, tf.Tensor]", "inputs, training: Union[bool, tf.Tensor] = False"),
    ],
)
def test_training_default(params: str, expected: str) -> None:
    source, declined = fix_code(TRAINING.format(params=params), ("KLB303",))
    assert f"def call(self, {expected}):" in source
    assert declined == []


def test_training_default_declines_an_annotation_without_none_or_false() -> None:
    source, declined = fix_code(TRAINING.format(params="inputs, training: tf.Tensor"), ("KLB303",))
    assert "training: tf.Tensor)" in source
    assert "admits neither" in declined[0]
