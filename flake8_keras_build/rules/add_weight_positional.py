"""KLB301: ``add_weight()`` with positional arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Tuple

from .. import keras_api
from ..model import CallFact, Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid


@dataclass(frozen=True, eq=False)
class AddWeightPositionalSubject(Subject):
    """KLB301's fix passes the positional arguments by keyword."""

    layer: LayerClass
    method: Method
    call: CallFact
    targets: Tuple[str, ...]  # the Keras versions the code targets: "2", "3"
    # Every flagged call of the method: the fix rewrites them all in one pass.
    batch: Tuple[CallFact, ...]


class AddWeightPositional(Rule):
    code = "KLB301"
    name = "add-weight-positional"
    title = "`add_weight()` with positional arguments"
    what = (
        "Flags `self.add_weight(...)` and `self.add_variable(...)` with a positional "
        "argument, in layer and metric classes. A starred `*args` that forwards the "
        "caller's arguments does not count."
    )
    why = (
        "The two versions disagree on the order: Keras 2 is `add_weight(name, shape, "
        "dtype, initializer, ...)`, Keras 3 is `add_weight(shape, initializer, dtype, "
        "...)`. A leading name raises in Keras 3 (`ValueError: name must be passed as "
        "a keyword argument. Received: add_weight('kernel', ...). Use: "
        "add_weight(shape=..., name='kernel').`); a leading shape is taken as the name "
        "in Keras 2 (`TypeError: can only concatenate tuple (not \"str\") to tuple`)."
    )
    versions = "Keras 3 (a leading name), Keras 2 (a leading shape)"
    options = "`--keras-version` silences the calls that only break the other version."
    kinds = ("layer", "model", "metric")
    use_instead = """
        import keras


        class Scale(keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
                super().build(input_shape)
    """
    not_flagged = "Keyword-only calls, forwarded `*args`, `add_weight` outside layer and metric classes."
    invalid = (
        Invalid(
            """
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), 4])  # error
                    super().build(input_shape)
            """,
            fixed="""
            import tensorflow as tf


            class MyDenseLayer(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), 4])
                    super().build(input_shape)
            """,
        ),
        Invalid(
            """
            import keras


            class Total(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_weight((), "zeros")  # error
            """,
            note="a metric with a positional shape: Keras 3's order (shape, initializer)",
            fixed="""
            import keras


            class Total(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_weight(shape=(), initializer="zeros")
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Affine(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight("w", (input_shape[-1], 4), "float32")  # error
                    self.b = self.add_weight(  # error
                        "b",
                        (4,),  # one per unit
                        initializer="zeros",
                    )
                    super().build(input_shape)
            """,
            note="a name first: Keras 2's order (name, shape, dtype), all the calls of a method at once",
            fixed="""
            import tensorflow as tf


            class Affine(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1], 4), dtype="float32")
                    self.b = self.add_weight(
                        name="b",
                        shape=(4,),  # one per unit
                        initializer="zeros",
                    )
                    super().build(input_shape)
            """,
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    dims = (input_shape[-1], 4)
                    self.w = self.add_weight(dims, initializer="ones")  # error
                    super().build(input_shape)
            """,
            note="with --keras-version=3, Keras 3's order",
            settings=Settings(keras_version="3"),
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    dims = (input_shape[-1], 4)
                    self.w = self.add_weight(shape=dims, initializer="ones")
                    super().build(input_shape)
            """,
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(self.spec, initializer="ones")  # error
                    super().build(input_shape)
            """,
            note="`self.spec` first, which Keras 2 reads as the name and Keras 3 as the shape",
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight((4,), "ones", "float32", False)  # error
                    super().build(input_shape)
            """,
            note="more than the (shape, initializer, dtype) that every Keras 3 release takes by position",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def add_weight(self, *args, **kwargs):
                    return super().add_weight(*args, **kwargs)

                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],))
                    super().build(input_shape)
            """,
            note="keyword arguments, and *args forwarded",
        ),
        Valid(
            """
            import tensorflow as tf


            class Legacy(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight("w", shape=(input_shape[-1],))
                    super().build(input_shape)
            """,
            note="a leading name with --keras-version=2, where it works",
            settings=Settings(keras_version="2"),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        targets = tuple(
            version
            for version, targeted in (("2", settings.targets_keras2()), ("3", settings.targets_keras3()))
            if targeted
        )
        for method in layer.methods.values():
            flagged = [(call, harm) for call in method.calls if (harm := self._harm(call, settings))]
            # Every flagged call of the method goes to each finding's fix, which rewrites
            # them all at once: one method takes one pass, however many calls it has.
            batch = tuple(call for call, _ in flagged)
            for call, harm in flagged:
                yield self.report(
                    call.pos,
                    f"self.{call.attr}() with positional arguments: {harm}; pass keywords",
                    AddWeightPositionalSubject(layer, method, call, targets, batch),
                )

    @staticmethod
    def _harm(call: CallFact, settings: Settings) -> str:
        """What the call breaks in the targeted versions, "" when nothing."""
        if call.receiver != "self" or call.attr not in keras_api.WEIGHT_METHODS or not call.positional:
            return ""
        if call.first_arg == "str":
            if not settings.targets_keras3():
                return ""
            return "Keras 3 takes (shape, initializer, ...) and raises ValueError for a leading name"
        if call.first_arg == "sequence":
            if not settings.targets_keras2():
                return ""
            return "Keras 2 takes (name, shape, ...) and fails on a leading shape"
        return "Keras 2 reads them as (name, shape, ...), Keras 3 as (shape, initializer, ...)"
