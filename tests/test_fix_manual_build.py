"""KLB104's fix beyond the rule's examples: which ``build()`` calls it removes and
which it leaves, with the reason."""

from __future__ import annotations

import textwrap

from tests.fixing import fix_code

BUILD_IN_CALL = """
import keras


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        {build}

    def call(self, inputs):
        {call}
        return inputs
"""


def test_manual_build_keeps_a_used_value_and_removes_the_rest() -> None:
    code = BUILD_IN_CALL.format(
        build="self.w = self.add_weight(shape=(input_shape[-1],))",
        call="y = self.build(inputs.shape)\n        self.build(inputs.shape)",
    )
    source, declined = fix_code(code, ("KLB104",))
    assert "y = self.build(inputs.shape)" in source
    assert source.count("self.build(") == 1
    assert declined == ["the value of the call is used"]


def test_manual_build_declines_a_build_without_state() -> None:
    code = BUILD_IN_CALL.format(
        build="self.steps = input_shape[1]", call="self.build(inputs.shape)"
    )
    source, declined = fix_code(code, ("KLB104",))
    assert source == textwrap.dedent(code).lstrip("\n")
    assert "creates no weights" in declined[0]


def test_manual_build_in_a_dunder_call_without_super() -> None:
    code = """
    import keras


    class Scale(keras.layers.Layer):
        def __call__(self, inputs):
            self.build(inputs.shape)
            return inputs
    """
    source, declined = fix_code(code, ("KLB104",))
    assert "self.build(inputs.shape)" in source
    assert "KLB101" in declined[0]
