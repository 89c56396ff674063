"""KLB302: ``learning_phase()`` / ``set_learning_phase()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from ..model import Finding, ModuleCall, ModuleFacts, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid, by_version


@dataclass(frozen=True, eq=False)
class LearningPhaseSubject(Subject):
    """KLB302's fix replaces the call with ``call``'s ``training`` argument."""

    call: ModuleCall
    lines: Sequence[str]  # the module's lines


class LearningPhase(Rule):
    code = "KLB302"
    name = "learning-phase"
    title = "`learning_phase()` / `set_learning_phase()`"
    what = (
        "Flags any call of `keras.backend.learning_phase()` or "
        "`set_learning_phase()` (through any import or alias, e.g. "
        "`K = keras.backend; K.learning_phase()`), anywhere in the file, including "
        "the Keras 2 fallback `if training is None: training = K.learning_phase()`."
    )
    why = (
        "Keras 3 has no learning phase: `AttributeError: module 'keras.backend' has "
        "no attribute 'learning_phase'`. In Keras 2 (tf-keras) it returns 0 inside "
        "`fit` (observed: a loss of `learning_phase()**2` is 0.0 in `train_on_batch`), "
        "so training-only branches silently never run; and `set_learning_phase(1)` "
        "makes every later call without `training=` run in training mode: `model(x)` "
        "applies dropout at inference (observed by the runtime lane). The `training` "
        "argument of `call` carries the phase in both versions. The Keras 2 fallback "
        "`if training is None: training = K.learning_phase()` is harmless in Keras 2 "
        "(tf-keras fills `training` from the outer call or the global phase before "
        "`call` runs, so the fallback reads 0 only where inference is meant), and "
        "fails in Keras 3 only."
    )
    versions = "Keras 3 (every call), Keras 2 (all but the `if training is None` fallback)"
    options = "With `--keras-version=2` the `if training is None: training = K.learning_phase()` fallback is not reported."
    use_instead = """
        import keras


        class Noisy(keras.layers.Layer):
            def call(self, inputs, training=None):
                if training:
                    return inputs + keras.random.normal(keras.ops.shape(inputs))
                return inputs
    """
    not_flagged = "A function of your own named `learning_phase`; the `training` argument; with `--keras-version=2`, the `training` fallback."
    invalid = (
        Invalid(
            """
            import tensorflow as tf
            from tensorflow.keras import backend as K


            class Noisy(tf.keras.layers.Layer):
                def call(self, inputs, training=None):
                    if training is None:
                        training = K.learning_phase()  # error
                    return inputs
            """,
            fixed="""
            import tensorflow as tf
            from tensorflow.keras import backend as K


            class Noisy(tf.keras.layers.Layer):
                def call(self, inputs, training=None):
                    if training is None:
                        training = False
                    return inputs
            """,
        ),
        Invalid(
            """
            import tf_keras

            tf_keras.backend.set_learning_phase(1)  # error
            """,
            note="set_learning_phase(), at module level",
        ),
        Invalid(
            """
            import tensorflow as tf
            from tensorflow.keras import backend as K


            class Noisy(tf.keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dropout = tf.keras.layers.Dropout(0.5)

                def call(self, inputs, training=None):
                    x = self.dropout(inputs, training=K.learning_phase())  # error
                    if K.learning_phase():  # error
                        x += tf.random.normal(tf.shape(x))
                    return x
            """,
            note=(
                "passed as `training=` or tested, it becomes the `training` argument (the "
                "fallback above becomes `False`: `learning_phase()` is 0 unless a phase "
                "was set globally)"
            ),
            fixed="""
            import tensorflow as tf
            from tensorflow.keras import backend as K


            class Noisy(tf.keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dropout = tf.keras.layers.Dropout(0.5)

                def call(self, inputs, training=None):
                    x = self.dropout(inputs, training=training)
                    if training:
                        x += tf.random.normal(tf.shape(x))
                    return x
            """,
        ),
        Invalid(
            """
            import tensorflow as tf
            from tensorflow.keras import backend as K


            class Noisy(tf.keras.layers.Layer):
                def call(self, inputs, training=None):
                    noise = tf.random.normal(tf.shape(inputs))
                    return tf.cond(K.learning_phase(), lambda: inputs + noise, lambda: inputs)  # error
            """,
            note="a value `training` cannot replace: it may be None where the phase is 0 or 1",
        ),
        Invalid(
            """
            import tensorflow as tf
            from tensorflow.keras import backend as K


            class Noisy(tf.keras.layers.Layer):
                def call(self, inputs):
                    if K.learning_phase():  # error
                        return inputs + tf.random.normal(tf.shape(inputs))
                    return inputs
            """,
            note="a call() without a training parameter",
        ),
    )
    valid = (
        Valid(
            """
            def learning_phase():
                return 1


            phase = learning_phase()
            """,
            note="a function of your own",
        ),
        Valid(
            """
            import tensorflow as tf
            from tensorflow.keras import backend as K


            class Noisy(tf.keras.layers.Layer):
                def call(self, inputs, training=None):
                    if training is None:
                        training = K.learning_phase()
                    if training:
                        return inputs + tf.random.normal(tf.shape(inputs))
                    return inputs
            """,
            note=(
                "the training fallback with --keras-version=2: tf-keras fills training "
                "before call() runs, so the fallback reads 0 only at inference"
            ),
            settings=Settings(keras_version="2"),
        ),
    )

    def check_module(self, module: ModuleFacts, settings: Settings) -> Iterator[Finding]:
        for call in module.learning_phase_calls:
            setter = call.resolved.endswith("set_learning_phase")
            harm = by_version(settings, _KERAS3, _keras2(setter, call.use))
            if not harm:
                continue
            what = "sets a global learning phase" if setter else "reads a global learning phase"
            yield self.report(
                call.pos,
                f"{call.func}() {what}: {harm}; use the training argument of call()",
                LearningPhaseSubject(call, module.lines),
            )


_KERAS3 = "Keras 3 has no learning phase (AttributeError)"


def _keras2(setter: bool, use: str) -> str:
    """The Keras 2 harm ("" for none), observed by the runtime lane (tf-keras 2.21)."""
    if setter:
        return "in Keras 2 every later call without training= runs in that phase (dropout at inference)"
    if use == "fallback":
        # tf-keras' Layer.__call__ fills training (outer call, global phase, default)
        # before call() runs: the fallback reads 0 only where inference is meant.
        return ""
    return "in Keras 2 it is 0 inside fit, so training-only code never runs"
