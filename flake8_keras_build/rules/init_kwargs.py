"""KLB203 and KLB208: ``__init__`` and the keywords every layer must accept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Tuple

from .. import keras_api
from ..model import CallFact, Finding, InitFacts, LayerClass, Method, Subject
from ..settings import Settings
from .base import CONSTRUCTED_LAYER, Invalid, Rule, Valid


@dataclass(frozen=True, eq=False)
class InitKwargsSubject(Subject):
    """KLB203's and KLB208's fix: ``__init__`` takes ``**kwargs`` and passes it on."""

    layer: LayerClass
    init: Method
    # Every ``super().__init__`` call in it: the fix passes ``**kwargs`` on only
    # where there is exactly one.
    super_calls: Tuple[CallFact, ...]
    kwargs: Optional[str]  # the name of __init__'s ``**kwargs``; None: it has none


def _subject(layer: LayerClass, init: InitFacts) -> InitKwargsSubject:
    """What the fix rewrites: ``__init__`` and every ``super().__init__`` call in it
    (the fix passes ``**kwargs`` on only where there is exactly one)."""
    calls: Tuple[CallFact, ...] = tuple(
        c for c in init.method.calls if c.attr == "__init__" and c.receiver in {"super", "base"}
    )
    return InitKwargsSubject(layer, init.method, calls, init.kwargs)


class InitRejectsKerasKeywords(Rule):
    code = "KLB203"
    name = "init-rejects-keras-keywords"
    title = "`__init__` cannot receive `name`, `dtype`, `trainable`"
    what = (
        "Flags an `__init__` without `**kwargs` that does not itself accept all of "
        "`name`, `trainable` and `dtype`."
    )
    why = (
        "`MyLayer(3, name=\"proj\")`, `trainable=False` and `dtype=` raise "
        "`TypeError: __init__() got an unexpected keyword argument`. Worse, saving "
        "succeeds and loading fails: Keras 3 `load_model` calls `cls(**config)` with "
        "`name`, `trainable` and `dtype` in the config (`TypeError: Error when "
        "deserializing class ... unexpected keyword argument 'trainable'`); tf-keras "
        "fails the same way once `get_config` calls `super().get_config()`. A class "
        "that overrides `from_config` rebuilds itself with the keywords its "
        "constructor chose, but one that takes not even `name` cannot be named, and "
        "comes back renamed on reload (observed by the runtime lane in both versions)."
    )
    use_instead = CONSTRUCTED_LAYER
    not_flagged = "An `__init__` with `**kwargs`, or that accepts `name`, `trainable` and `dtype` itself; classes that override `from_config` and whose `__init__` takes `name`."
    invalid = (
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor):  # error
                    super().__init__()
                    self.factor = factor
            """,
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor
            """,
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(  # error
                    self,
                    factor,  # a float
                    name=None,
                ):
                    super().__init__(name=name)
                    self.factor = factor
            """,
            note="a signature over several lines keeps its layout",
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def __init__(
                    self,
                    factor,  # a float
                    name=None,
                    **kwargs,
                ):
                    super().__init__(name=name, **kwargs)
                    self.factor = factor
            """,
        ),
        Invalid(
            """
            import keras


            class Lookup(keras.layers.Layer):
                def __init__(self, vocabulary):  # error
                    super().__init__(dtype="int32")
                    self.vocabulary = vocabulary
            """,
            note=(
                "no fix: super().__init__() sets dtype= itself, and a dtype= in **kwargs "
                "(load_model passes one) would clash with it"
            ),
        ),
        Invalid(
            """
            import keras


            class Head(keras.Model):
                def __init__(self, units):  # error
                    inputs = keras.Input((4,))
                    outputs = keras.layers.Dense(units)(inputs)
                    super().__init__(inputs, outputs)
            """,
            note="no fix: a functional Model, whose keywords go with its inputs and outputs",
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor):  # error
                    super().__init__()
                    self.factor = factor

                @classmethod
                def from_config(cls, config):
                    return cls(config["factor"])
            """,
            note=(
                "no fix: from_config is overridden, but the layer cannot even be named, and "
                "no from_config can give it its saved name back"
            ),
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, name=None, dtype=None, trainable=True):
                    super().__init__(name=name, dtype=dtype, trainable=trainable)
                    self.factor = factor

                def get_config(self):
                    return {**super().get_config(), "factor": self.factor}
            """,
            note="accepts the three keywords itself",
        ),
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, name=None):
                    super().__init__(name=name)
                    self.factor = factor

                def get_config(self):
                    return {"factor": self.factor, "name": self.name}

                @classmethod
                def from_config(cls, config):
                    return cls(config["factor"], name=config["name"])
            """,
            note=(
                "from_config decides how the layer is rebuilt, and __init__ takes its name "
                "(as Keras' own Sequential and Pipeline do)"
            ),
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        init = layer.init
        if init is None or init.kwargs is not None:
            return
        accepted = {p.name for p in init.method.params}
        if layer.defines("from_config") and "name" in accepted:
            # from_config rebuilds the layer and the constructor chose its keywords
            # (Keras' Sequential takes no dtype). One that takes not even name cannot
            # be named, and reloads renamed (observed by the runtime lane).
            return
        missing = [k for k in keras_api.LAYER_KEYWORDS if k not in accepted]
        if not missing:
            return
        yield self.report(
            init.method.pos,
            f"__init__() has no **kwargs and cannot receive {', '.join(missing)}: "
            f"{layer.name}({missing[0]}=...) raises TypeError, and Keras 3 load_model "
            "fails after a save that succeeded",
            _subject(layer, init),
        )


