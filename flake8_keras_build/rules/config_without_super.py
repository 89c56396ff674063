"""KLB205: ``get_config()`` that does not start from ``super().get_config()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterator, List, Optional

from .. import keras_api
from ..model import Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid
from .config_common import accepted_keywords, inherited_keras_bases


@dataclass(frozen=True, eq=False)
class ConfigWithoutSuperSubject(Subject):
    """KLB205's fix starts the config from ``super().get_config()``."""

    layer: LayerClass
    get_config: Method
    # The keywords reload can pass to the constructor; None: unknown. The fix
    # merges the base config only when reload accepts its keys.
    accepted: Optional[FrozenSet[str]]


class ConfigWithoutSuper(Rule):
    code = "KLB205"
    name = "config-without-super"
    title = "`get_config()` does not start from `super().get_config()`"
    what = (
        "Flags a `get_config` that calls neither `super().get_config()` nor "
        "`<Base>.get_config(self)` and whose returned value visibly has no `\"name\"` "
        "or no `\"dtype\"` key: a dict literal, `dict(...)`, `{**a, ...}`, a "
        "`self.<attr>` dict that every assignment in the class makes such a literal, "
        "or what a method of the class returns (`return self._make_config()`). "
        "`Model` subclasses too, unless functional-style."
    )
    why = (
        "`Layer.get_config()` saves `name`, `trainable` and `dtype`. Without it they "
        "are silently lost on reload: a frozen layer comes back trainable, a "
        "`mixed_float16` layer comes back `float32`, and names change (observed in "
        "Keras 3 and tf-keras: `custom_name/False/float16` reloads as "
        "`config_no_super/True/float32`). A subclassed `Model` loses them the same "
        "way (observed by the runtime lane in both versions); in tf-keras, "
        "`Model.get_config()` returns `{}` once a subclass overrides it, so a model "
        "meant for Keras 2 saves them by hand."
    )
    use_instead = """
        import keras


        class Scale(keras.layers.Layer):
            def __init__(self, factor, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor

            def get_config(self):
                config = super().get_config()
                config.update({"factor": self.factor})
                return config
    """
    not_flagged = (
        "Functional-style `Model` subclasses (their `__init__` passes `inputs` and "
        "`outputs` to `super().__init__`, or may: no `__init__` of their own, or an "
        "ancestor that cannot be seen), which must not chain to "
        "`Functional.get_config`; configs of unknown origin; configs that set "
        "`\"name\"` and `\"dtype\"` themselves."
    )
    invalid = (
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor

                def get_config(self):  # error
                    return {"factor": self.factor}
            """,
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor

                def get_config(self):
                    return {**super().get_config(), "factor": self.factor}
            """,
        ),
        Invalid(
            """
            import keras


            class Shift(keras.layers.Layer):
                def __init__(self, offset, axis=-1, **kwargs):
                    super().__init__(**kwargs)
                    self.offset = offset
                    self.axis = axis

                def get_config(self):  # error
                    config = {
                        "offset": self.offset,
                        "axis": self.axis,
                    }
                    return config
            """,
            note="the config built in a local first",
            fixed="""
            import keras


            class Shift(keras.layers.Layer):
                def __init__(self, offset, axis=-1, **kwargs):
                    super().__init__(**kwargs)
                    self.offset = offset
                    self.axis = axis

                def get_config(self):
                    config = {
                        **super().get_config(),
                        "offset": self.offset,
                        "axis": self.axis,
                    }
                    return config
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Head(tf.keras.layers.Layer):
                def __init__(self, num_classes, **kwargs):
                    super().__init__(**kwargs)
                    self._config_dict = {"num_classes": num_classes}

                def get_config(self):  # error
                    return self._config_dict
            """,
            note="a config dict kept on the layer",
            fixed="""
            import tensorflow as tf


            class Head(tf.keras.layers.Layer):
                def __init__(self, num_classes, **kwargs):
                    super().__init__(**kwargs)
                    self._config_dict = {"num_classes": num_classes}

                def get_config(self):
                    return {**super().get_config(), **self._config_dict}
            """,
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor):
                    super().__init__()
                    self.factor = factor

                def get_config(self):  # error
                    return {"factor": self.factor}
            """,
            note="no fix: without `**kwargs` reaching `super().__init__`, reload could not take `name`, `trainable` and `dtype` back",
        ),
        Invalid(
            """
            import keras


            class Tagged(keras.layers.Dense):
                def __init__(self, tag, **kwargs):
                    super().__init__(units=8, **kwargs)
                    self.tag = tag

                def get_config(self):  # error
                    return {"tag": self.tag}
            """,
            note="no fix: `Dense.get_config()` saves `units` too, which this constructor passes itself",
        ),
        Invalid(
            """
            import keras_hub


            class TinyBackbone(keras_hub.models.Backbone):
                def __init__(self, width, **kwargs):
                    super().__init__(**kwargs)
                    self.width = width

                def get_config(self):  # error
                    return {"width": self.width}
            """,
            note="no fix: a keras_hub model, whose base config is not `Layer`'s",
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor

                def get_config(self):  # error
                    if self.factor is None:
                        return {}
                    return {"factor": self.factor}
            """,
            note="no fix: `get_config` returns in two places",
        ),
        Invalid(
            """
            import keras


            class Net(keras.Model):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units

                def get_config(self):  # error
                    return {"units": self.units}
            """,
            note=(
                "no fix: a subclassed Model (not functional-style), whose base config "
                "differs between versions (tf-keras' `Model.get_config()` returns `{}` "
                "once overridden)"
            ),
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor

                def get_config(self):  # error
                    return self._make_config()

                def _make_config(self):
                    return {"factor": self.factor, "name": self.name}
            """,
            note="no fix: a config built by a helper, which saves name but not trainable and dtype",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Net(keras.Model):
                def __init__(self, units, **kwargs):
                    inputs = keras.Input((4,))
                    outputs = keras.layers.Dense(units)(inputs)
                    super().__init__(inputs=inputs, outputs=outputs, **kwargs)
                    self.units = units

                def get_config(self):
                    return {"units": self.units, "name": self.name, "trainable": self.trainable}
            """,
            note=(
                "a functional-style Model, which must not chain to Functional.get_config(), "
                "saving name and trainable itself"
            ),
        ),
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor

                def get_config(self):
                    return self._make_config()

                def _make_config(self):
                    return {**super().get_config(), "factor": self.factor}
            """,
            note="a helper that starts from super().get_config()",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        config = layer.config
        if config is None or config.calls_super or layer.kind not in {"layer", "model"}:
            return
        if layer.kind == "model" and _maybe_functional(layer):
            return
        value = config.value
        if value is None or value.from_super:
            return
        lost = [key for key in keras_api.LAYER_KEYWORDS if key not in value.keys]
        accepted = accepted_keywords(layer, settings)
        # A config that saves its name decided what else it keeps (Keras' own
        # InputLayer and Discretization save dtype, not trainable: they have no
        # trainable weights) unless it drops a dtype its constructor takes.
        takes_dtype = accepted is not None and "dtype" in accepted
        if "name" not in lost and not ("dtype" in lost and takes_dtype):
            return
        frozen = f" (a frozen {layer.kind} comes back trainable)" if "trainable" in lost else ""
        # tf-keras' Model.get_config() returns {} once a subclass overrides it
        # (tf_keras/src/engine/training.py): chaining does not save them there.
        by_hand = (
            "; Keras 2's Model.get_config() returns {} then: save them by hand"
            if layer.kind == "model" and settings.targets_keras2()
            else ""
        )
        yield self.report(
            config.pos,
            "get_config() does not start from super().get_config(): "
            f"{_listed(lost)} {'is' if len(lost) == 1 else 'are'} lost on reload{frozen}{by_hand}",
            ConfigWithoutSuperSubject(layer, layer.methods["get_config"], accepted),
        )


def _listed(keys: List[str]) -> str:
    return keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]


def _maybe_functional(layer: LayerClass) -> bool:
    """A ``Model`` subclass that is (or may be) built functionally: its constructor,
    or an ancestor's, passes ``inputs``/``outputs`` to ``super().__init__``; no class
    of the chain defines ``__init__`` (``Net(inputs, outputs)`` works then); an
    ancestor cannot be seen; or its Keras base is not ``Model`` itself. Such models
    must not chain to ``Functional.get_config`` (RULES: KLB205)."""
    if layer.foreign_bases:
        return True
    bases = [b.rsplit(".", 1)[-1] for b in inherited_keras_bases(layer)]
    if any(base != keras_api.ROOT_MODEL for base in bases):
        return True
    inits = [c.init for c in [layer, *layer.ancestors] if c.init is not None]
    return not inits or any(init.functional for init in inits)
