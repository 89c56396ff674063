"""The fixes of KLB104, KLB301, KLB302 and KLB303 beyond the rules' examples: the
shapes of code each handles or declines, and the line edits of KLB302."""

from __future__ import annotations

import textwrap
from typing import List, Tuple

import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.fixes.runner import MAX_PASSES, fix_source
from flake8_keras_build.settings import Settings


def fixed(code: str, select: str, settings: Settings = Settings()) -> Tuple[str, List[str]]:
    result = fix_source(textwrap.dedent(code).lstrip("\n"), settings, select=(select,))
    assert result.error is None
    return result.source, [reason for _, reason in result.declined]


LAYER = """
import tensorflow as tf


class Layer(tf.keras.layers.Layer):
    def build(self, input_shape):
        {call}
        super().build(input_shape)
"""


@pytest.mark.parametrize(
    "call, expected",
    [
        # A string, a name-like variable, a shape-like one, a slice of a shape.
        ('self.add_weight("w", (2,))', 'self.add_weight(name="w", shape=(2,))'),
        ("self.add_weight(self.var_name, ())", "self.add_weight(name=self.var_name, shape=())"),
        ('self.add_weight(kernel_shape, "zeros")', 'self.add_weight(shape=kernel_shape, initializer="zeros")'),
        ("self.add_weight(input_shape[1:])", "self.add_weight(shape=input_shape[1:])"),
        ('self.add_weight(f"w{i}", s)', 'self.add_weight(name=f"w{i}", shape=s)'),
        # The second argument decides: a shape cannot be an initializer.
        ("self.add_weight(n, (2, 3))", "self.add_weight(name=n, shape=(2, 3))"),
        ('self.add_weight(s, "ones")', 'self.add_weight(shape=s, initializer="ones")'),
        # Keras 2's order goes on past the shape.
        (
            'self.add_variable("w", (2,), "float32", "zeros")',
            'self.add_variable(name="w", shape=(2,), dtype="float32", initializer="zeros")',
        ),
    ],
)
def test_add_weight_keywords(call: str, expected: str) -> None:
    source, declined = fixed(LAYER.format(call=call), "KLB301")
    assert expected in source
    assert declined == []


@pytest.mark.parametrize(
    "call, reason",
    [
        ("self.add_weight(w)", "ambiguous"),
        ('self.add_weight("w", *rest)', "*args"),
        ("self.add_weight((2,), shape=(2,))", "both by position and by keyword"),
        ('self.add_weight("w", "zeros")', "fit neither order"),
    ],
)
def test_add_weight_declined(call: str, reason: str) -> None:
    code = LAYER.format(call=call)
    source, declined = fixed(code, "KLB301")
    assert source == textwrap.dedent(code).lstrip("\n")
    assert len(declined) == 1 and reason in declined[0]


def test_add_weight_metric_order_in_keras2() -> None:
    """tf-keras' Metric.add_weight is (name, shape, aggregation, ...), not dtype third."""
    code = """
    import tensorflow as tf


    class Count(tf.keras.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.n = self.add_weight("n", (), tf.VariableAggregation.SUM)
    """
    source, _ = fixed(code, "KLB301")
    assert 'self.add_weight(name="n", shape=(), aggregation=tf.VariableAggregation.SUM)' in source


def test_add_weight_many_calls_in_one_method_converge() -> None:
    """More flagged calls in one method than the runner makes passes: one rewrite."""
    calls = "\n        ".join(f'self.w{i} = self.add_weight("w{i}", (2,))' for i in range(MAX_PASSES + 3))
    source, declined = fixed(LAYER.format(call=calls), "KLB301")
    assert declined == []
    assert source.count("name=") == MAX_PASSES + 3
    assert [f for f in lint(source) if f.code == "KLB301"] == []


def test_add_weight_version_decides_an_ambiguous_call() -> None:
    code = LAYER.format(call="self.add_weight(w)")
    source, _ = fixed(code, "KLB301", Settings(keras_version="2"))
    assert "self.add_weight(name=w)" in source


