"""KLB201 and KLB202: ``super().__init__()`` missing, or called too late."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from .. import keras_api
from ..model import CallFact, Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid, by_version


@dataclass(frozen=True, eq=False)
class MissingSuperInitSubject(Subject):
    """KLB201's fix inserts ``super().__init__(**kwargs)`` first in ``__init__``."""

    layer: LayerClass
    init: Method
    kwargs: Optional[str]  # the name of __init__'s ``**kwargs``; None: it has none


@dataclass(frozen=True, eq=False)
class SkippedSuperInitSubject(Subject):
    """KLB201's fix of ``super(Layer, self).__init__(...)``: ``super().__init__(...)``."""

    layer: LayerClass
    init: Method
    call: CallFact  # the ``super(<Keras class>, self).__init__(...)`` call
    skipped: str  # the Keras class named, resolved (``keras.layers.Layer``)


def _skipping_calls(init: Method) -> Iterator[CallFact]:
    """``super(Layer, self).__init__(...)`` / ``super(Model, self)...``: calls that skip
    the ``__init__`` of a root Keras class. Naming a concrete Keras class (``RNN``,
    ``Functional``) is left alone: Keras itself does that on purpose in classes that
    set that class's attributes themselves (tf-keras' ``Sequential``, ``_CuDNNRNN``)."""
    for call in init.super_calls("__init__"):
        skipped = call.super_skips.rsplit(".", 1)[-1]
        if call.receiver == "super" and skipped in keras_api.ROOT_CLASSES:
            yield call


class MissingSuperInit(Rule):
    code = "KLB201"
    name = "missing-super-init"
    title = "`__init__` never calls `super().__init__()`"
    what = (
        "Flags a layer or model class whose `__init__` calls neither "
        "`super().__init__(...)` nor `<Base>.__init__(self, ...)`, and (reported at "
        "the call) an `__init__` whose only way to the base is "
        "`super(Layer, self).__init__(...)` or `super(Model, self).__init__(...)`: "
        "naming Keras' class instead of the class itself skips that class's `__init__`."
    )
    why = (
        "`Layer.__init__` creates everything Keras needs (name, dtype policy, "
        "trackers). Without it construction works, and the first call fails: Keras 3 "
        "`RuntimeError: In layer '...', you forgot to call super().__init__() as the "
        "first statement in the __init__() method. Go add it!`; Keras 2 (tf-keras) "
        "`RuntimeError: You must call super().__init__() in the layer constructor.` "
        "(a Keras 2 `Model` fails earlier with `AttributeError: ... no attribute "
        "'_layout_map'`). `super(Layer, self).__init__()` does the same harm: it starts "
        "the method lookup after `Layer`, so `Layer.__init__` never runs and the first "
        "call raises the same `RuntimeError` in both versions (runtime lane). "
        "`super(Model, self).__init__()` skips `Model.__init__`: tf-keras raises "
        "`RuntimeError: It looks like you are subclassing `Model` and you forgot to call "
        "`super().__init__()`. Always start with this line.` at construction; Keras 3 "
        "constructs it and fails at the first call (`AttributeError: ... object has no "
        "attribute '_convert_input_args'`) and refuses `name=` (`JAXTrainer.__init__() "
        "got an unexpected keyword argument 'name'`)."
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
    not_flagged = (
        "Classes that define no `__init__` (they inherit one), and "
        "`<Base>.__init__(self, ...)` calls. `super(<the class itself>, self)` (the "
        "Python 2 spelling) and `super(<a class of the project>, self)`, whose skipped "
        "`__init__` is the project's own. `super(<a concrete Keras class>, self)` "
        "(`super(RNN, self)` in an `RNN` subclass): Keras' own tf-keras `Sequential` "
        "and `_CuDNNRNN` skip a concrete class's `__init__` on purpose and set its "
        "attributes themselves."
    )
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
        Invalid(
            """
            from keras.engine.topology import Layer


            class Attention(Layer):
                def __init__(self, units, **kwargs):
                    super(Layer, self).__init__(**kwargs)  # error
                    self.units = units
            """,
            note="super() names Keras' Layer (a Keras 2.0-2.2 import path): Layer.__init__ is skipped",
            fixed="""
            from keras.engine.topology import Layer


            class Attention(Layer):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Net(tf.keras.Model):
                def __init__(self, **kwargs):
                    super(tf.keras.Model, self).__init__(**kwargs)  # error
                    self.dense = tf.keras.layers.Dense(3)

                def call(self, inputs):
                    return self.dense(inputs)
            """,
            note="super() names Keras' Model: Model.__init__ is skipped",
            fixed="""
            import tensorflow as tf


            class Net(tf.keras.Model):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dense = tf.keras.layers.Dense(3)

                def call(self, inputs):
                    return self.dense(inputs)
            """,
        ),
        Invalid(
            """
            import keras


            class Scaled(keras.layers.Dense):
                def __init__(self, units, **kwargs):
                    super(keras.layers.Layer, self).__init__(**kwargs)  # error
                    self.units = units
            """,
            note="no fix: super() would run Dense.__init__(), which takes arguments of its own",
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
        Valid(
            """
            from keras.layers import Layer


            class Scale(Layer):
                def __init__(self, factor, **kwargs):
                    super(Scale, self).__init__(**kwargs)
                    self.factor = factor

                def get_config(self):
                    return {**super(Scale, self).get_config(), "factor": self.factor}
            """,
            note="super() names the class itself (the Python 2 spelling)",
        ),
        Valid(
            """
            import keras


            class Layer(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super(Layer, self).__init__(**kwargs)

                def call(self, inputs):
                    return inputs
            """,
            note="a class of the file named Layer: super() names the class itself",
        ),
        Valid(
            """
            import keras


            class Doubling(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.scale = 2.0

                def call(self, inputs):
                    return inputs * self.scale


            class Tripling(Doubling):
                def __init__(self, **kwargs):
                    super(Doubling, self).__init__(**kwargs)
                    self.scale = 3.0
            """,
            note="super() names a class of the project: its __init__ is the author's to skip",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        init = layer.init
        if init is None:
            return
        if init.super_call is not None:
            yield from self._skipped(layer, init.method, settings)
            return
        yield self.report(
            init.method.pos,
            "__init__() never calls super().__init__(): the first call raises "
            "RuntimeError ('you forgot to call super().__init__()')",
            MissingSuperInitSubject(layer, init.method, init.kwargs),
        )

    def _skipped(self, layer: LayerClass, init: Method, settings: Settings) -> Iterator[Finding]:
        for call in _skipping_calls(init):
            named = call.super_skips.rsplit(".", 1)[-1]
            written = " ".join(call.func.split())
            if named == keras_api.ROOT_MODEL:
                harm = by_version(
                    settings,
                    "Keras 3 AttributeError at the first call",
                    "Keras 2 RuntimeError at construction ('forgot to call super().__init__()')",
                )
            else:
                harm = "the first call raises RuntimeError ('you forgot to call super().__init__()')"
            yield self.report(
                call.pos,
                f"{written}() skips {named}.__init__(): {harm}; call super().__init__()",
                SkippedSuperInitSubject(layer, init, call, call.super_skips),
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
