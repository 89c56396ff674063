"""KLB106: a ``build()`` signature Keras cannot call."""

from __future__ import annotations

from typing import Iterator, Optional

from ..model import Finding, LayerClass, Method, Param
from ..settings import Settings
from .base import Invalid, Rule, Valid, by_version


def _call_args(layer: LayerClass) -> Optional[set[str]]:
    """Names ``call`` takes after ``self``; None when any name may come."""
    call = layer.methods.get("call")
    if call is None or any(p.kind in {"vararg", "varkw"} for p in call.params):
        return None
    return {p.name for p in call.params[1:]}


class BuildSignature(Rule):
    code = "KLB106"
    name = "build-signature"
    title = "`build()` signature Keras cannot call"
    what = (
        "Flags `def build(self)` (no parameter for the input shape), and a `build` "
        "with several required shape parameters: Keras 2 fills only one, and Keras 3 "
        "needs each named `<call argument>_shape`."
    )
    why = (
        "Keras 2 (tf-keras) always calls `build(input_shape)` with one positional "
        "argument, the shape of the first input (a list of shapes for a list input): "
        "`def build(self)` raises `TypeError: build() takes 1 positional argument but "
        "2 were given` on the first call, and `def build(self, a_shape, b_shape)` "
        "raises `TypeError: build() missing 1 required positional argument: "
        "'b_shape'` (observed by the runtime lane). Keras 3 accepts both, mapping call "
        "arguments onto `build` parameters by name when `build` has several: each "
        "must be `<call-arg>_shape`, else `ValueError: For a build() method with more "
        "than one argument, all arguments should have a _shape suffix and match an "
        "argument from call().`"
    )
    versions = "Keras 2 (no parameter, several shape parameters), Keras 3 (several parameters not named `<arg>_shape`)"
    options = (
        "`--keras-version=3` silences the forms only Keras 2 cannot call (no parameter, "
        "several shape parameters named `<arg>_shape`), `--keras-version=2` the naming form."
    )
    use_instead = """
        import keras


        class Pair(keras.layers.Layer):
            def build(self, input_shape):
                a_shape, b_shape = input_shape
                self.w = self.add_weight(shape=(a_shape[-1],))
                self.built = True

            def call(self, inputs):
                a, b = inputs
                return a * self.w + b
    """
    not_flagged = "`build(self, input_shape)` under any single parameter name, a defaulted `input_shape=None`, `build(self, *args)`, further shape parameters with defaults (Keras 2 leaves them out)."
    invalid = (
        Invalid(
            """
            import tensorflow as tf


            class Bias(tf.keras.layers.Layer):
                def build(self):  # error
                    self.b = self.add_weight(name="b", shape=(4,))
                    super().build(None)
            """
        ),
        Invalid(
            """
            import keras


            class Pair(keras.layers.Layer):
                def build(self, s1, s2):  # error
                    self.w = self.add_weight(shape=(s1[-1],))

                def call(self, a, b):
                    return a * self.w + b
            """,
            note="several parameters not named <arg>_shape",
        ),
        Invalid(
            """
            import keras


            class Pair(keras.layers.Layer):
                def build(self, a_shape, b_shape):  # error
                    self.w = self.add_weight(shape=(a_shape[-1],))

                def call(self, a, b):
                    return a * self.w + b
            """,
            note="several parameters, each <call-arg>_shape: Keras 2 passes one shape",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, shape):
                    self.w = self.add_weight(shape=(shape[-1],))
            """,
            note="a single parameter may have any name",
        ),
        Valid(
            """
            import keras


            class Pair(keras.layers.Layer):
                def build(self, a_shape, b_shape):
                    self.w = self.add_weight(shape=(a_shape[-1],))

                def call(self, a, b):
                    return a * self.w + b
            """,
            note="several parameters, each <call-arg>_shape, with --keras-version=3",
            settings=Settings(keras_version="3"),
        ),
        Valid(
            """
            import keras


            class Bias(keras.layers.Layer):
                def build(self):
                    self.b = self.add_weight(shape=(4,))
            """,
            note="no parameter with --keras-version=3, which accepts it",
            settings=Settings(keras_version="3"),
        ),
        Valid(
            """
            class Builder:
                def build(self):
                    return 1
            """,
            note="not a layer",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        build = layer.methods.get("build")
        if build is None or not build.params:
            return
        shape_params = build.shape_params()
        positional = [p for p in shape_params if p.kind == "positional"]
        takes_varargs = any(p.kind == "vararg" for p in build.params)
        if not positional and not takes_varargs:
            if settings.targets_keras2():
                yield self.report(
                    build.pos,
                    "build() takes no input shape: Keras 2 calls build(input_shape) "
                    "and raises TypeError",
                )
            return
        if len(shape_params) < 2:
            return
        keras3 = self._misnamed(layer, build) if settings.targets_keras3() else None
        required = [p for p in positional if not p.has_default]
        keras2 = settings.targets_keras2() and len(required) >= 2
        if keras3 is None and not keras2:
            return
        harm = by_version(
            settings,
            "Keras 3 raises ValueError when it builds the layer" if keras3 else "",
            f"Keras 2 passes one input shape and raises TypeError (missing '{required[1].name}')"
            if keras2
            else "",
        )
        what = (
            f"build() parameter '{keras3.name}' is not named <call argument>_shape"
            if keras3
            else f"build() takes {len(required)} shape parameters"
        )
        yield self.report(build.pos, f"{what}: {harm}")

    @staticmethod
    def _misnamed(layer: LayerClass, build: Method) -> Optional[Param]:
        """The first shape parameter Keras 3 cannot map onto a call argument."""
        call_args = _call_args(layer)
        for param in build.shape_params():
            stem = param.name[: -len("_shape")] if param.name.endswith("_shape") else None
            if stem is not None and (call_args is None or stem in call_args):
                continue
            return param
        return None
