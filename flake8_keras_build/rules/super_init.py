"""KLB201 and KLB202: ``super().__init__()`` missing, or called too late."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from ..model import Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid, by_version


@dataclass(frozen=True, eq=False)
class MissingSuperInitSubject(Subject):
    """KLB201's fix inserts ``super().__init__(**kwargs)`` first in ``__init__``."""

    layer: LayerClass
    init: Method
    kwargs: Optional[str]  # the name of __init__'s ``**kwargs``; None: it has none


class MissingSuperInit(Rule):
    code = "KLB201"
    name = "missing-super-init"
    title = "`__init__` never calls `super().__init__()`"
    what = (
        "Flags a layer or model class whose `__init__` calls neither "
        "`super().__init__(...)` nor `<Base>.__init__(self, ...)`."
    )
    why = (
        "`Layer.__init__` creates everything Keras needs (name, dtype policy, "
        "trackers). Without it construction works, and the first call fails: Keras 3 "
        "`RuntimeError: In layer '...', you forgot to call super().__init__() as the "
        "first statement in the __init__() method. Go add it!`; Keras 2 (tf-keras) "
        "`RuntimeError: You must call super().__init__() in the layer constructor.` "
        "(a Keras 2 `Model` fails earlier with `AttributeError: ... no attribute "
        "'_layout_map'`)."
    )
    use_instead = """
        import keras


        class Scale(keras.layers.Layer):
            def __init__(self, factor, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor

            def call(self, inputs):
                return inputs * self.factor

            def get_config(self):
                return {**super().get_config(), "factor": self.factor}
    """
    not_flagged = "Classes that define no `__init__` (they inherit one), and `<Base>.__init__(self, ...)` calls."
    invalid = (
        Invalid(
            """
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def __init__(self, num_outputs):  # error
                    self.num_outputs = num_outputs
            """,
            fixed="""
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def __init__(self, num_outputs, **kwargs):
                    super().__init__(**kwargs)
                    self.num_outputs = num_outputs
            """,
        ),
        Invalid(
            """
            import keras


            class Gate(keras.layers.Layer):
                def __init__(  # error
                    self,
                    units,
                    **kwargs,
                ):
                    \"\"\"Gates the last axis.\"\"\"
                    # sub-layers
                    self.dense = keras.layers.Dense(units)
            """,
            note="after the docstring, passing on the **kwargs it already has",
            fixed="""
            import keras


            class Gate(keras.layers.Layer):
                def __init__(
                    self,
                    units,
                    **kwargs,
                ):
                    \"\"\"Gates the last axis.\"\"\"
                    super().__init__(**kwargs)
                    # sub-layers
                    self.dense = keras.layers.Dense(units)
            """,
        ),
        Invalid(
            """
            import keras


            class Gate(keras.layers.Layer):
                def __init__(self, units, **options):  # error
                    self.dense = keras.layers.Dense(units)
            """,
            note=(
                "no fix: Keras' automatic config gives `name`, `trainable` and `dtype` back "
                "only to a `**kwargs` named `kwargs`; `super().__init__(**options)` would "
                "leave a layer that loses its name on reload"
            ),
        ),
        Invalid(
            """
            import keras


            class WideDense(keras.layers.Dense):
                def __init__(self, units, **kwargs):  # error
                    self.wide_units = units * 2
            """,
            note="no fix: Dense.__init__() takes arguments of its own (units) to pass by hand",
        ),
        Invalid(
            """
            import keras


            class Named(keras.layers.Layer):
                def __init__(self, units, name=None):  # error
                    self.units = units
            """,
            note="no fix: __init__() takes name itself; what Layer.__init__ gets is the author's call",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    keras.layers.Layer.__init__(self, **kwargs)
                    self.factor = factor

                def get_config(self):
                    return {**super().get_config(), "factor": self.factor}
            """,
            note="the base class's __init__ called explicitly",
        ),
        Valid(
            """
            import keras


            class Identity(keras.layers.Layer):
                def call(self, inputs):
                    return inputs
            """,
            note="no __init__: Layer.__init__ runs",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        init = layer.init
        if init is None or init.super_call is not None:
            return
        yield self.report(
            init.method.pos,
            "__init__() never calls super().__init__(): the first call raises "
            "RuntimeError ('you forgot to call super().__init__()')",
            MissingSuperInitSubject(layer, init.method, init.kwargs),
        )


class StateBeforeSuperInit(Rule):
    code = "KLB202"
    name = "state-before-super-init"
    title = "Keras state touched before `super().__init__()`"
    what = (
        "Flags, in an `__init__` that calls `super().__init__(...)`, statements before "
        "that call which call a Keras layer method on `self` (`add_weight`, "
        "`add_loss`, `build`, `set_weights`, ...; not the class's own methods), assign "
        "a Keras-owned attribute (`supports_masking`, `trainable`, `name`, `dtype`, "
        "`built`, `input_spec`, ...), or, in a `Model` subclass, assign a layer to `self`."
    )
    why = (
        "`Layer.__init__` silently resets the attributes it owns: a "
        "`self.supports_masking = True` or `self.trainable = False` set before it is "
        "overwritten (to False and True), an `input_spec` set before it is lost with "
        "its rank check. Keras methods need the initialised layer: Keras 3 raises "
        "`RuntimeError: In layer '...', you forgot to call super().__init__()`, Keras 2 "
        "an `AttributeError`. A Keras 2 `Model` raises `RuntimeError: It looks like "
        "you are subclassing Model and you forgot to call super().__init__(). Always "
        "start with this line.` when a sub-layer is assigned first (Keras 3 accepts it)."
    )
    versions = "Keras 2 and Keras 3 (Model sub-layers: Keras 2 only)"
    options = (
        "With `--keras-version=3` sub-layers assigned first in a Model are not reported. "
        "With `--keras-version=2` a Model's parameter assigned to `self` as it is "
        "(`self.backbone = backbone`) is reported too: Keras 2 raises when a layer is "
        "passed. By default it is not, its value being known only at run time (code "
        "written for Keras 3, such as keras-hub's, does it on purpose)."
    )
    use_instead = """
        import keras


        class Masked(keras.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.supports_masking = True

            def get_config(self):
                return {**super().get_config(), "units": self.units}
    """
    not_flagged = (
        "Plain attributes (`self.units = units`) and the class's own helper methods "
        "before `super().__init__()`: harmless in both versions and common on purpose; "
        "parameters assigned to `self` whose value is only known at run time (but see "
        "Options)."
    )
    invalid = (
        Invalid(
            """
            import keras


            class Masked(keras.layers.Layer):
                def __init__(self, **kwargs):
                    self.supports_masking = True  # error
                    super().__init__(**kwargs)
            """
        ),
        Invalid(
            """
            import tensorflow as tf


            class Net(tf.keras.Model):
                def __init__(self, **kwargs):
                    self.dense = tf.keras.layers.Dense(3)  # error
                    super().__init__(**kwargs)
            """,
            note="a sub-layer assigned first in a Model (Keras 2)",
        ),
        Invalid(
            """
            import keras


            class Counter(keras.layers.Layer):
                def __init__(self, **kwargs):
                    self.count = self.add_weight(shape=(), initializer="zeros")  # error
                    super().__init__(**kwargs)
            """,
            note="a Keras method before the layer exists",
        ),
        Invalid(
            """
            import tensorflow as tf


            class Wrapper(tf.keras.Model):
                def __init__(self, backbone, **kwargs):
                    self.backbone = backbone  # error
                    super().__init__(**kwargs)
            """,
            note="a parameter assigned first in a Model, with --keras-version=2: a layer passed in raises",
            settings=Settings(keras_version="2"),
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Tokenizer(keras.layers.Layer):
                def __init__(self, vocabulary, **kwargs):
                    self.vocabulary = vocabulary
                    self._add_special_tokens()
                    super().__init__(**kwargs)

                def _add_special_tokens(self):
                    self.vocabulary = ["[PAD]"] + list(self.vocabulary)
            """,
            note="plain attributes and the class's own helper",
        ),
        Valid(
            """
            import keras


            class Wrapper(keras.Model):
                def __init__(self, backbone, **kwargs):
                    self.backbone = backbone
                    super().__init__(**kwargs)
            """,
            note=(
                "a parameter assigned to self in a Model, with --keras-version=3 (accepted "
                "there; by default too: its value is only known at run time)"
            ),
            settings=Settings(keras_version="3"),
        ),
        Valid(
            """
            import keras


            class Net(keras.Model):
                def __init__(self, **kwargs):
                    self.dense = keras.layers.Dense(3)
                    super().__init__(**kwargs)
            """,
            note="a Model sub-layer assigned first, with --keras-version=3 (accepted there)",
            settings=Settings(keras_version="3"),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        if layer.init is None:
            return
        for early in layer.init.early:
            if early.kind == "parameter":
                # Only for code that targets Keras 2 alone: whether the value is a layer
                # is known at run time, and Keras 3 code (keras-hub) does this on purpose.
                if settings.targets_keras3():
                    continue
                yield self.report(
                    early.pos,
                    f"{early.what} assigned before super().__init__() in a Model: Keras 2 "
                    "raises RuntimeError ('forgot to call super().__init__()') when it is a layer",
                )
            elif early.kind == "sublayer":
                if not settings.targets_keras2():
                    continue
                yield self.report(
                    early.pos,
                    f"layer assigned to {early.what} before super().__init__() in a Model: "
                    "Keras 2 raises RuntimeError ('forgot to call super().__init__()')",
                )
            elif early.kind == "attribute":
                yield self.report(
                    early.pos,
                    f"{early.what} set before super().__init__(): Layer.__init__ "
                    "silently resets it",
                )
            else:
                harm = by_version(settings, "Keras 3 raises RuntimeError", "Keras 2 AttributeError")
                yield self.report(
                    early.pos,
                    f"{early.what} called before super().__init__(): the layer does not "
                    f"exist yet; {harm}",
                )
