"""KLB107 (opt-in): children assigned in ``__init__`` but not built in ``build()``."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional

from .. import keras_api
from ..model import Finding, LayerClass
from ..settings import Settings
from .base import Invalid, Rule, Valid


def _creates_weights(layer: LayerClass) -> bool:
    return any(
        call.state in {"weight", "variable"}
        for method in layer.methods.values()
        for call in method.calls
    )


def _weight_bearing(callee: str, layer: LayerClass) -> bool:
    name = callee.rsplit(".", 1)[-1]
    for candidate in layer.siblings:
        if candidate.name == name and "." not in callee:
            return _creates_weights(candidate)
    return name in keras_api.WEIGHT_LAYERS


def _children(layer: LayerClass) -> Dict[str, str]:
    """``attr -> class`` for weight-bearing layers stored on ``self`` in ``__init__``."""
    init = layer.methods.get("__init__")
    children: Dict[str, str] = {}
    if init is None:
        return children
    for call in init.calls:
        attr = call.stored_on_self
        if attr and not attr.endswith("[]") and call.creates == "layer" and call.callee:
            if _weight_bearing(call.callee, layer):
                children.setdefault(attr, call.callee.rsplit(".", 1)[-1])
    return children


def _built_children(layer: LayerClass, children: Dict[str, str]) -> Optional[List[str]]:
    """Children ``build()`` (or ``__init__``) builds: by ``self.<child>.build(...)``, or
    by calling them on a value (``self.<child>(x)``: calling a layer builds it, RULES
    v1.2). None when it builds or calls layers through something we cannot name
    (``for child in self.blocks: child.build(...)``, ``getattr(self, name)(x)``)."""
    built: List[str] = []
    methods = list(layer.reachable(("build",), keras_api.NOT_IN_BUILD).values())
    names = [path[-1] for path in methods] + ["__init__"]
    for name in names:
        method = layer.methods.get(name)
        if method is None:
            continue
        for call in method.calls:
            if call.receiver == "self" and call.attr in children:
                built.append(call.attr)
            elif call.dynamic and name != "__init__":
                return None
            elif call.attr != "build":
                continue
            elif call.receiver == "attr":
                built.append(call.func.split(".")[1])
            elif call.receiver == "expr":
                return None
    return built


class ChildrenNotBuilt(Rule):
    code = "KLB107"
    name = "children-not-built"
    title = "children assigned in `__init__` not built in `build()`"
    what = (
        "Flags a `build` override of a class that assigns weight-bearing layers to "
        "`self` in `__init__` (`Dense`, `Conv*`, `Embedding`, normalization, attention "
        "and recurrent layers, same-file layers that create weights) and neither "
        "builds one of them (`self.<child>.build(...)`) nor calls it on a value "
        "(`self.<child>(x)`: calling a layer builds it)."
    )
    why = (
        "Keras 3 builds what `build()` builds: a child left to be built lazily on the "
        "first call has no weights after `build()`, so `set_weights` right after it "
        "fails (`ValueError: You called set_weights(weights) on layer ... with a weight "
        "list of length 3, but the layer was expecting 1 weights.`) and loading a saved "
        "model fails (`ValueError: A total of 1 objects could not be loaded ... expected "
        "1 variables, but received 0 variables during loading.`). tf-keras fails the "
        "same way on `set_weights` after `build()` (observed by the runtime lane); its "
        "saving and loading work, since its `load_model` calls the model."
    )
    versions = "Keras 2 and Keras 3 (`set_weights` after `build`), Keras 3 (saving and loading)"
    use_instead = """
        import keras


        class Block(keras.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.dense = keras.layers.Dense(units)

            def build(self, input_shape):
                self.dense.build(input_shape)
                super().build(input_shape)

            def call(self, inputs):
                return self.dense(inputs)

            def get_config(self):
                return {**super().get_config(), "units": self.units}
    """
    not_flagged = (
        "Weightless children (`Dropout`, `Activation`, `Flatten`, pooling, ...), "
        "children built in `__init__`, children `build` calls on a value, classes "
        "without `build`, and a `build` that builds or calls layers it does not name "
        "(a loop over children, `getattr(self, name)(x)`)."
    )
    invalid = (
        Invalid(
            """
            import keras


            class Block(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dense = keras.layers.Dense(4)
                    self.scale = self.add_weight(shape=())

                def build(self, input_shape):  # error
                    super().build(input_shape)

                def call(self, inputs):
                    return self.dense(inputs) * self.scale
            """
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Block(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.drop = keras.layers.Dropout(0.1)

                def build(self, input_shape):
                    super().build(input_shape)

                def call(self, inputs):
                    return self.drop(inputs)
            """,
            note="a weightless child",
        ),
        Valid(
            """
            import keras


            class Block(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dense = keras.layers.Dense(4)
                    self.dense.build((None, 8))

                def build(self, input_shape):
                    super().build(input_shape)
            """,
            note="the child is built in __init__",
        ),
        Valid(
            """
            import keras


            class Block(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.dense = keras.layers.Dense(4)

                def build(self, input_shape):
                    self.dense(keras.ops.ones((1, input_shape[-1])))
                    super().build(input_shape)

                def call(self, inputs):
                    return self.dense(inputs)
            """,
            note="the child is called on a sample in build(): calling a layer builds it",
        ),
        Valid(
            """
            import keras


            class Block(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.query = keras.layers.Dense(4)
                    self.key = keras.layers.Dense(4)

                def build(self, input_shape):
                    sample = keras.ops.ones((1, input_shape[-1]))
                    for name in ("query", "key"):
                        getattr(self, name)(sample)
                    super().build(input_shape)

                def call(self, inputs):
                    return self.query(inputs) + self.key(inputs)
            """,
            note="children called through getattr() in a loop",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        build = layer.methods.get("build")
        if build is None:
            return
        children = _children(layer)
        if not children:
            return
        built = _built_children(layer, children)
        if built is None:
            return
        missing = [attr for attr in children if attr not in built]
        if not missing:
            return
        names = ", ".join(f"self.{attr} ({children[attr]})" for attr in missing)
        # set_weights() after build() fails in both versions; saving and loading in
        # Keras 3 only (tf-keras' load_model calls the model: the runtime lane).
        saving = (
            "Keras 3 saving fails ('expected N variables, but received 0') and "
            if settings.targets_keras3()
            else ""
        )
        yield self.report(
            build.pos,
            f"build() does not build {names}: {saving}set_weights() after build() fails",
        )
