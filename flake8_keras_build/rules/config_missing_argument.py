"""KLB206: ``get_config()`` omits a constructor argument."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Tuple

from ..model import Finding, LayerClass, Method, Subject
from ..settings import Settings
from .base import Invalid, Rule, Valid
from .config_common import (
    own_params,
    quoted,
    rebuilds_itself,
    renamed_params,
    super_config_keys,
)


@dataclass(frozen=True, eq=False)
class MissingConfigArgumentsSubject(Subject):
    """KLB206's fix adds ``"x": self.x`` to the config for the missing arguments."""

    layer: LayerClass
    get_config: Method
    missing: Tuple[str, ...]  # the arguments get_config() does not save, in order


class ConfigMissingArgument(Rule):
    code = "KLB206"
    name = "config-missing-argument"
    title = "`get_config()` omits a constructor argument"
    what = (
        "Flags `__init__` arguments (as in KLB204: not `name`/`dtype`/`trainable`, "
        "not passed on to `super().__init__`) missing from the keys `get_config` "
        "returns, when every key is statically visible: dict literals, "
        "`{**base, ...}`, `config.update(...)`, `config[\"k\"] = v`, the "
        "`dict(list(a.items()) + list(b.items()))` idiom, traced `self.<attr>` "
        "dicts, and the keys of a same-file ancestor's `get_config` reached through "
        "`super()`. An argument passed on to `super().__init__` under another keyword "
        "(`super().__init__(units=size)`) counts as its own: the base saves `units`, "
        "not `size`."
    )
    why = (
        "`from_config` calls `cls(**config)`: an argument that is not in the config "
        "gets its default value on reload, silently (a `sparse=True` layer comes back "
        "dense, a different `units` gives different outputs)."
    )
    use_instead = """
        import keras


        class Encoder(keras.layers.Layer):
            def __init__(self, depth, sparse=False, **kwargs):
                super().__init__(**kwargs)
                self.depth = depth
                self.sparse = sparse

            def get_config(self):
                return {**super().get_config(), "depth": self.depth, "sparse": self.sparse}
    """
    not_flagged = (
        "Dynamic configs (a key built in a loop or returned by a call), classes that "
        "override `from_config`, arguments passed on to `super().__init__` (also when "
        "first folded into `kwargs`)."
    )
    invalid = (
        Invalid(
            """
            import keras


            class Encoder(keras.layers.Layer):
                def __init__(self, depth, sparse=False, **kwargs):
                    super().__init__(**kwargs)
                    self.depth = depth
                    self.sparse = sparse

                def get_config(self):  # error
                    config = super().get_config()
                    config.update({"depth": self.depth})
                    return config
            """,
            fixed="""
            import keras


            class Encoder(keras.layers.Layer):
                def __init__(self, depth, sparse=False, **kwargs):
                    super().__init__(**kwargs)
                    self.depth = depth
                    self.sparse = sparse

                def get_config(self):
                    config = super().get_config()
                    config.update({"depth": self.depth, "sparse": self.sparse})
                    return config
            """,
        ),
        Invalid(
            """
            import keras


            class Projection(keras.layers.Layer):
                def __init__(self, units, activation="relu", use_bias=True, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                    self.activation = activation
                    self.use_bias = use_bias

                def get_config(self):  # error
                    return {
                        **super().get_config(),
                        "units": self.units,
                    }
            """,
            note="the returned dict literal gets the keys",
            fixed="""
            import keras


            class Projection(keras.layers.Layer):
                def __init__(self, units, activation="relu", use_bias=True, **kwargs):
                    super().__init__(**kwargs)
                    self.units = units
                    self.activation = activation
                    self.use_bias = use_bias

                def get_config(self):
                    return {
                        **super().get_config(),
                        "units": self.units,
                        "activation": self.activation,
                        "use_bias": self.use_bias,
                    }
            """,
        ),
        Invalid(
            """
            import tensorflow as tf


            class Noise(tf.keras.layers.Layer):
                def __init__(self, rate, noise_shape=None, **kwargs):
                    super().__init__(**kwargs)
                    self.rate = rate
                    self.noise_shape = noise_shape

                def get_config(self):  # error
                    config = {'rate': self.rate}
                    base_config = super().get_config()
                    return dict(list(base_config.items()) + list(config.items()))
            """,
            note="the tf-keras merging idiom: the keys go into the layer's own dict, in its quotes",
            fixed="""
            import tensorflow as tf


            class Noise(tf.keras.layers.Layer):
                def __init__(self, rate, noise_shape=None, **kwargs):
                    super().__init__(**kwargs)
                    self.rate = rate
                    self.noise_shape = noise_shape

                def get_config(self):
                    config = {'rate': self.rate, 'noise_shape': self.noise_shape}
                    base_config = super().get_config()
                    return dict(list(base_config.items()) + list(config.items()))
            """,
        ),
        Invalid(
            """
            import keras


            class Encoder(keras.layers.Layer):
                def __init__(self, depth, data_format=None, **kwargs):
                    super().__init__(**kwargs)
                    self.depth = depth
                    self._data_format = data_format or "channels_last"

                def get_config(self):  # error
                    return {**super().get_config(), "depth": self.depth}
            """,
            note="no fix: `__init__` does not store the argument itself as `self.data_format`",
        ),
        Invalid(
            """
            import keras


            class Encoder(keras.layers.Layer):
                def __init__(self, depth, sparse=False, **kwargs):
                    super().__init__(**kwargs)
                    self.depth = depth
                    self.sparse = sparse

                def get_config(self):  # error
                    config = super().get_config()
                    config["depth"] = self.depth
                    return config
            """,
            note="no fix: no dict literal to add the key to",
        ),
        Invalid(
            """
            import keras


            class Block(keras.layers.Layer):
                def __init__(self, width, norm_layer=keras.layers.LayerNormalization, **kwargs):
                    super().__init__(**kwargs)
                    self.width = width
                    self.norm_layer = norm_layer

                def build(self, input_shape):
                    self.norm = self.norm_layer(epsilon=1e-5)

                def get_config(self):  # error
                    return {**super().get_config(), "width": self.width}
            """,
            note="no fix: `self.norm_layer` holds a class, which needs serializing by hand",
        ),
        Invalid(
            """
            import keras


            class BaseConv(keras.layers.Layer):
                def __init__(self, rank, filters, **kwargs):
                    super().__init__(**kwargs)
                    self.rank = rank
                    self.filters = filters

                def get_config(self):  # error
                    return {**super().get_config(), "filters": self.filters}
            """,
            note="no fix: a required argument, which a subclass may pass itself (`Conv2D` passes `rank=2`)",
        ),
        Invalid(
            """
            import keras

            PATCH_SIZE = 6


            class Patches(keras.layers.Layer):
                def __init__(self, patch_size=PATCH_SIZE, stride=None, **kwargs):
                    super().__init__(**kwargs)
                    self.patch_size = patch_size
                    self.stride = stride

                def get_config(self):  # error
                    return {**super().get_config(), "stride": self.stride}
            """,
            note="a default that is a module-level constant: a plain value, saved like one",
            fixed="""
            import keras

            PATCH_SIZE = 6


            class Patches(keras.layers.Layer):
                def __init__(self, patch_size=PATCH_SIZE, stride=None, **kwargs):
                    super().__init__(**kwargs)
                    self.patch_size = patch_size
                    self.stride = stride

                def get_config(self):
                    return {
                        **super().get_config(),
                        "stride": self.stride,
                        "patch_size": self.patch_size,
                    }
            """,
        ),
        Invalid(
            """
            import keras


            class Renamed(keras.layers.Dense):
                def __init__(self, size, scale=1.0, **kwargs):
                    super().__init__(units=size, **kwargs)
                    self.scale = scale

                def get_config(self):  # error
                    return {**super().get_config(), "scale": self.scale}
            """,
            note=(
                "no fix: `size` is passed on as `units=`, which `Dense.get_config()` saves "
                "instead; saving `size` too would make reload pass both"
            ),
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Encoder(keras.layers.Layer):
                def __init__(self, depth, sparse=False, **kwargs):
                    super().__init__(**kwargs)
                    self.depth = depth
                    self.sparse = sparse

                def get_config(self):
                    config = super().get_config()
                    for key in ("depth", "sparse"):
                        config[key] = getattr(self, key)
                    return config
            """,
            note="a dynamic config",
        ),
        Valid(
            """
            import keras


            class Encoder(keras.layers.Layer):
                def __init__(self, depth, sparse=False, **kwargs):
                    kwargs["dtype"] = "float32" if sparse else None
                    super().__init__(**kwargs)
                    self.depth = depth

                def get_config(self):
                    return {**super().get_config(), "depth": self.depth}

                @classmethod
                def from_config(cls, config):
                    return cls(**config)
            """,
            note="the class overrides from_config",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        config = layer.config
        if config is None or config.value is None or layer.init is None:
            return
        if rebuilds_itself(layer):
            return
        keys = set(config.value.keys)
        if config.value.from_super:
            inherited = super_config_keys(layer)
            if inherited is None:
                return
            keys |= inherited
        # RULES v1.2: an argument passed on under another keyword is saved by the
        # base under that keyword, not its own name.
        missing = [p for p in own_params(layer) + list(renamed_params(layer)) if p not in keys]
        if not missing:
            return
        yield self.report(
            config.pos,
            f"get_config() does not save {quoted(missing)}: the reloaded layer gets the default",
            MissingConfigArgumentsSubject(layer, layer.methods["get_config"], tuple(missing)),
        )
