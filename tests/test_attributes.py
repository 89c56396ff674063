"""The attribute facts of a whole class (``LayerClass.uses``), which KLB206's fix
reads instead of walking a syntax tree itself."""

from __future__ import annotations

import textwrap

from flake8_keras_build.engine import lint
from flake8_keras_build.model import LayerClass
from flake8_keras_build.rules.config_missing_argument import MissingConfigArgumentsSubject

_SOURCE = """
import keras


class Block(keras.layers.Layer):
    def __init__(self, units, norm=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.norm = norm
        self.a, self.b = 1, 2

    def _helper(self):  # a method no rule reads
        self.units = self.units * 2
        if self.b:
            self.b = self.b = 3

    def call(self, x):
        return self.norm(x)

    def get_config(self):
        return {**super().get_config(), "scale": self.a}
"""


def _layer() -> LayerClass:
    findings = lint(textwrap.dedent(_SOURCE).lstrip())
    subject = next(f.subject for f in findings if f.code == "KLB206")
    assert isinstance(subject, MissingConfigArgumentsSubject)
    return subject.layer


def test_stores_are_counted_in_every_method() -> None:
    uses = _layer().uses()
    assert uses.stores["units"] == 2  # __init__ and a helper no rule reads
    assert uses.stores["a"] == 1  # a tuple target is one store
    assert uses.stores["b"] == 3  # once in the tuple, twice in a chained assignment
    assert "norm" in uses.called and "units" not in uses.called


def test_mentions_are_per_method() -> None:
    uses = _layer().uses()
    assert uses.mentions("get_config", "a")
    assert not uses.mentions("get_config", "units")
    assert uses.mentions("_helper", "b")
