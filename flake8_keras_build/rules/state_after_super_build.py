"""KLB110: a model's state created after ``super().build(...)``."""

from __future__ import annotations

from typing import Iterator, List

from .. import keras_api
from ..model import CallFact, Finding, LayerClass, Method
from ..settings import Settings
from .base import Invalid, Rule, Valid, call_paths


def _reaches_model_build(layer: LayerClass) -> bool:
    """``super().build`` is tf-keras' ``Model.build``: no class of the project in
    between defines ``build``, and the first Keras base is ``Model`` itself."""
    if layer.foreign_bases or any(a.defines("build") for a in layer.ancestors):
        return False
    bases = [base for ancestor in [layer, *layer.ancestors] for base in ancestor.keras_bases]
    return bool(bases) and bases[0].rsplit(".", 1)[-1] == keras_api.ROOT_MODEL


def _state_after(build: Method, call: CallFact) -> List[str]:
    """``self.<attr>`` state ``build`` creates after ``call``, in source order."""
    after = (call.pos.line, call.pos.col)
    found: List[str] = []
    for other in build.calls:
        if (other.pos.line, other.pos.col) <= after or not other.stored_on_self:
            continue
        if other.state in {"weight", "variable"} or other.creates == "layer":
            attr = other.stored_on_self.rstrip("[]")
            if attr not in found:
                found.append(attr)
    return found


class StateAfterSuperBuild(Rule):
    code = "KLB110"
    name = "state-after-super-build"
    title = "model state created after `super().build()`"
    kinds = ("model",)
    what = (
        "Flags, in the `build` of a `Model` subclass, a `super().build(shape)` (or "
        "`Model.build(self, shape)`) followed by the creation of a weight, variable "
        "or layer assigned to `self` that `call` (or a helper it calls) uses."
    )
    why = (
        "tf-keras' `Model.build(input_shape)` builds a subclassed model by running "
        "`call()` on placeholder inputs. Run before the state exists, that `call()` "
        "raises `AttributeError: '...' object has no attribute 'w'` on the first call "
        "(runtime lane, tf-keras), and so do `model.build(shape)` and `fit`. Keras 3's "
        "`Model.build` is `Layer.build`, which only marks the model built: the same "
        "code works there, and so does any `Layer` subclass in both versions, where "
        "state created after `super().build()` is created and tracked as usual "
        "(runtime lane)."
    )
    versions = "Keras 2 only"
    options = "Off with `--keras-version=3`."
    use_instead = """
        import tensorflow as tf


        class Net(tf.keras.Model):
            def build(self, input_shape):
                self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
                super().build(input_shape)

            def call(self, inputs):
                return inputs * self.w
    """
    not_flagged = (
        "Layer subclasses (harmless in both versions); state that `call` does not use; "
        "a model whose `build` reaches a `build` of the project or of a Keras class "
        "other than `Model` (`Sequential`, `Functional`), which do not run `call`."
    )
    invalid = (
        Invalid(
            """
            import tensorflow as tf


            class Net(tf.keras.Model):
                def build(self, input_shape):
                    super().build(input_shape)  # error
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")

                def call(self, inputs):
                    return inputs * self.w
            """
        ),
        Invalid(
            """
            import keras


            class Classifier(keras.Model):
                def build(self, input_shape):
                    super(Classifier, self).build(input_shape)  # error
                    self.head = keras.layers.Dense(3)
                    self.head.build(input_shape)

                def call(self, inputs):
                    return self._logits(inputs)

                def _logits(self, inputs):
                    return self.head(inputs)
            """,
            note="a layer made after it, used by a helper of call()",
        ),
    )
    valid = (
        Valid(
            """
            import tensorflow as tf


            class Scale(tf.keras.layers.Layer):
                def build(self, input_shape):
                    super().build(input_shape)
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="a layer: Layer.build only marks it built",
        ),
        Valid(
            """
            import tensorflow as tf


            class Net(tf.keras.Model):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
                    super().build(input_shape)
                    self.steps = self.add_weight(name="steps", shape=(), initializer="zeros", trainable=False)

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="what call() uses comes first; call() does not use self.steps",
        ),
        Valid(
            """
            import keras


            class Net(keras.Model):
                def build(self, input_shape):
                    super().build(input_shape)
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="--keras-version=3: Keras 3's Model.build does not run call()",
            settings=Settings(keras_version="3"),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        build = layer.methods.get("build")
        if build is None or not settings.targets_keras2():
            return
        # Without a shape, Model.build raises TypeError first (KLB108).
        supers = [
            call
            for call in build.super_calls("build")
            if call.arguments > (1 if call.receiver == "base" else 0)
        ]
        if not supers or not _reaches_model_build(layer):
            return
        used = call_paths(layer)
        uses = layer.uses()
        for call in supers:
            late = [
                attr
                for attr in _state_after(build, call)
                if any(uses.mentions(method, attr) for method in used)
            ]
            if not late:
                continue
            names = ", ".join(f"self.{attr}" for attr in late)
            written = " ".join(call.func.split())
            yield self.report(
                call.pos,
                f"{written}() runs before {names} exist: Keras 2's Model.build() runs "
                "call() on placeholders first and raises AttributeError; create the "
                "state before it",
            )
