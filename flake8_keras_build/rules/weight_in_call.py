"""KLB102: a weight or variable created in ``call``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from ..model import CallFact, Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid, by_version, call_paths, where

_LOCKED = "Keras 3 raises 'You cannot add new elements of state' on the first call"
# Observed by the runtime lane (tf-keras 2.21): a guarded ``tf.Variable`` whose initial
# value is a tensor of the call raises in a functional model ("could not be lifted out
# of a tf.function"); a guarded ``add_weight`` is created under tf-keras' init scope
# and works eagerly, in a functional model and under fit (KERAS_FACTS row B).
_EAGER_ONLY = "in Keras 2 the guarded form works only eagerly (a functional model or tf.function raises)"


def _guarded_harm(state: Optional[str], settings: Settings) -> str:
    """What a weight created under a guard (lazily, once) breaks; "" when nothing in
    the targeted versions."""
    keras2 = _EAGER_ONLY if state == "variable" else ""
    if keras2 and settings.targets_keras2() and not settings.targets_keras3():
        return keras2
    if not settings.targets_keras3():
        return ""
    if keras2:
        return f"{_LOCKED}, and {keras2}"
    return f"the guarded lazy form works in Keras 2, but {_LOCKED}"


@dataclass(frozen=True, eq=False)
class WeightInCallSubject(Subject):
    """KLB102's fix moves the statement that creates the weight into ``build``."""

    layer: LayerClass
    method: Method  # where the weight is created: call() or a helper it calls
    call: CallFact


class WeightInCall(Rule):
    code = "KLB102"
    name = "weight-in-call"
    title = "weight created in `call()`"
    what = (
        "Flags, in `call` (or a `__call__` override, or a method of the same class "
        "that they call through `self.<method>(...)`), calls that create state: "
        "`self.add_weight(...)`, `self.add_variable(...)`, `tf.Variable(...)`, "
        "`keras.Variable(...)`, `keras.backend.variable(...)`, "
        "`tf.compat.v1.get_variable(...)`, whether the result is stored on `self`, "
        "kept in a local or created lazily under a guard."
    )
    why = (
        "Keras 3 builds and locks a layer before `call` first runs, even a layer "
        "without `build()`, so any new state raises on the first call: `ValueError: "
        "You cannot add new elements of state (variables or sub-layers) to a layer "
        "that is already built. All state must be created in the `__init__()` method "
        "or in the `build()` method.` Keras 2 (tf-keras) silently re-creates and "
        "re-initialises the weight on every eager call (outputs differ call to call, "
        "a weight kept in a local accumulates duplicates) and fails under `fit` with "
        "`ValueError: tf.function only supports singleton tf.Variables created on "
        "the first call.` The guarded lazy form (`if self.w is None: self.w = ...`) "
        "fails in Keras 3 too. In Keras 2 it works only for `self.add_weight(...)`, "
        "which tf-keras creates outside the graph; a guarded `tf.Variable(...)` works "
        "only eagerly: in a functional model or a `tf.function` tf-keras raises "
        "`ValueError: ... could not be lifted out of a tf.function` (observed by the "
        "runtime lane). The message says which version fails."
    )
    versions = "Keras 3 (every form), Keras 2 (every form but a guarded `add_weight()`)"
    options = (
        "With `--keras-version=2` a guarded `self.add_weight(...)` is not reported: "
        "tf-keras creates it once, outside the graph, eagerly, in a functional model "
        "and under `fit`."
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
    not_flagged = "Updating existing state (`self.total.assign_add(...)`), state created in `__init__` or `build`, tensors from `ops.*`/`tf.*`."
    invalid = (
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def call(self, inputs):
                    self.w = self.add_weight(shape=(inputs.shape[-1],))  # error
                    return inputs * self.w
            """,
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],))
                    super().build(input_shape)

                def call(self, inputs):
                    return inputs * self.w
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Gate(tf.keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units

                def build(self, shape):
                    self.kernel = self.add_weight(name="kernel", shape=(shape[-1], self.units))
                    super().build(shape)

                def call(self, x):
                    # the gate, one per unit
                    self.gate = self.add_weight(  # error
                        name="gate",
                        shape=(self.units,),
                        initializer="ones",
                    )
                    return tf.matmul(x, self.kernel) * self.gate
            """,
            note="into an existing build(), before its super().build()",
            fixed="""
            import tensorflow as tf


            class Gate(tf.keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units

                def build(self, shape):
                    self.kernel = self.add_weight(name="kernel", shape=(shape[-1], self.units))
                    self.gate = self.add_weight(
                        name="gate",
                        shape=(self.units,),
                        initializer="ones",
                    )
                    super().build(shape)

                def call(self, x):
                    # the gate, one per unit
                    return tf.matmul(x, self.kernel) * self.gate
            """,
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def call(self, inputs):
                    n = inputs.shape[-1]
                    self.w = self.add_weight(shape=(n,))  # error
                    return inputs * self.w
            """,
            note="no fix: the shape comes from a local of call()",
        ),
        Invalid(
            """
            import tensorflow as tf


            class Lazy(tf.keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.w = None

                def call(self, inputs):
                    if self.w is None:
                        self.w = tf.Variable(tf.ones([inputs.shape[-1]]))  # error
                    return inputs * self.w
            """,
            note="the guarded lazy form: fails in Keras 3, works only eagerly in Keras 2",
        ),
        Invalid(
            """
            import tensorflow as tf


            class Lazy(tf.keras.layers.Layer):
                def call(self, inputs):
                    if not hasattr(self, "w"):
                        self.w = tf.Variable(tf.ones([inputs.shape[-1]]))  # error
                    return inputs * self.w
            """,
            note="a guarded tf.Variable with --keras-version=2: it works only eagerly there",
            settings=Settings(keras_version="2"),
        ),
        Invalid(
            """
            import keras


            class Projected(keras.layers.Layer):
                def call(self, inputs):
                    return self._project(inputs)

                def _project(self, inputs):
                    kernel = self.add_weight(shape=(inputs.shape[-1], 4))  # error
                    return keras.ops.matmul(inputs, kernel)
            """,
            note="in a helper called from call()",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Total(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_weight(shape=(), initializer="zeros", trainable=False)

                def call(self, inputs):
                    self.total.assign_add(keras.ops.sum(inputs))
                    return inputs
            """,
            note="state created in __init__ with a static shape, updated with assign_add in call",
        ),
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],))

                def call(self, inputs):
                    return inputs * keras.ops.ones_like(inputs) * self.w
            """,
            note="state created in build, tensors from ops in call",
        ),
        Valid(
            """
            import tensorflow as tf


            class Lazy(tf.keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.w = None

                def call(self, inputs):
                    if self.w is None:
                        self.w = self.add_weight(name="w", shape=(inputs.shape[-1],), initializer="ones")
                    return inputs * self.w
            """,
            note=(
                "a guarded add_weight() with --keras-version=2: tf-keras creates it once, "
                "outside the graph (eagerly, in a functional model and under fit)"
            ),
            settings=Settings(keras_version="2"),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        for name, path in call_paths(layer).items():
            for call in layer.methods[name].calls:
                if call.state not in {"weight", "variable"}:
                    continue
                if call.conditional:
                    harm = _guarded_harm(call.state, settings)
                    if not harm:
                        continue
                else:
                    harm = by_version(
                        settings,
                        _LOCKED,
                        "Keras 2 re-creates it on every call and fails under fit",
                    )
                yield self.report(
                    call.pos,
                    f"{call.func}() creates a weight {where(path)}: {harm}; "
                    "create it in build()",
                    WeightInCallSubject(layer, layer.methods[name], call),
                )
