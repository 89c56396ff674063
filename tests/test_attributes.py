"""The attribute facts of a whole class (``LayerClass.uses``), which KLB206's fix
reads instead of walking a syntax tree itself."""

from __future__ import annotations

import ast
import textwrap

from flake8_keras_build.analysis.attributes import bound_names, local_names
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


def test_bound_names_follow_python_scopes() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """
            def __init__(self, a, b, c, d, e, f, g, h):
                a = 1
                for (b, *c) in []:
                    pass
                with open(x) as d, open(y) as [e]:
                    del f
                try:
                    pass
                except E as g:
                    pass
                import os.path as h
                import sys
                (k := 2)
                self.units = [m for m in range(3)]
                def helper(n):
                    o = n
                lambda p: p
            """
        )
    )
    bound = bound_names(tree.body[0])
    assert bound == {"a", "b", "c", "d", "e", "f", "g", "h", "k", "helper"}


def test_assignments_in_the_body_are_top_level() -> None:
    init = _layer().methods["__init__"]
    assert [(a.attr, a.top_level) for a in init.assigns] == [("units", True), ("norm", True)]


def test_an_assignment_under_a_condition_is_not_top_level() -> None:
    source = textwrap.dedent(
        """
        import keras


        class A(keras.layers.Layer):
            def __init__(self, x, **kwargs):
                super().__init__(**kwargs)
                if x:
                    self.x = x

            def get_config(self):
                return {**super().get_config()}
        """
    ).lstrip()
    subject = next(f.subject for f in lint(source) if f.code == "KLB206")
    assert isinstance(subject, MissingConfigArgumentsSubject)
    init = subject.layer.methods["__init__"]
    assert [(a.attr, a.top_level) for a in init.assigns] == [("x", False)]


def test_local_names_include_every_scope() -> None:
    # What a statement moved out of a method must not read (KLB102/KLB103's fixes).
    tree = ast.parse(
        textwrap.dedent(
            """
            def call(self, x, *args, k=1, **kw):
                import numpy.linalg
                from os import path as p
                y = [z for z in x]
                f = lambda q: q
                def inner(r):
                    s = r
                del y
                return self.w
            """
        )
    )
    assert local_names(tree.body[0]) == {
        "call", "self", "x", "args", "k", "kw", "numpy", "p", "y", "z", "f", "q",
        "inner", "r", "s",
    }
