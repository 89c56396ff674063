"""KLB102's fix beyond the rule's examples: where the moved statement lands in an
existing ``build()``."""

from __future__ import annotations

import textwrap

import pytest

from flake8_keras_build.fixes.runner import fix_source

_LAYER = """
import keras


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.b = self.add_weight(shape=(1,))
        {base_build}
        self.built_extra = True

    def call(self, inputs):
        self.w = self.add_weight(shape=(inputs.shape[-1],))
        return inputs * self.w + self.b
"""


@pytest.mark.parametrize(
    "base_build",
    ["super().build(input_shape)", "keras.layers.Layer.build(self, input_shape)"],
)
def test_the_weight_lands_above_the_base_build(base_build: str) -> None:
    # The base build marks the layer built: the weight must exist before it runs,
    # whichever way the base is named (the model's super-call fact, not the text).
    source = textwrap.dedent(_LAYER.format(base_build=base_build)).lstrip()
    result = fix_source(source, select=("KLB102",))
    assert result.applied["KLB102"] == 1, result.declined
    build = result.source.split("def call")[0].splitlines()
    moved = build.index("        self.w = self.add_weight(shape=(input_shape[-1],))")
    assert build[moved + 1] == f"        {base_build}"


def test_without_a_base_build_the_weight_goes_last() -> None:
    source = textwrap.dedent(_LAYER.format(base_build="pass")).lstrip()
    result = fix_source(source, select=("KLB102",))
    assert result.applied["KLB102"] == 1, result.declined
    build = result.source.split("def call")[0].rstrip().splitlines()
    assert build[-1] == "        self.w = self.add_weight(shape=(input_shape[-1],))"
