"""KLB304 (opt-in): Python state accumulated in ``call``."""

from __future__ import annotations

import re
from typing import Iterator, Set

from .. import keras_api
from ..model import AssignFact, Finding, LayerClass
from ..settings import Settings
from .base import Invalid, Rule, Valid, call_paths, where

# Lists: a table's ``insert`` or a dict's ``update`` of options is no counter.
_GROWING = frozenset({"append", "extend"})


class PythonStateInCall(Rule):
    code = "KLB304"
    name = "python-state-in-call"
    title = "Python state mutated in `call()`"
    what = (
        "Flags, in `call` (and the methods it calls through `self.<method>(...)`), "
        "Python state on `self` that outlives the call: state that accumulates "
        "(`self.n += 1`, also under a condition; `self.n = self.n + 1`; "
        "`self.history.append(...)` on a list the call does not reset), and a value "
        "computed from the call's inputs stored on `self` that no method of the call "
        "reads back (`self.last_scores = scores`: kept for another method, a later "
        "call or user code). Variables updated with `.assign*` are not Python state."
    )
    why = (
        "Under `fit`, `predict` and any jit, `call` runs once per trace, not once per "
        "step: a counter over 8 `fit` steps reads 2 on jax and 1 on the TensorFlow "
        "backend, 2 `predict` calls read 1, and a cached tensor is a symbolic "
        "placeholder that raises when read later (`TracerArrayConversionError`, "
        "`Cannot convert a symbolic tf.Tensor`). Eager calls count correctly, so tests "
        "pass and training is silently wrong."
    )
    options = (
        "Off by default; enable with `--extend-select KLB304`. Measured on labelled "
        "real code (`docs/klb304-labels.md`: every site reached from `call` that writes "
        "to `self` in the dev corpus and 18 community packages), it finds the 5 real "
        "problems (tensors kept for user code), and 1 of its 6 reports is a trace "
        "counter kept on purpose: precision 0.83, below the 0.95 a default rule needs."
    )
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
        "Values written and read within the same call (a list reset and filled per "
        "call too), values stored under a condition (lazy, one-time set-up), static "
        "metadata set the same way on every trace (shapes, dtypes, flags passed to "
        "`call`), objects constructed there (`self.table = Lookup(...)`; layers and "
        "weights are KLB102/KLB103's), and variables updated with "
        "`assign`/`assign_add`."
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
        Invalid(
            """
            import keras


            class Warmup(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.steps = 0

                def call(self, inputs, training=None):
                    if training:
                        self.steps += 1  # error
                    return inputs
            """,
            note="a step counter under a condition",
        ),
        Invalid(
            """
            import keras


            class Attention(keras.layers.Layer):
                def call(self, inputs):
                    scores = keras.ops.softmax(inputs)
                    self.last_scores = scores  # error
                    return inputs * scores
            """,
            note="a tensor of the call kept for user code",
        ),
        Invalid(
            """
            import keras


            class Recorder(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.history = []

                def call(self, inputs):
                    self.history.append(keras.ops.sum(inputs))  # error
                    return inputs
            """,
            note="a list that grows on every call",
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
        Valid(
            """
            import keras


            class Stack(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.blocks = [keras.layers.Dense(4), keras.layers.Dense(4)]

                def call(self, inputs):
                    self.outputs = []
                    x = inputs
                    for block in self.blocks:
                        x = block(x)
                        self.outputs.append(x)
                    return keras.ops.concatenate(self.outputs, axis=-1)
            """,
            note="a list reset and read by each call",
        ),
        Valid(
            """
            import keras


            class Scaled(keras.layers.Layer):
                def call(self, inputs):
                    self._width = inputs.shape[-1]
                    self.scale = keras.ops.sqrt(inputs)
                    return self.scale * inputs / self._width
            """,
            note="static metadata, and a value the same call reads back",
        ),
    )

    def check(self, layer: LayerClass, settings: Settings) -> Iterator[Finding]:
        # Keras' own bookkeeping methods (tf-keras' Layer.add_loss collects the
        # call's losses and clears them per call) are not the class's state.
        paths = {
            name: path
            for name, path in call_paths(layer).items()
            if name not in keras_api.LAYER_METHODS
        }
        methods = [layer.methods[name] for name in paths]
        # Attributes assigned in the call: a list reset there is a per-call
        # accumulator, and one read there serves the call that wrote it.
        reset = {a.attr for m in methods for a in m.assigns if not a.augmented}
        read = {attr for m in methods for attr in m.self_reads}
        for name, path in paths.items():
            method = layer.methods[name]
            for assign in method.assigns:
                if _accumulates(assign):
                    yield self.report(
                        assign.pos,
                        f"self.{assign.attr} accumulates {where(path)}: under fit/predict "
                        "call() runs once per trace, so the value counts traces, not steps",
                    )
                elif _exported(assign, read):
                    yield self.report(
                        assign.pos,
                        f"self.{assign.attr} keeps a value computed {where(path)} for later: "
                        "under fit/predict it holds a symbolic tensor of the trace, which "
                        "raises when read",
                    )
            for call in method.calls:
                if call.receiver != "attr" or call.attr not in _GROWING:
                    continue
                attr = call.func.split(".")[1]
                if attr not in reset:
                    yield self.report(
                        call.stmt_pos,
                        f"self.{attr}.{call.attr}() grows {where(path)}: under fit/predict "
                        "call() runs once per trace, so it holds one entry per trace",
                    )


def _accumulates(assign: AssignFact) -> bool:
    """``self.n += 1``, ``self.n = self.n + 1`` (guarded or not: a counter is never a
    lazy initialisation)."""
    if assign.augmented:
        return True
    own = rf"self\.{re.escape(assign.attr)}\b"
    return bool(re.search(rf"^\s*{own}\s*[-+*/%|&^]|[-+*/%|&^]\s*{own}\s*$", assign.value_text))


def _exported(assign: AssignFact, read: Set[str]) -> bool:
    """A value computed from the call's data, stored unconditionally on ``self``
    and read by no method of the call: it is kept for another method, a later call
    or user code. A value the call reads back serves the call (RULES: not flagged);
    one stored under a condition is most often a lazy, one-time set-up."""
    return not assign.conditional and assign.computed and assign.attr not in read
