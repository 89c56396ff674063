"""KLB301's fix beyond the rule's examples: how each positional argument's value
decides its keyword, and the calls it declines."""

from __future__ import annotations

import textwrap

import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.fixes.runner import MAX_PASSES
from flake8_keras_build.settings import Settings
from tests.fixing import fix_code

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
    source, declined = fix_code(LAYER.format(call=call), ("KLB301",))
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
    source, declined = fix_code(code, ("KLB301",))
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
    source, _ = fix_code(code, ("KLB301",))
    assert 'self.add_weight(name="n", shape=(), aggregation=tf.VariableAggregation.SUM)' in source


def test_add_weight_many_calls_in_one_method_converge() -> None:
    """More flagged calls in one method than the runner makes passes: one rewrite."""
    calls = "\n        ".join(f'self.w{i} = self.add_weight("w{i}", (2,))' for i in range(MAX_PASSES + 3))
    source, declined = fix_code(LAYER.format(call=calls), ("KLB301",))
    assert declined == []
    assert source.count("name=") == MAX_PASSES + 3
    assert [f for f in lint(source) if f.code == "KLB301"] == []


def test_add_weight_version_decides_an_ambiguous_call() -> None:
    code = LAYER.format(call="self.add_weight(w)")
    source, _ = fix_code(code, ("KLB301",), Settings(keras_version="2"))
    assert "self.add_weight(name=w)" in source
