"""KLB108's fix beyond the rule's examples: where the shape goes, and when there is
none to pass."""

from __future__ import annotations

from tests.fixing import fix_code


def test_after_self_keeping_a_trailing_comma() -> None:
    source, declined = fix_code(
        """
        import keras


        class Scale(keras.layers.Layer):
            def build(self, shape):
                self.w = self.add_weight(shape=(shape[-1],))
                keras.layers.Layer.build(self,)
        """,
        ("KLB108",),
    )
    assert "keras.layers.Layer.build(self, shape,)" in source
    assert declined == []


def test_each_call_of_a_build_gets_the_shape() -> None:
    source, declined = fix_code(
        """
        import keras


        class Scale(keras.layers.Layer):
            def build(self, input_shape):
                if input_shape[-1] is None:
                    super().build()
                else:
                    self.w = self.add_weight(shape=(input_shape[-1],))
                    super().build()
        """,
        ("KLB108",),
    )
    assert source.count("super().build(input_shape)") == 2
    assert declined == []


def test_declines_without_a_shape_parameter() -> None:
    source, declined = fix_code(
        """
        import keras


        class Bias(keras.layers.Layer):
            def build(self):
                self.b = self.add_weight(shape=(4,))
                super().build()
        """,
        ("KLB108",),
    )
    assert "super().build()" in source
    assert declined == ["build() has no shape parameter to pass on"]
