"""KLB105: a ``build()`` that never marks the layer built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

from .. import keras_api
from ..model import Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid
from .config_common import inherited_keras_bases


@dataclass(frozen=True, eq=False)
class UnbuiltBuildSubject(Subject):
    """KLB105's fix appends ``super().build(<param>)`` to ``build``."""

    layer: LayerClass
    build: Method
    param: Optional[str]  # build()'s shape parameter; None: it has none


def _creates_state(method: Method) -> bool:
    for call in method.calls:
        if call.state in {"weight", "variable"}:
            return True
        if call.stored_on_self and call.creates == "layer":
            return True
        if call.attr == "build" and call.receiver in {"attr", "expr"}:
            return True
    return False


def _marks_built(method: Method) -> bool:
    if method.calls_super("build"):
        return True
    return any(a.attr == "built" and a.value_text != "False" for a in method.assigns)


class BuildNeverMarksBuilt(Rule):
    code = "KLB105"
    name = "build-never-marks-built"
    title = "`build()` never marks the layer built"
    what = (
        "Flags a `build` override that creates state (a weight, a variable, a layer "
        "assigned to `self`, or a `<child>.build(...)` call, directly or through a "
        "helper of the same class) but never calls `super().build(...)` / "
        "`<Base>.build(self, ...)` nor sets `self.built = True`."
    )
    why = (
        "Harmless in Keras 3, where a per-instance wrapper marks every `build()` "
        "call built. In Keras 2 (tf-keras) only the `__call__` path marks the layer "
        "built: after a manual `build()` (including a parent's "
        "`self.child.build(...)`, or `load_model` of a subclassed model) `built` "
        "stays False, so the first call builds again and silently replaces the "
        "loaded or `set_weights` values with fresh random ones; `count_params()` "
        "raises `ValueError: You tried to call count_params on layer ..., but the "
        "layer isn't built.` In a subclass of a Keras layer with weights of its own "
        "(`Dense`, `Conv2D`, ...) it is a bug in both versions: that layer's `build()` "
        "never runs, so its `call()` finds no kernel (Keras 3: `None is not a valid "
        "value for jnp.array`, observed by the runtime lane)."
    )
    versions = "Keras 2 (Keras 3 too for a subclass of a Keras layer with weights, such as `Dense`)"
    options = (
        "Off with `--keras-version=3`, except in a subclass of a Keras layer with weights "
        "(`Dense`, `Conv2D`, ...), whose own `build()` never runs."
    )
    use_instead = """
        import tensorflow as tf


        class Scale(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(name="w", shape=(input_shape[-1],))
                super().build(input_shape)

            def call(self, inputs):
                return inputs * self.w
    """
    not_flagged = "A `build` that creates no state (only validation, `pass`), an abstract `build` that only raises `NotImplementedError`, and with `--keras-version=3` any `build` but that of a subclass of a Keras layer with weights."
    invalid = (
        Invalid(
            """
            import tensorflow as tf


            class Scale(tf.keras.layers.Layer):
                def build(self, input_shape):  # error
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],))

                def call(self, inputs):
                    return inputs * self.w
            """,
            fixed="""
            import tensorflow as tf


            class Scale(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],))
                    super().build(input_shape)

                def call(self, inputs):
                    return inputs * self.w
            """,
        ),
        Invalid(
            """
            import keras


            class Parent(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.child = keras.layers.Dense(3)

                def build(self, input_shape):  # error
                    self._build_children(input_shape)

                def _build_children(self, input_shape):
                    self.child.build(input_shape)
            """,
            note="state created through a helper",
            fixed="""
            import keras


            class Parent(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.child = keras.layers.Dense(3)

                def build(self, input_shape):
                    self._build_children(input_shape)
                    super().build(input_shape)

                def _build_children(self, input_shape):
                    self.child.build(input_shape)
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Masked(tf.keras.layers.Layer):
                def build(self, input_shape):  # error
                    \"\"\"Weights for the last axis.\"\"\"
                    if input_shape[-1] is None:
                        return
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],))
            """,
            note="no fix: build() returns early, so an appended call would not always run",
        ),
        Invalid(
            """
            import tensorflow as tf


            class WideDense(tf.keras.layers.Dense):
                def build(self, input_shape):  # error
                    self.extra = self.add_weight(name="extra", shape=(input_shape[-1],))
            """,
            note=(
                "no fix: whether `Dense.build()` should run (creating the kernel `Dense.call` "
                "reads) is the author's call: a `build()` that replaces `Dense`'s weights must not run it"
            ),
        ),
        Invalid(
            """
            import keras


            class WideDense(keras.layers.Dense):
                def build(self, input_shape):  # error
                    self.extra = self.add_weight(shape=(input_shape[-1],))
            """,
            note="a subclass of Dense with --keras-version=3: Dense.build() never runs there either",
            settings=Settings(keras_version="3"),
        ),
    )
    valid = (
        Valid(
            """
            import tensorflow as tf


            class Scale(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],))
                    self.built = True
            """,
            note="sets self.built",
        ),
        Valid(
            """
            import keras


            class Checked(keras.layers.Layer):
                def build(self, input_shape):
                    if input_shape[-1] != 4:
                        raise ValueError("expected 4 features")
            """,
            note="creates no state",
        ),
        Valid(
            """
            import keras


            class Abstract(keras.layers.Layer):
                def build(self, input_shape):
                    raise NotImplementedError
            """,
            note="abstract build",
        ),
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],))
            """,
            note="--keras-version=3: harmless there",
            settings=Settings(keras_version="3"),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        build = layer.methods.get("build")
        if build is None or build.only_raises:
            return
        base = _weight_base(layer)
        if not settings.targets_keras2() and not base:
            return
        reached = [layer.methods[name] for name in layer.reachable(("build",), keras_api.NOT_IN_BUILD)]
        if any(_marks_built(m) for m in reached) or not any(_creates_state(m) for m in reached):
            return
        params = build.shape_params()
        param = params[0].name if params else "input_shape"
        harm = (
            f"{base}.build() never runs, so the first call fails without {base}'s weights"
            if base
            else "on Keras 2 a manual build() leaves the layer unbuilt and the next call "
            "replaces its weights"
        )
        yield self.report(
            build.pos,
            f"build() never calls super().build({param}): {harm}",
            UnbuiltBuildSubject(layer, build, param if params else None),
        )


def _weight_base(layer: LayerClass) -> str:
    """A Keras layer with weights of its own (``Dense``...) the class derives from:
    its ``build`` creates what its ``call`` reads, and runs only through
    ``super().build()``, in both versions (observed by the runtime lane: Keras 3
    ``Dense.call`` has no kernel), or ""."""
    for path in inherited_keras_bases(layer):
        name = path.rsplit(".", 1)[-1]
        if name in keras_api.WEIGHT_LAYERS:
            return name
    return ""
