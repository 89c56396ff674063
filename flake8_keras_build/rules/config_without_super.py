"""KLB205: ``get_config()`` that does not start from ``super().get_config()``."""

from __future__ import annotations

from typing import Iterator

from ..model import Finding, LayerClass
from ..settings import Settings
from .base import Invalid, Rule, Valid


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
            """
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
        )
