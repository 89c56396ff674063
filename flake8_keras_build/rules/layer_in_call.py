"""KLB103: a layer created in ``call``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..model import CallFact, Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid, by_version, call_paths, where


@dataclass(frozen=True, eq=False)
class LayerInCallSubject(Subject):
    """KLB103's fix moves the statement that creates the layer into ``__init__``."""

    layer: LayerClass
    method: Method  # where the layer is created: call() or a helper it calls
    call: CallFact


class LayerInCall(Rule):
    code = "KLB103"
    name = "layer-in-call"
    title = "layer created in `call()`"
    what = (
        "Flags, in `call` (or a `__call__` override, or a method of the same class "
        "that they call through `self.<method>(...)`), the construction of a layer: a "
        "Keras layer such as `keras.layers.Dense(4)`, a layer class of the same file, "
        "or one named in `--keras-layer-bases`."
    )
    why = (
        "Every call makes a new layer with fresh random weights. A layer that is "
        "called and dropped (`Dense(4)(x)`) is never tracked: the parent has no "
        "weights, outputs change on every eager call, and on Keras 3/jax `fit` "
        "\"succeeds\" and trains nothing, without a warning (tf-keras and the Keras 3 "
        "TensorFlow backend raise `ValueError: tf.function only supports singleton "
        "tf.Variables created on the first call.` under `fit`). Stored on `self`, "
        "Keras 3 raises `You cannot add new elements of state (variables or "
        "sub-layers) to a layer that is already built` on the first call."
    )
    use_instead = """
        import keras


        class Head(keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.proj = keras.layers.Dense(4)

            def call(self, inputs):
                return self.proj(inputs)
    """
    not_flagged = "Layers created in `__init__` or `build`, metrics and other non-layer objects created in `call`."
    invalid = (
        Invalid(
            """
            import keras


            class Head(keras.layers.Layer):
                def call(self, inputs):
                    return keras.layers.Dense(4)(inputs)  # error
            """,
            note="no fix: the layer needs a name on self, which is the author's choice",
        ),
        Invalid(
            """
            import keras


            class Head(keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units

                def call(self, inputs):
                    self.proj = keras.layers.Dense(self.units, activation="relu")  # error
                    return self.proj(inputs)

                def get_config(self):
                    return {**super().get_config(), "units": self.units}
            """,
            note="stored on self, reading what __init__ sets",
            fixed="""
            import keras


            class Head(keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                    self.proj = keras.layers.Dense(self.units, activation="relu")

                def call(self, inputs):
                    return self.proj(inputs)

                def get_config(self):
                    return {**super().get_config(), "units": self.units}
            """,
        ),
        Invalid(
            """
            from tensorflow.keras import layers


            class Block(layers.Layer):
                def call(self, inputs):
                    return self._mix(inputs)

                def _mix(self, inputs):
                    self.mixer = layers.Conv2D(8, 1)  # error
                    return self.mixer(inputs)
            """,
            note="stored on self, in a helper called from call()",
        ),
        Invalid(
            """
            import keras


            class Gate(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],))

                def call(self, inputs):
                    return inputs * self.w


            class Net(keras.Model):
                def call(self, inputs):
                    return Gate()(inputs)  # error
            """,
            note="a layer class of the same file",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Head(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.proj = keras.layers.Dense(4)

                def build(self, input_shape):
                    self.norm = keras.layers.LayerNormalization()
                    self.norm.build(input_shape)

                def call(self, inputs):
                    return self.norm(self.proj(inputs))
            """,
            note="sub-layers created in __init__ and build",
        ),
        Valid(
            """
            import keras


            class Counted(keras.layers.Layer):
                def call(self, inputs):
                    spec = keras.layers.InputSpec(ndim=2)
                    return keras.ops.relu(inputs)
            """,
            note="InputSpec and ops are not layers",
        ),
        Valid(
            """
            import keras


            def make_block():
                return keras.layers.Dense(4)
            """,
            note="outside a layer class",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        for name, path in call_paths(layer).items():
            for call in layer.methods[name].calls:
                if call.creates != "layer":
                    continue
                if call.stored_on_self:
                    harm = by_version(
                        settings,
                        "Keras 3 raises 'You cannot add new elements of state' on the first call",
                        "Keras 2 replaces it with fresh weights on every call",
                    )
                else:
                    harm = "each call makes a new, untracked layer with fresh weights that fit never trains"
                yield self.report(
                    call.pos,
                    f"{call.func}() creates a layer {where(path)}: {harm}; "
                    "create it in __init__()",
                    LayerInCallSubject(layer, layer.methods[name], call),
                )