BUILD_IN_CALL = """
import keras


class Scale(keras.layers.Layer):
    def build(self, input_shape):
        {build}

    def call(self, inputs):
        {call}
        return inputs
"""


def test_manual_build_keeps_a_used_value_and_removes_the_rest() -> None:
    code = BUILD_IN_CALL.format(
        build="self.w = self.add_weight(shape=(input_shape[-1],))",
        call="y = self.build(inputs.shape)\n        self.build(inputs.shape)",
    )
    source, declined = fixed(code, "KLB104")
    assert "y = self.build(inputs.shape)" in source
    assert source.count("self.build(") == 1
    assert declined == ["the value of the call is used"]


def test_manual_build_declines_a_build_without_state() -> None:
    code = BUILD_IN_CALL.format(
        build="self.steps = input_shape[1]", call="self.build(inputs.shape)"
    )
    source, declined = fixed(code, "KLB104")
    assert source == textwrap.dedent(code).lstrip("\n")
    assert "creates no weights" in declined[0]


def test_manual_build_in_a_dunder_call_without_super() -> None:
    code = """
    import keras


    class Scale(keras.layers.Layer):
        def __call__(self, inputs):
            self.build(inputs.shape)
            return inputs
    """
    source, declined = fixed(code, "KLB104")
    assert "self.build(inputs.shape)" in source
    assert "KLB101" in declined[0]


TRAINING = """
import keras


class Noisy(keras.layers.Layer):
    def call(self, {params}):
        return inputs
"""


@pytest.mark.parametrize(
    "params, expected",
    [
        ("inputs, *, training, mask", "inputs, *, training=None, mask"),
        ("inputs, training: Optional[bool]", "inputs, training: Optional[bool] = None"),
        ('inputs, training: "bool | None"', 'inputs, training: "bool | None" = None'),
        ("inputs, training: Union[bool, tf.Tensor]", "inputs, training: Union[bool, tf.Tensor] = False"),
    ],
)
def test_training_default(params: str, expected: str) -> None:
    source, declined = fixed(TRAINING.format(params=params), "KLB303")
    assert f"def call(self, {expected}):" in source
    assert declined == []


def test_training_default_declines_an_annotation_without_none_or_false() -> None:
    source, declined = fixed(TRAINING.format(params="inputs, training: tf.Tensor"), "KLB303")
    assert "training: tf.Tensor)" in source
    assert "admits neither" in declined[0]


PHASE = """
import tensorflow as tf
from tensorflow.keras import backend as K


class Noisy(tf.keras.layers.Layer):
    def call(self, inputs, training=None):
        {line}
        return inputs
"""


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "training = K.learning_phase() if training is None else training",
            "training = False if training is None else training",
        ),
        ('y = "éé" if K.learning_phase() else 1', 'y = "éé" if training else 1'),
        ("y = not K.learning_phase()", "y = not training"),
        ("y = K.in_train_phase(1, 0, training=K.learning_phase(\n        ))", "y = K.in_train_phase(1, 0, training=training)"),
    ],
)
def test_learning_phase_replaced(line: str, expected: str) -> None:
    source, declined = fixed(PHASE.format(line=line), "KLB302")
    assert f"        {expected}\n" in source
    assert declined == []


@pytest.mark.parametrize(
    "line, reason",
    [
        ("y = K.learning_phase() + 1", "replace it by hand"),
        ("f = lambda: K.learning_phase()", "nested in call()"),
        ("phase = K.learning_phase()", "replace it by hand"),
    ],
)
def test_learning_phase_declined(line: str, reason: str) -> None:
    code = PHASE.format(line=line)
    source, declined = fixed(code, "KLB302")
    assert source == textwrap.dedent(code).lstrip("\n")
    assert reason in declined[0]


def test_learning_phase_keeps_crlf() -> None:
    code = textwrap.dedent(PHASE.format(line="if K.learning_phase(): pass")).lstrip("\n")
    result = fix_source(code.replace("\n", "\r\n"), select=("KLB302",))
    assert "        if training: pass\r\n" in result.source
    assert "\n" not in result.source.replace("\r\n", "")
