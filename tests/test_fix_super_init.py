"""KLB201's fix of ``super(Layer, self).__init__(...)`` beyond the rule's examples:
where ``super()`` would reach another ``__init__``, it declines."""

from __future__ import annotations

from tests.fixing import fix_code


def test_through_an_ancestor_without_init() -> None:
    source, declined = fix_code(
        """
        import keras


        class Base(keras.layers.Layer):
            def call(self, inputs):
                return inputs


        class Scale(Base):
            def __init__(self, **kwargs):
                super(keras.layers.Layer, self).__init__(**kwargs)
        """,
        ("KLB201",),
    )
    assert "        super().__init__(**kwargs)\n" in source
    assert declined == []


def test_declines_past_an_ancestor_with_init() -> None:
    source, declined = fix_code(
        """
        import keras


        class Base(keras.layers.Layer):
            def __init__(self, scale, **kwargs):
                super().__init__(**kwargs)
                self.scale = scale


        class Scale(Base):
            def __init__(self, **kwargs):
                super(keras.layers.Layer, self).__init__(**kwargs)
        """,
        ("KLB201",),
    )
    assert "super(keras.layers.Layer, self).__init__(**kwargs)" in source
    assert declined == [
        "super().__init__() would run another __init__(), not Layer.__init__(); call it by hand"
    ]


def test_declines_with_a_mixin() -> None:
    source, declined = fix_code(
        """
        import keras


        class Mixin:
            pass


        class Scale(keras.layers.Layer, Mixin):
            def __init__(self, **kwargs):
                super(keras.layers.Layer, self).__init__(**kwargs)
        """,
        ("KLB201",),
    )
    assert "super(keras.layers.Layer, self)" in source
    assert len(declined) == 1


def test_declines_in_a_nested_function() -> None:
    source, declined = fix_code(
        """
        import keras


        class Scale(keras.layers.Layer):
            def __init__(self, **kwargs):
                def start():
                    super(keras.layers.Layer, self).__init__(**kwargs)

                start()
        """,
        ("KLB201",),
    )
    assert "super(keras.layers.Layer, self)" in source
    assert declined == ["the call is in a nested function, where super() needs its arguments"]


def test_keeps_the_arguments_and_their_layout() -> None:
    source, declined = fix_code(
        """
        from tensorflow.keras.layers import Layer


        class Scale(Layer):
            def __init__(self, factor, **kwargs):
                super(Layer, self).__init__(
                    name="scale",  # fixed name
                    **kwargs,
                )
                self.factor = factor
        """,
        ("KLB201",),
    )
    assert '        super().__init__(\n            name="scale",  # fixed name\n' in source
    assert declined == []