class KwargsNotForwarded(Rule):
    code = "KLB208"
    name = "kwargs-not-forwarded"
    title = "`**kwargs` accepted but not passed to `super().__init__()`"
    what = (
        "Flags an `__init__` whose `**kwargs` never reaches `super().__init__(...)` "
        "(or `<Base>.__init__(self, ...)`), directly or after filtering "
        "(`{k: v for k, v in kwargs.items() ...}`, `kwargs.pop(...)` then `**kwargs`)."
    )
    why = (
        "`name=`, `trainable=False` and `dtype=` are accepted and silently ignored: "
        "the layer keeps its default name, stays trainable and computes in the "
        "default dtype, and a reloaded model does the same."
    )
    use_instead = CONSTRUCTED_LAYER
    not_flagged = "`**kwargs` passed on as is, filtered, or folded into another mapping that reaches `super().__init__`."
    invalid = (
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):  # error
                    super().__init__()
                    self.factor = factor
            """,
            fixed="""
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    super().__init__(**kwargs)
                    self.factor = factor
            """,
        ),
        Invalid(
            """
            import keras


            class Block(keras.layers.Layer):
                def __init__(self, units, **kwargs):  # error
                    super().__init__()
                    self.dense = keras.layers.Dense(units, **kwargs)
            """,
            note="no fix: __init__() uses **kwargs itself, for another layer",
        ),
        Invalid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):  # error
                    defaults = {"name": "scale"}
                    super().__init__(**defaults)
                    self.factor = factor
            """,
            note="no fix: super().__init__() already takes another mapping; merge the two by hand",
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Scale(keras.layers.Layer):
                def __init__(self, factor, **kwargs):
                    legacy = kwargs.pop("legacy", None)
                    allowed = {k: v for k, v in kwargs.items() if k != "unused"}
                    super().__init__(**allowed)
                    self.factor = factor
                    self.legacy = legacy

                def get_config(self):
                    return {**super().get_config(), "factor": self.factor}
            """,
            note="filtered, then passed on",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        init = layer.init
        if init is None or init.kwargs is None:
            return
        if init.kwargs_forwarded:
            return
        yield self.report(
            init.method.pos,
            f"**{init.kwargs} never reaches super().__init__(): name=, trainable=False "
            "and dtype= are accepted and silently ignored",
            _subject(layer, init),
        )
