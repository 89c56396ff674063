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
        "argument, in layer and metric classes, and, in a metric class, without a "
        "`name`. A starred `*args` that forwards the caller's arguments does not count, "
        "nor does a `**mapping` that may hold the name."
    )
    why = (
        "The two versions disagree on the order: Keras 2 is `add_weight(name, shape, "
        "dtype, initializer, ...)`, Keras 3 is `add_weight(shape, initializer, dtype, "
        "...)`. A leading name raises in Keras 3 (`ValueError: name must be passed as "
        "a keyword argument. Received: add_weight('kernel', ...). Use: "
        "add_weight(shape=..., name='kernel').`); a leading shape is taken as the name "
        "in Keras 2 (`TypeError: can only concatenate tuple (not \"str\") to tuple`). "
        "A metric's `add_weight` needs a name in Keras 2, whose `Metric.add_weight(name, "
        "shape=(), ...)` requires it: `TypeError: Metric.add_weight() missing 1 "
        "required positional argument: 'name'` (observed by the runtime lane); the fix "
        "names the weight after the attribute it is stored on."
    )
    versions = "Keras 3 (a leading name), Keras 2 (a leading shape, a metric's weight without a name)"
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
            note=(
                "a metric with a positional shape: Keras 3's order (shape, initializer), "
                "and the name Keras 2's Metric.add_weight() requires"
            ),
            fixed="""
            import keras


            class Total(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_weight(shape=(), initializer="zeros", name="total")
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
        Invalid(
            """
            import keras


            class Count(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.count = self.add_weight(  # error
                        shape=(),
                        initializer="zeros",
                    )
            """,
            note="a metric's weight with keywords but no name, which Keras 2 requires",
            fixed="""
            import keras


            class Count(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.count = self.add_weight(
                        shape=(),
                        initializer="zeros",
                        name="count",
                    )
            """,
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
        Valid(
            """
            import keras


            class Count(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.count = self.add_weight(shape=(), initializer="zeros")
            """,
            note="a metric's weight without a name, with --keras-version=3, where it works",
            settings=Settings(keras_version="3"),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        targets = tuple(
            version
            for version, targeted in (("2", settings.targets_keras2()), ("3", settings.targets_keras3()))
            if targeted
        )
        for method in layer.methods.values():
            flagged = [
                (call, harm) for call in method.calls if (harm := self._harm(call, layer, settings))
            ]
            # Every flagged call of the method goes to each finding's fix, which rewrites
            # them all at once: one method takes one pass, however many calls it has.
            batch = tuple(call for call, _ in flagged)
            for call, harm in flagged:
                message = (
                    f"self.{call.attr}() with positional arguments: {harm}; pass keywords"
                    if call.positional
                    else f"self.{call.attr}() of a metric without a name: {harm}; pass name="
                )
                yield self.report(
                    call.pos,
                    message,
                    AddWeightPositionalSubject(layer, method, call, targets, batch),
                )

    @staticmethod
    def _harm(call: CallFact, layer: LayerClass, settings: Settings) -> str:
        """What the call breaks in the targeted versions, "" when nothing."""
        if call.receiver != "self" or call.attr not in keras_api.WEIGHT_METHODS:
            return ""
        if not call.positional:
            return _METRIC_NAME if needs_name(call, layer) and settings.targets_keras2() else ""
        if call.first_arg == "str":
            if not settings.targets_keras3():
                return ""
            return "Keras 3 takes (shape, initializer, ...) and raises ValueError for a leading name"
        if call.first_arg == "sequence":
            if not settings.targets_keras2():
                return ""
            return "Keras 2 takes (name, shape, ...) and fails on a leading shape"
        return "Keras 2 reads them as (name, shape, ...), Keras 3 as (shape, initializer, ...)"


# tf-keras: ``Metric.add_weight(self, name, shape=(), ...)`` (tf_keras/src/metrics/
# base_metric.py); ``add_variable`` forwards to it. Observed by the runtime lane:
# ``TypeError: Metric.add_weight() missing 1 required positional argument: 'name'``.
_METRIC_NAME = "Keras 2's Metric.add_weight(name, ...) requires one and raises TypeError"


def needs_name(call: CallFact, layer: LayerClass) -> bool:
    """A metric's weight created with keywords only, and no name among them."""
    return layer.kind == "metric" and "name" not in call.keywords and "**" not in call.keywords
