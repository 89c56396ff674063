"""KLB109: weights assigned to ``Layer``'s read-only weight lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, List

from .. import keras_api
from ..model import AssignFact, Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid


@dataclass(frozen=True, eq=False)
class WeightListSubject(Subject):
    """KLB109's fix deletes the assignment when every weight it lists is tracked
    anyway."""

    method: Method
    assign: AssignFact
    # Attributes the class assigns only from ``self.add_weight(...)`` or a variable
    # constructor: Keras tracks a variable assigned to ``self`` by itself.
    tracked: FrozenSet[str]
    # Attributes assigned a new weight anywhere: a list that leaves one out made it
    # untrainable in Keras 1, which deleting the list would undo.
    created: FrozenSet[str]


def weight_attributes(layer: LayerClass) -> tuple[FrozenSet[str], FrozenSet[str]]:
    """Attributes whose every assignment (in the methods read) creates a weight, and
    those that some assignment does."""
    created: Dict[str, int] = {}
    assigned: Dict[str, int] = {}
    for method in layer.methods.values():
        for call in method.calls:
            if call.assigned_to and call.state in {"weight", "variable"}:
                created[call.assigned_to] = created.get(call.assigned_to, 0) + 1
        for assign in method.assigns:
            assigned[assign.attr] = assigned.get(assign.attr, 0) + 1
    only = frozenset(attr for attr, count in created.items() if assigned.get(attr) == count)
    return only, frozenset(created)


def _owns(layer: LayerClass, attr: str) -> bool:
    """The class or a class of the project it derives from defines ``attr`` itself
    (a property with a setter, say), or may: a base that cannot be seen."""
    return layer.foreign_bases or any(klass.defines(attr) for klass in [layer, *layer.ancestors])


def _assignments(layer: LayerClass) -> List[tuple[Method, AssignFact]]:
    return [
        (method, assign)
        for method in layer.methods.values()
        for assign in method.assigns
        if assign.attr in keras_api.WEIGHT_LIST_PROPERTIES and not _owns(layer, assign.attr)
    ]


class WeightListAssigned(Rule):
    code = "KLB109"
    name = "weight-list-assigned"
    title = "weights assigned to `Layer`'s read-only weight lists"
    what = (
        "Flags `self.trainable_weights = ...` (also `+=`) and the same for "
        "`non_trainable_weights`, `weights`, `variables`, `trainable_variables` and "
        "`non_trainable_variables`, in a layer or model class that does not define "
        "that attribute itself: the Keras 1 way of registering weights made with "
        "`K.variable`, `K.zeros` or an initializer."
    )
    why = (
        "In Keras 3 and Keras 2 (tf-keras) these are read-only properties computed "
        "from the weights Keras tracks, so the assignment raises when the layer is "
        "built: Keras 3 `AttributeError: property 'trainable_weights' of '...' object "
        "has no setter`, tf-keras `AttributeError: Can't set the attribute "
        "\"trainable_weights\", likely because it conflicts with an existing read-only "
        "@property of the object.` (runtime lane). Keras tracks a weight made with "
        "`self.add_weight(...)`, and a variable assigned to `self`, by itself: it is "
        "trained and saved with no list to fill. Assigning the private "
        "`self._trainable_weights` list instead was observed to work in both versions "
        "(the variables assigned to `self` are tracked anyway), so it is not flagged."
    )
    use_instead = """
        import keras


        class Attention(keras.layers.Layer):
            def build(self, input_shape):
                self.W = self.add_weight(
                    name="W", shape=(input_shape[-1],), initializer="glorot_uniform"
                )
                super().build(input_shape)

            def call(self, inputs):
                return inputs * self.W
    """
    not_flagged = (
        "Reading the lists (`self.trainable_weights`), a class that defines the "
        "attribute itself or has a base that cannot be seen (it may define it), and "
        "the private lists `self._trainable_weights` and `self._non_trainable_weights`, "
        "which Keras lets a layer assign."
    )
    invalid = (
        Invalid(
            """
            import tensorflow as tf
            from keras.engine.topology import Layer


            class Attention(Layer):
                def build(self, input_shape):
                    self.W = tf.Variable(tf.ones((input_shape[-1],)), name="W")
                    self.trainable_weights = [self.W]  # error
                    super().build(input_shape)

                def call(self, inputs):
                    return inputs * self.W
            """,
            note="a variable assigned to self is tracked by itself: the list goes",
            fixed="""
            import tensorflow as tf
            from keras.engine.topology import Layer


            class Attention(Layer):
                def build(self, input_shape):
                    self.W = tf.Variable(tf.ones((input_shape[-1],)), name="W")
                    super().build(input_shape)

                def call(self, inputs):
                    return inputs * self.W
            """,
        ),
        Invalid(
            """
            import keras


            class Affine(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
                    self.b = self.add_weight(name="b", shape=(input_shape[-1],), initializer="zeros")
                    self.trainable_weights = [self.w, self.b]  # error

                def call(self, inputs):
                    return inputs * self.w + self.b
            """,
            note="add_weight() already tracks the weights",
            fixed="""
            import keras


            class Affine(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
                    self.b = self.add_weight(name="b", shape=(input_shape[-1],), initializer="zeros")

                def call(self, inputs):
                    return inputs * self.w + self.b
            """,
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
                    self.trainable_weights += [self.w]  # error

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="added to the list: it is there already",
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")

                def call(self, inputs):
                    return inputs * self.w
            """,
        ),
        Invalid(
            """
            import keras


            class Gated(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
                    self.g = self.add_weight(name="g", shape=(input_shape[-1],), initializer="ones")
                    self.trainable_weights = [self.w]  # error

                def call(self, inputs):
                    return inputs * self.w * self.g
            """,
            note="no fix: the list leaves g out, which Keras 1 did not train",
        ),
        Invalid(
            """
            import tensorflow as tf


            class Normalize(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.mean = tf.Variable(tf.zeros((input_shape[-1],)), name="mean")
                    self.non_trainable_weights = [self.mean]  # error

                def call(self, inputs):
                    return inputs - self.mean
            """,
            note="no fix: the variable is trainable; make it with add_weight(..., trainable=False)",
        ),
        Invalid(
            """
            import keras


            class Head(keras.Model):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dense = keras.layers.Dense(3)

                def build(self, input_shape):
                    self.dense.build(input_shape)
                    self.weights = self.dense.weights  # error

                def call(self, inputs):
                    return self.dense(inputs)
            """,
            note="no fix: the value is not a list of the class's own weights",
        ),
    )
    valid = (
        Valid(
            """
            import tensorflow as tf


            class Attention(tf.keras.layers.Layer):
                def build(self, input_shape):
                    self.W = tf.Variable(tf.ones((input_shape[-1],)), name="W")
                    self._trainable_weights = [self.W]
                    super().build(input_shape)

                def call(self, inputs):
                    return inputs * self.W
            """,
            note="the private list: Keras 3 and tf-keras track, train and save the weight",
        ),
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
                    self.n_weights = len(self.trainable_weights)

                def call(self, inputs):
                    return inputs * self.w
            """,
            note="the list read, not assigned",
        ),
        Valid(
            """
            import keras


            class Extended(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.extra = []

                @property
                def trainable_weights(self):
                    return super().trainable_weights + self.extra

                @trainable_weights.setter
                def trainable_weights(self, weights):
                    self.extra = list(weights)

                def build(self, input_shape):
                    self.trainable_weights = []
            """,
            note="the class defines trainable_weights, with a setter",
        ),
        Valid(
            """
            import keras
            from mylib.mixins import WeightListMixin


            class Mixed(WeightListMixin, keras.layers.Layer):
                def build(self, input_shape):
                    self.trainable_weights = []
            """,
            note="a base that cannot be seen may define the attribute with a setter",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        found = _assignments(layer)
        if not found:
            return
        tracked, created = weight_attributes(layer)
        for method, assign in found:
            yield self.report(
                assign.pos,
                f"self.{assign.attr} assigned: a read-only property in Keras 3 and Keras 2, "
                "so building the layer raises AttributeError; self.add_weight() (or a "
                "variable assigned to self) is tracked without it",
                WeightListSubject(method, assign, tracked, created),
            )
