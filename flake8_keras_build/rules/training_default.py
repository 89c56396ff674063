"""KLB303: the ``training`` parameter of ``call`` without a default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..model import Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid


@dataclass(frozen=True, eq=False)
class TrainingDefaultSubject(Subject):
    """KLB303's fix gives ``call``'s ``training`` parameter a default."""

    layer: LayerClass
    call: Method


class TrainingWithoutDefault(Rule):
    code = "KLB303"
    name = "training-without-default"
    title = "`training` parameter of `call` without a default"
    what = "Flags `def call(self, x, training)`: a `training` parameter without a default."
    why = (
        "Keras 3 fills `training` only when it is known, and otherwise calls "
        "`call()` without it: `TypeError: missing a required argument: 'training'`, "
        "eagerly and in `fit` (tf-keras passes `None`, so the code works there)."
    )
    versions = "Keras 3 only"
    options = "Off with `--keras-version=2`."
    use_instead = """
        import keras


        class Noisy(keras.layers.Layer):
            def call(self, inputs, training=None):
                return inputs
    """
    not_flagged = "`training=None` or `training=False`, and `call` without `training`."
    invalid = (
        Invalid(
            """
            import keras


            class Noisy(keras.layers.Layer):
                def call(self, inputs, training):  # error
                    return inputs
            """,
            fixed="""
            import keras


            class Noisy(keras.layers.Layer):
                def call(self, inputs, training=None):
                    return inputs
            """,
        ),
        Invalid(
            """
            import keras


            class Noisy(keras.layers.Layer):
                def call(self, inputs: keras.KerasTensor, training: bool, mask=None):  # error
                    return inputs
            """,
            note=(
                "annotated `bool`: the default `False` keeps the annotation true, and "
                "both versions treat an unknown phase as inference, as with `None`"
            ),
            fixed="""
            import keras


            class Noisy(keras.layers.Layer):
                def call(self, inputs: keras.KerasTensor, training: bool = False, mask=None):
                    return inputs
            """,
        ),
        Invalid(
            """
            import keras


            class Masked(keras.layers.Layer):
                def call(self, inputs, training, mask):  # error
                    return inputs
            """,
            note=(
                "a parameter without a default after `training` (a `mask` this layer needs: "
                "given one, tf-keras runs it and Keras 3 still raises for `training`)"
            ),
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Noisy(keras.layers.Layer):
                def call(self, inputs, training=False):
                    return inputs
            """,
            note="a default",
        ),
        Valid(
            """
            import tensorflow as tf


            class Noisy(tf.keras.layers.Layer):
                def call(self, inputs, training):
                    return inputs
            """,
            note="--keras-version=2, where tf-keras passes None",
            settings=Settings(keras_version="2"),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        call = layer.methods.get("call")
        if call is None or not settings.targets_keras3():
            return
        for param in call.params:
            if param.name == "training" and param.kind in {"positional", "keyword"} and not param.has_default:
                yield self.report(
                    call.pos,
                    "call() takes training without a default: Keras 3 raises TypeError "
                    "('missing a required argument: training'); use training=None",
                    TrainingDefaultSubject(layer, call),
                )
