"""KLB109's fix beyond the rule's examples: the list goes only when Keras tracks
every weight it names by itself, and its statement is alone on its line."""

from __future__ import annotations

import pytest

from tests.fixing import fix_code

LAYER = """
import keras
import tensorflow as tf


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        {body}

    def call(self, inputs):
        return inputs
"""


def fix(body: str) -> tuple[str, list[str]]:
    return fix_code(LAYER.format(body=body), ("KLB109",))


def test_variables_assigned_in_a_branch_are_tracked() -> None:
    source, declined = fix(
        "if input_shape[-1]:\n"
        "            self.w = tf.Variable(tf.ones((input_shape[-1],)))\n"
        "            self.trainable_weights = [self.w]\n"
        "        self.built = True"
    )
    assert "trainable_weights" not in source
    assert declined == []


@pytest.mark.parametrize(
    "body, reason",
    [
        (
            "self.w = self.add_weight(shape=(4,))\n"
            "        self.w = self.w * 2\n"
            "        self.trainable_weights = [self.w]",
            "self.w is not a weight Keras tracks by itself; create it with add_weight()",
        ),
        (
            "self.w = self.add_weight(shape=(4,))\n"
            "        self.trainable_weights = [self.w, *self.extra]",
            "the value is not a list of the class's weights; register them with "
            "add_weight() instead of self.trainable_weights",
        ),
        (
            "self.w = self.add_weight(shape=(4,))\n        self.trainable_weights = []",
            "the value is not a list of the class's weights; register them with "
            "add_weight() instead of self.trainable_weights",
        ),
        (
            "self.w = self.add_weight(shape=(4,)); self.trainable_weights = [self.w]",
            "the assignment shares its line with other statements",
        ),
    ],
    ids=["reassigned", "starred", "emptied", "shared line"],
)
def test_declines(body: str, reason: str) -> None:
    source, declined = fix(body)
    assert "self.trainable_weights = [" in source
    assert declined == [reason]
