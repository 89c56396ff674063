"""KLB304 (opt-in): Python state accumulated in ``call``."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Finding, LayerClass
from ..settings import Settings
from .base import Invalid, Rule, Valid, call_paths, where

_GROWING = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})


class PythonStateInCall(Rule):
    code = "KLB304"
    name = "python-state-in-call"
    title = "Python state mutated in `call()`"
    what = (
        "Flags, in `call` (and the methods it calls through `self.<method>(...)`), "
        "Python state on `self` that accumulates across calls: `self.n += 1`, "
        "`self.n = self.n + 1`, `self.history.append(...)`. Variables updated with "
        "`.assign*` are not Python state."
    )
    why = (
        "Under `fit`, `predict` and any jit, `call` runs once per trace, not once per "
        "step: a counter over 8 `fit` steps reads 2 on jax and 1 on the TensorFlow "
        "backend, 2 `predict` calls read 1, and a cached tensor is a symbolic "
        "placeholder that raises when read later (`TracerArrayConversionError`, "
        "`Cannot convert a symbolic tf.Tensor`). Eager calls count correctly, so tests "
        "pass and training is silently wrong."
    )
    options = "Off by default; enable with `--extend-select KLB304`."
    use_instead = """
        import keras


        class Counted(keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False)

            def call(self, inputs):
                self.calls.assign_add(1.0)
                return inputs
    """
    not_flagged = (
        "Values written and read within the same call, static metadata set the same "
        "way on every trace, `self.built = True`, lazy creation (KLB102/KLB103), and "
        "variables updated with `assign`/`assign_add`."
    )
    invalid = (
        Invalid(
            """
            import keras


            class Counted(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.calls = 0

                def call(self, inputs):
                    self.calls += 1  # error
                    return inputs
            """
        ),
    )
    valid = (
        Valid(
            """
            import keras


            class Flagged(keras.layers.Layer):
                def call(self, inputs, return_scores=False):
                    self._return_scores = return_scores
                    return inputs
            """,
            note="a per-call flag, the same on every trace",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        for name, path in call_paths(layer).items():
            method = layer.methods[name]
            for assign in method.assigns:
                if assign.conditional:
                    continue  # lazy, one-time initialisation
                own = rf"self\.{re.escape(assign.attr)}\b"
                grows = assign.augmented or re.search(
                    rf"^\s*{own}\s*[-+*/%|&^]|[-+*/%|&^]\s*{own}\s*$", assign.value_text
                )
                if grows:
                    yield self.report(
                        assign.pos,
                        f"self.{assign.attr} accumulates {where(path)}: under fit/predict "
                        "call() runs once per trace, so the value counts traces, not steps",
                    )
            for call in method.calls:
                if call.receiver == "attr" and call.attr in _GROWING and not call.conditional:
                    attr = call.func.split(".")[1]
                    yield self.report(
                        call.stmt_pos,
                        f"self.{attr}.{call.attr}() grows {where(path)}: under fit/predict "
                        "call() runs once per trace, so it holds one entry per trace",
                    )
