"""KLB101: ``__call__`` overridden instead of ``call``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..model import Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid


@dataclass(frozen=True, eq=False)
class DunderCallSubject(Subject):
    """KLB101's fix renames ``__call__`` to ``call``."""

    layer: LayerClass
    method: Method  # the __call__ override


class DunderCallOverride(Rule):
    code = "KLB101"
    name = "dunder-call-override"
    title = "`__call__` overridden instead of `call`"
    what = (
        "Flags a layer or model class that defines `__call__` without calling "
        "`super().__call__(...)` (or `<Base>.__call__(self, ...)`) from it."
    )
    why = (
        "`Layer.__call__` is where Keras does its work: it runs `build()` once, "
        "propagates `training` and masks, autocasts inputs under mixed precision and "
        "records the layer in functional models. An override skips all of it, "
        "silently, in both Keras 2 and Keras 3: the layer is never built unless it "
        "builds itself, a child called with `training=True` sees `None`, "
        "`mixed_float16` layers compute in `float32`, and on a `keras.Input` the "
        "layer is absent from the model (`model.layers == ['InputLayer']`, "
        "`count_params() == 0`) so `fit` runs and trains nothing. Saving that model "
        "then fails (Keras 3 on jax: `TypeError: Cannot serialize object <Variable ...>`; "
        "tf-keras: `ValueError: Unable to serialize VariableSpec ...`)."
    )
    use_instead = """
        import keras


        class Scale(keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
                super().build(input_shape)

            def call(self, inputs):
                return inputs * self.w
    """
    not_flagged = "An override that delegates to `super().__call__(...)`, and `__call__` on classes that are not layers (initializers, regularizers, schedules, plain classes)."
    invalid = (
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

                def __call__(self, inputs):  # error
                    return inputs * self.w
            """,
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

                def call(self, inputs):
                    return inputs * self.w
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Block(tf.keras.Model):
                @tf.function
                def __call__(self, x, training=False):  # error
                    return x
            """,
            note="a Model subclass, decorated",
            fixed="""
            import tensorflow as tf


            class Block(tf.keras.Model):
                @tf.function
                def call(self, x, training=False):
                    return x
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), 4])
                    super().build(input_shape)

                def __call__(self, input):  # error
                    # build on every call
                    self.build(input.shape)
                    return tf.matmul(input, self.kernel)
            """,
            note="the fix also drops the manual build() (Layer.__call__ builds once)",
            fixed="""
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), 4])
                    super().build(input_shape)

                def call(self, input):
                    # build on every call
                    return tf.matmul(input, self.kernel)
            """,
        ),
        Invalid(
            """
            import keras


            class Twice(keras.layers.Layer):
                def __call__(self, inputs):  # error
                    return self.call(inputs) * 2

                def call(self, inputs):
                    return inputs
            """,
            note="no fix: the class already has a call() that __call__ wraps",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Logged(keras.layers.Layer):
                def __call__(self, *args, **kwargs):
                    print("calling", self.name)
                    return super().__call__(*args, **kwargs)

                def call(self, inputs):
                    return inputs
            """,
            note="the override delegates to Layer.__call__",
        ),
        Valid(
            """
            import keras


            class Base(keras.layers.Layer):
                pass


            class Wrapped(Base):
                def __call__(self, inputs):
                    return Base.__call__(self, inputs)
            """,
            note="the override calls the base class's __call__ explicitly",
        ),
        Valid(
            """
            import keras


            class MyInit(keras.initializers.Initializer):
                def __call__(self, shape, dtype=None):
                    return keras.ops.ones(shape, dtype=dtype)
            """,
            note="initializers are called through __call__",
        ),
        Valid(
            """
            class MyDenseLayer:
                def __call__(self, inputs):
                    return inputs
            """,
            note="a plain class, not a layer",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        method = layer.methods.get("__call__")
        if method is None or method.calls_super("__call__"):
            return
        yield self.report(
            method.pos,
            "__call__() overridden instead of call(): Layer.__call__ no longer builds "
            "the layer, passes training/masks or autocasts, and a functional model "
            "silently drops the layer and its weights",
            DunderCallSubject(layer, method),
        )

