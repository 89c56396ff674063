"""KLB205: ``get_config()`` that does not start from ``super().get_config()``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterator, Optional

from ..model import Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid
from .config_common import accepted_keywords


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
        "key: a dict literal, `dict(...)`, `{**a, ...}`, or a `self.<attr>` dict that "
        "every assignment in the class makes such a literal."
    )
    why = (
        "`Layer.get_config()` saves `name`, `trainable` and `dtype`. Without it they "
        "are silently lost on reload: a frozen layer comes back trainable, a "
        "`mixed_float16` layer comes back `float32`, and names change (observed in "
        "Keras 3 and tf-keras: `custom_name/False/float16` reloads as "
        "`config_no_super/True/float32`)."
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
        "`Model` subclasses (functional-style models must not chain to "
        "`Functional.get_config`), configs of unknown origin, configs that set "
        "`\"name\"` themselves."
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
    )
    valid = (
        Valid(
            """
            import keras


            class Net(keras.Model):
                def __init__(self, units, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units

                def get_config(self):
                    return {"units": self.units}
            """,
            note="a Model subclass",
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
                    return {"factor": self.factor, "name": self.name}
            """,
            note="a config of unknown origin",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        config = layer.config
        if layer.kind != "layer" or config is None or config.calls_super:
            return
        value = config.value
        if value is None or value.from_super or "name" in value.keys:
            return
        yield self.report(
            config.pos,
            "get_config() does not start from super().get_config(): name, trainable "
            "and dtype are lost on reload (a frozen layer comes back trainable)",
            ConfigWithoutSuperSubject(
                layer, layer.methods["get_config"], accepted_keywords(layer, settings)
            ),
        )
