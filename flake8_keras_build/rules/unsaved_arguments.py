"""KLB204: constructor arguments that no ``get_config`` saves."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional

from .. import keras_api
from ..model import Finding, LayerClass
from ..settings import Settings
from .base import Invalid, Rule, Valid
from .config_common import inherited_keras_bases, own_params, renamed_params, super_config_keys


def _decorator_may_rewrite(layer: LayerClass) -> bool:
    return any(
        name.rsplit(".", 1)[-1] not in keras_api.INERT_CLASS_DECORATORS
        for name in layer.decorators
    )


def _config_off(layer: LayerClass) -> Optional[str]:
    """Why Keras' automatic config is off for the class (an ancestor defines
    ``get_config``), or None."""
    for ancestor in layer.ancestors:
        if ancestor.defines("get_config"):
            return f"the ancestor {ancestor.name} defines get_config(), so Keras' automatic config is off"
    concrete = [
        b
        for b in inherited_keras_bases(layer)
        if b.rsplit(".", 1)[-1] not in keras_api.LAYERS_WITHOUT_CONFIG
    ]
    if concrete:
        return f"{concrete[0].rsplit('.', 1)[-1]} defines get_config(), so Keras' automatic config is off"
    return None


def _object_argument(layer: LayerClass, params: List[str]) -> Optional[str]:
    """Why the automatic config cannot save an argument (it takes an object), or None."""
    assert layer.init is not None
    by_name = {p.name: p for p in layer.init.method.params}
    for name in params:
        param = by_name[name]
        if param.default_kind == "object" or param.annotation_kind == "object":
            return f"'{name}' takes an object, which the automatic config cannot save"
    return None


def _described(params: List[str], renamed: Dict[str, str]) -> str:
    return ", ".join(
        f"'{name}' (passed on as {renamed[name]}=)" if name in renamed else f"'{name}'"
        for name in params
    )


class UnsavedArguments(Rule):
    code = "KLB204"
    name = "unsaved-constructor-arguments"
    title = "constructor arguments that no `get_config` saves"
    what = (
        "Flags a layer class whose `__init__` takes arguments of its own (beyond "
        "`name`, `dtype`, `trainable`, `**kwargs` and those passed on to "
        "`super().__init__`) and that defines no `get_config`, where Keras' automatic "
        "config cannot cover it: an ancestor defines `get_config` (a concrete Keras "
        "layer such as `Dense`, or a class of the same file), or an argument's default "
        "or annotation is not a plain value (a call, a class, a lambda, a `Layer` or "
        "`Callable` annotation, a name bound to one of those or not bound once at "
        "module level). With an ancestor's `get_config`, an argument passed on to "
        "`super().__init__` under another keyword (`super().__init__(units=size)`) is "
        "flagged too: the ancestor saves it under that keyword."
    )
    why = (
        "Keras 3 and tf-keras ≥ 2.13 generate a config from the constructor arguments "
        "only while no ancestor overrides `get_config` and every argument is a plain "
        "value. Otherwise a reloaded layer silently gets the default values (the "
        "ancestor's `get_config` does not know the argument), or saving raises "
        "`NotImplementedError: ... was created by passing non-serializable argument "
        "values in __init__(), and therefore the object must override get_config() in "
        "order to be serializable.`. An argument renamed on its way to the base "
        "(`def __init__(self, size, **kwargs): super().__init__(units=size, **kwargs)` "
        "on `Dense`) is saved as `units`, so reload calls the class with `units=` and "
        "no `size`: `TypeError` (observed by the runtime lane in both versions)."
    )
    use_instead = """
        import keras


        class ScaledDense(keras.layers.Dense):
            def __init__(self, units, scale=2.0, **kwargs):
                super().__init__(units, **kwargs)
                self.scale = scale

            def call(self, inputs):
                return super().call(inputs) * self.scale

            def get_config(self):
                return {**super().get_config(), "scale": self.scale}
    """
    not_flagged = (
        "Classes whose arguments are all plain values and whose ancestors define no "
        "`get_config` (the automatic config covers them); classes with a class "
        "decorator that may add `get_config` (any but `register_keras_serializable` "
        "and export or documentation decorators); an ancestor from another module, "
        "whose `get_config` cannot be seen; a class that overrides `from_config`. A "
        "module-level name bound once to a plain value (`PATCH_SIZE = 6`) is a plain "
        "value."
    )
    invalid = (
        Invalid(
            """
            import keras


            class ScaledDense(keras.layers.Dense):  # error
                def __init__(self, units, scale=2.0, **kwargs):
                    super().__init__(units, **kwargs)
                    self.scale = scale

                def call(self, inputs):
                    return super().call(inputs) * self.scale
            """
        ),
        Invalid(
            """
            import keras


            class Gated(keras.layers.Layer):  # error
                def __init__(self, gate=keras.layers.Dense(1), **kwargs):
                    super().__init__(**kwargs)
                    self.gate = gate
            """,
            note="an argument that takes an object",
        ),
        Invalid(
            """
            import keras


            class Renamed(keras.layers.Dense):  # error
                def __init__(self, size, **kwargs):
                    super().__init__(units=size, **kwargs)
            """,
            note="passed on under another keyword, which Dense's get_config saves instead",
        ),
        Invalid(
            """
            import keras

            INIT = keras.initializers.Ones()


            class Scaled(keras.layers.Layer):  # error
                def __init__(self, initializer=INIT, **kwargs):
                    super().__init__(**kwargs)
                    self.initializer = initializer
            """,
            note="a module-level name bound to an object",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor=2.0, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor
            """,
            note="plain arguments: Keras' automatic config saves them",
        ),
        Valid(
            """
            import keras
            from mypkg.serialization import serializable


            @serializable
            class ScaledDense(keras.layers.Dense):
                def __init__(self, units, scale=2.0, **kwargs):
                    super().__init__(units, **kwargs)
                    self.scale = scale
            """,
            note="a class decorator that may add get_config",
        ),
        Valid(
            """
            import keras


            class Sized(keras.layers.Dense):
                def __init__(self, units, **kwargs):
                    super().__init__(units=units, **kwargs)
            """,
            note="the argument is passed on to super().__init__ under its own name",
        ),
        Valid(
            """
            import keras


            class Renamed(keras.layers.Dense):
                def __init__(self, size, **kwargs):
                    super().__init__(units=size, **kwargs)

                @classmethod
                def from_config(cls, config):
                    return cls(config.pop("units"), **config)
            """,
            note="renamed on its way to the base, and from_config renames it back",
        ),
        Valid(
            """
            import keras

            PATCH_SIZE = 6


            class Patches(keras.layers.Layer):
                def __init__(self, patch_size=PATCH_SIZE, **kwargs):
                    super().__init__(**kwargs)
                    self.patch_size = patch_size
            """,
            note="a module-level constant bound to a plain value: the automatic config saves it",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        if layer.init is None or layer.defines("get_config") or layer.defines("from_config"):
            return
        if layer.foreign_bases or _decorator_may_rewrite(layer):
            return
        config_off = _config_off(layer)
        # RULES v1.2: an argument passed on under another keyword is saved by the
        # base under that keyword (Dense saves units=, not size=), so reload calls
        # the class with a keyword it does not take (TypeError, observed by the lane).
        renamed = renamed_params(layer) if config_off else {}
        params = own_params(layer) + list(renamed)
        if not params:
            return
        reason = config_off or _object_argument(layer, params)
        if reason is None:
            return
        if any(a.defines("get_config") for a in layer.ancestors):
            # An ancestor's get_config (this file's or another module's) may save
            # some arguments itself: its visible keys decide, unknown keys spare all.
            saved = super_config_keys(layer)
            if saved is None:
                return
            params = [p for p in params if p not in saved]
            if not params:
                return
        yield self.report(
            layer.pos,
            f"no get_config() saves {_described(params, renamed)}: {reason}; a reloaded "
            "layer gets the defaults, or reloading or saving fails",
        )
