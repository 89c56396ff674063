"""KLB104: ``build()`` called by hand in ``call``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Tuple

from ..model import CallFact, Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid, by_version, call_paths, where


@dataclass(frozen=True, eq=False)
class ManualBuildSubject(Subject):
    """KLB104's fix removes the ``build(...)`` call from ``call``."""

    layer: LayerClass
    method: Method
    call: CallFact
    path: Tuple[str, ...]  # from call() to the method, e.g. ("call", "_project")
    # The method's other flagged calls, so that its fix removes them all in one
    # rewrite.
    batch: Tuple[CallFact, ...]


class ManualBuildInCall(Rule):
    code = "KLB104"
    name = "manual-build-in-call"
    title = "`build()` called by hand in `call()`"
    what = (
        "Flags, in `call` (or a `__call__` override, or a method of the same class "
        "that they call through `self.<method>(...)`), `self.build(...)`, "
        "`super().build(...)` and `<expr>.build(...)` that no `if not <x>.built:` "
        "guards."
    )
    why = (
        "`Layer.__call__` has already called `build()` once before `call` runs. "
        "Building again in Keras 3 adds state to a built, locked layer: `ValueError: "
        "You cannot add new elements of state (variables or sub-layers) to a layer "
        "that is already built.` In Keras 2 (tf-keras) every call silently creates "
        "new, freshly initialised weight variables (a reused initializer gives them "
        "the same starting values each time), so what training or `set_weights` put "
        "in them is thrown away on the next call and nothing trains; "
        "this is exactly what the code that started this project did from a "
        "`__call__` override."
    )
    use_instead = """
        import keras


        class Scale(keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],))
                super().build(input_shape)

            def call(self, inputs):
                return inputs * self.w
    """
    not_flagged = (
        "`self.<child>.build(shape)` and `super().build(...)` inside `build()` (the "
        "recommended Keras 3 practice: a parent's `build()` must build its children "
        "or saving fails), calls guarded by `if not self.built:`, calls in "
        "`__init__`, `build_from_config` and methods not reachable from `call`, and "
        "`model.build(shape)` outside layer classes."
    )
    invalid = (
        Invalid(
            """
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), 4])
                    super().build(input_shape)

                def call(self, inputs):
                    self.build(inputs.shape)  # error
                    return tf.matmul(inputs, self.kernel)
            """,
            fixed="""
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), 4])
                    super().build(input_shape)

                def call(self, inputs):
                    return tf.matmul(inputs, self.kernel)
            """,
        ),
        Invalid(
            """
            import keras


            class Parent(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.child = keras.layers.Dense(3)

                def call(self, inputs):
                    self.child.build(inputs.shape)  # error
                    return self.child(inputs)
            """,
            note="a child built on every call",
        ),
        Invalid(
            """
            import keras


            class Scaled(keras.layers.Dense):
                def build(self, input_shape):
                    self.scale = self.add_weight(shape=(), initializer="ones")

                def call(self, inputs):
                    super().build(inputs.shape)  # error
                    return super().call(inputs) * self.scale
            """,
            note="`super().build()`, which this class's `build()` does not call",
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],))
                    super().build(input_shape)

                def call(self, inputs):
                    return self._scale(inputs)

                def _scale(self, inputs):
                    self.build(inputs.shape)  # error
                    return inputs * self.w
            """,
            note="in a helper, which other callers may need to build the layer",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Parent(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.child = keras.layers.Dense(3)

                def build(self, input_shape):
                    self.child.build(input_shape)
                    super().build(input_shape)

                def call(self, inputs):
                    return self.child(inputs)
            """,
            note="children built in build(), the recommended practice",
        ),
        Valid(
            """
            import keras


            class Lazy(keras.layers.Layer):
                def call(self, inputs):
                    if not self.built:
                        self.build(inputs.shape)
                    return inputs
            """,
            note="guarded by `if not self.built:` (Keras' own idiom)",
        ),
        Valid(
            """
            import keras


            class Restorable(keras.layers.Layer):
                def build_from_config(self, config):
                    self.build(config["input_shape"])
            """,
            note="in build_from_config",
        ),
        Valid(
            """
            import keras

            model = keras.Sequential([keras.layers.Dense(3)])
            model.build((None, 4))
            """,
            note="model.build(shape) outside a layer class is documented usage",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        for name, path in call_paths(layer).items():
            method = layer.methods[name]
            flagged = tuple(
                call
                for call in method.calls
                if call.attr == "build" and call.receiver and not call.guarded_by_built
            )
            for call in flagged:
                harm = by_version(
                    settings,
                    "Keras 3 raises 'You cannot add new elements of state'",
                    "Keras 2 silently re-creates the weights on every call",
                )
                yield self.report(
                    call.pos,
                    f"{call.func}() called by hand {where(path)}: Layer.__call__ "
                    f"already built the layer; {harm}",
                    ManualBuildSubject(layer, method, call, tuple(path), flagged),
                )
