"""KLB207: ``get_config()`` emits a key ``__init__`` does not accept."""

from __future__ import annotations

from typing import Iterator

from ..model import Finding, LayerClass
from ..settings import Settings
from .base import Invalid, Rule, Valid
from .config_common import accepted_keywords, quoted, rebuilds_itself


class ConfigUnknownKey(Rule):
    code = "KLB207"
    name = "config-unknown-key"
    title = "`get_config()` emits a key `__init__` does not accept"
    what = (
        "Flags a statically visible key of `get_config` that is neither a parameter "
        "of `__init__` nor consumed through `**kwargs`: read from it "
        "(`kwargs.pop(\"k\")`, `kwargs[\"k\"]`, `kwargs.get(\"k\")`) or accepted by the "
        "constructor `**kwargs` reaches (Keras 3's `Layer` takes `name`, `trainable`, "
        "`dtype`, `autocast`, `activity_regularizer`, `input_dim`, `input_shape`; "
        "tf-keras' also `dynamic`, `batch_input_shape`, `batch_size`, `weights`, "
        "`implementation`)."
    )
    why = (
        "`load_model` rebuilds the layer with `cls(**config)`, which fails with a "
        "`TypeError`: `... __init__() got an unexpected keyword argument '...'` when "
        "`__init__` has no `**kwargs`; when the key travels through `**kwargs` to "
        "`Layer.__init__`, Keras 3 says `Unrecognized keyword arguments passed to "
        "<Class>: {...}` and tf-keras `('Keyword argument not understood:', '...')`. "
        "The save succeeded, so the error appears only when the model is loaded."
    )
    use_instead = """
        import keras


        class Patches(keras.layers.Layer):
            def __init__(self, size, **kwargs):
                super().__init__(**kwargs)
                self.size = size
                self.count = size * size

            def get_config(self):
                return {**super().get_config(), "size": self.size}
    """
    not_flagged = (
        "Classes that override `from_config`; keys read from `**kwargs`; keys the "
        "base constructor accepts; a base from another module (unknown)."
    )
    invalid = (
        Invalid(
            """
            import keras


            class Patches(keras.layers.Layer):
                def __init__(self, size, **kwargs):
                    super().__init__(**kwargs)
                    self.size = size
                    self.count = size * size

                def get_config(self):  # error
                    return {**super().get_config(), "size": self.size, "count": self.count}
            """
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Decoder(keras.layers.Layer):
                def __init__(self, units, **kwargs):
                    self.cache_shape = kwargs.pop("cache_shape", None)
                    super().__init__(**kwargs)
                    self.units = units

                def get_config(self):
                    return {
                        **super().get_config(),
                        "units": self.units,
                        "cache_shape": self.cache_shape,
                        "autocast": False,
                    }
            """,
            note="a key read from **kwargs, and one Layer.__init__ accepts",
        ),
        Valid(
            """
            import keras


            class Patches(keras.layers.Layer):
                def __init__(self, size, **kwargs):
                    super().__init__(**kwargs)
                    self.size = size

                def get_config(self):
                    return {**super().get_config(), "size": self.size, "count": 4}

                @classmethod
                def from_config(cls, config):
                    config.pop("count")
                    return cls(**config)
            """,
            note="the class overrides from_config",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        config = layer.config
        if config is None or config.value is None or rebuilds_itself(layer):
            return
        accepted = accepted_keywords(layer, settings)
        if accepted is None:
            return
        unknown = sorted(k for k in config.value.keys if k not in accepted)
        if not unknown:
            return
        yield self.report(
            config.pos,
            f"get_config() emits {quoted(unknown)}, which __init__() does not accept: "
            "load_model fails when cls(**config) rejects it",
        )
