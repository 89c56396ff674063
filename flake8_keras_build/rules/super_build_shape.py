"""KLB108: ``super().build()`` called without the input shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

from .. import keras_api
from ..model import CallFact, Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid


@dataclass(frozen=True, eq=False)
class SuperBuildShapeSubject(Subject):
    """KLB108's fix passes ``param`` to the call."""

    method: Method  # the method holding the call
    call: CallFact
    # build()'s shape parameter, when the call is in build() itself; None: in a
    # helper, or build() has none.
    param: Optional[str]


def _requires_shape(build: Method) -> bool:
    params = build.params[1:]
    return bool(params) and params[0].kind == "positional" and not params[0].has_default


def _is_keras(path: str) -> bool:
    return any(part in keras_api.KERAS_ROOTS for part in path.split("."))


def reached_build(layer: LayerClass) -> Optional[str]:
    """The class whose ``build`` a ``super().build()`` of ``layer`` runs, when that
    ``build`` requires the shape; None when it does not, or cannot be seen."""
    if layer.foreign_bases:
        return None
    for ancestor in layer.ancestors:
        if ancestor.defines("build"):
            build = ancestor.methods.get("build")  # None: a class of another module
            return ancestor.name if build is not None and _requires_shape(build) else None
    bases = [base for ancestor in [layer, *layer.ancestors] for base in ancestor.keras_bases]
    # The first base is first in the method resolution order. Ecosystem packages
    # (keras_hub...) have build signatures of their own: not judged.
    if not bases or not _is_keras(bases[0]):
        return None
    name = bases[0].rsplit(".", 1)[-1]
    return None if name in keras_api.BUILD_SHAPE_OPTIONAL else name


def _without_shape(call: CallFact) -> bool:
    if call.attr != "build":
        return False
    if call.receiver == "super":
        return call.arguments == 0
    # ``Layer.build(self)``: ``self`` is the only argument.
    return call.receiver == "base" and call.arguments == 1


def bare_super_builds(layer: LayerClass) -> List[Tuple[Method, CallFact]]:
    """Calls of the base's ``build`` without a shape, in ``build`` and its helpers."""
    found = []
    for name in layer.reachable(("build",), keras_api.NOT_IN_BUILD):
        method = layer.methods[name]
        found += [(method, call) for call in method.calls if _without_shape(call)]
    return found


class SuperBuildWithoutShape(Rule):
    code = "KLB108"
    name = "super-build-without-shape"
    title = "`super().build()` called without the input shape"
    what = (
        "Flags, in `build` (and the helpers it calls), `super().build()`, "
        "`super(<Cls>, self).build()` and `<Base>.build(self)` called without the "
        "shape, when the `build` they reach requires it: `Layer.build`, `Model.build`, "
        "a Keras layer's `build` (`Dense`...), or a `build` of the project whose shape "
        "parameter has no default."
    )
    why = (
        "`Layer.build(self, input_shape)` has no default for the shape, in Keras 3 as "
        "in Keras 2 (tf-keras), and neither has `Model.build` nor a Keras layer's "
        "`build` such as `Dense.build`. The call raises `TypeError: Layer.build() "
        "missing 1 required positional argument: 'input_shape'` whenever the layer is "
        "built: on its first call, when a functional model is made of it, on a manual "
        "`build()` (runtime lane, both versions; tf-keras names `Model.build()` for a "
        "model). Keras 1 code, where the shape was optional, and code written from "
        "memory both make this mistake."
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
    not_flagged = (
        "`super().build(input_shape)` and `super().build(input_shape=...)`; a base "
        "whose `build` takes `input_shape=None` (`Wrapper`, `Embedding`, `Sequential`, "
        "or a class of the project), where the bare call is valid; a base whose "
        "`build` cannot be seen (another package, an ecosystem package such as "
        "`keras_hub`)."
    )
    invalid = (
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
                    super().build()  # error

                def call(self, inputs):
                    return inputs * self.w
            """,
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
                    super().build(input_shape)

                def call(self, inputs):
                    return inputs * self.w
            """,
        ),
        Invalid(
            """
            from keras.engine.topology import Layer


            class Attention(Layer):
                def build(self, shape):
                    self.W = self.add_weight(name="W", shape=(shape[-1],), initializer="ones")
                    super(Attention, self).build()  # error

                def call(self, x):
                    return x * self.W
            """,
            note="a Keras 2.0-2.2 import path and the Python 2 super()",
            fixed="""
            from keras.engine.topology import Layer


            class Attention(Layer):
                def build(self, shape):
                    self.W = self.add_weight(name="W", shape=(shape[-1],), initializer="ones")
                    super(Attention, self).build(shape)

                def call(self, x):
                    return x * self.W
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Shift(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.b = self.add_weight(name="b", shape=(input_shape[-1],), initializer="zeros")
                    tf.keras.layers.Layer.build(self)  # error

                def call(self, inputs):
                    return inputs + self.b
            """,
            note="the base class named",
            fixed="""
            import tensorflow as tf


            class Shift(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.b = self.add_weight(name="b", shape=(input_shape[-1],), initializer="zeros")
                    tf.keras.layers.Layer.build(self, input_shape)

                def call(self, inputs):
                    return inputs + self.b
            """,
        ),
        Invalid(
            """
            import keras


            class WideDense(keras.layers.Dense):
                def build(self, input_shape):
                    super().build()  # error
                    self.extra = self.add_weight(shape=(self.units,), initializer="zeros")

                def call(self, inputs):
                    return super().call(inputs) + self.extra
            """,
            note="a Keras layer's build() requires the shape too",
            fixed="""
            import keras


            class WideDense(keras.layers.Dense):
                def build(self, input_shape):
                    super().build(input_shape)
                    self.extra = self.add_weight(shape=(self.units,), initializer="zeros")

                def call(self, inputs):
                    return super().call(inputs) + self.extra
            """,
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self._make_weights(input_shape[-1])

                def _make_weights(self, size):
                    self.w = self.add_weight(shape=(size,), initializer="ones")
                    super().build()  # error

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="no fix: in a helper, where build()'s shape is not at hand",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
                    super().build(input_shape=input_shape)

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="the shape passed by keyword",
        ),
        Valid(
            """
            import tensorflow as tf


            class Normalized(tf.keras.layers.Wrapper):
                def build(self, input_shape):
                    if not self.layer.built:
                        self.layer.build(input_shape)
                    self.g = self.add_weight(name="g", shape=(), initializer="ones")
                    super().build()

                def call(self, inputs):
                    return self.layer(inputs) * self.g
            """,
            note="Wrapper.build(input_shape=None) takes no shape (tf-models' SpectralNormalization)",
        ),
        Valid(
            """
            import keras


            class Deferred(keras.layers.Layer):
                def build(self, input_shape=None):
                    self.built = True


            class Scale(Deferred):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
                    super().build()

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="the project's base build() has a default for the shape",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        calls = bare_super_builds(layer)
        base = reached_build(layer) if calls else None
        if base is None:
            return
        build = layer.methods["build"]
        params = build.shape_params()
        shape = params[0].name if params else None
        for method, call in calls:
            written = " ".join(call.func.split())
            yield self.report(
                call.pos,
                f"{written}() called without the input shape: {base}.build() requires it; "
                "Keras 2 and Keras 3 raise TypeError ('missing 1 required positional "
                "argument') when the layer is built",
                SuperBuildShapeSubject(method, call, shape if method is build else None),
            )
