"""Positions come from the ast twins of libcst nodes; libcst's own PositionProvider is
the slow fallback. Both must agree wherever the twins can be paired."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
from typing import List

import pytest

from flake8_keras_build.analysis.layers import ClassIndex, iter_classes
from flake8_keras_build.analysis.method_selection import class_functions
from flake8_keras_build.analysis.methods import build_method
from flake8_keras_build.fixes.cst_source import CstView, body_twins, provider_positions
from flake8_keras_build.fixes.walk import _SOURCE_ORDER, _TRIVIA, _fields
from flake8_keras_build.model import Pos
from flake8_keras_build.names import NameTable
from flake8_keras_build.rules import RULES
from flake8_keras_build.settings import Settings
from flake8_keras_build.text import split_lines

TRICKY = [
    '''
    import keras
    @keras.saving.register_keras_serializable(package="x")
    class A(keras.layers.Layer):
        @property
        def units(self): return 3

        @decorate(1)(2)
        async def call(self, x, *args, **kwargs):
            y = f"{self.g(x)} and {h(x)}"; z = [k(i) for i in range(3)]
            del y
            return self.f(a=g(), *h())(x).m(n())
    ''',
    '''
    def outer():
        if True:
            class A(Layer):
                def build(self, s):
                    self.w = self.add_weight(
                        shape=(s[-1],),
                    )
                    super().build(s)
        return A
    ''',
    '''
    class Two(Layer):
      def build(self, s):
        if s:
          self.w = self.add_weight(shape=s)
      @ deco
      async  def call(self, x):
        return x
    ''',
    '''
    \fclass FormFeed(Layer):
        def call(self, x):
            return self.f(x)
    ''',
    '''
    class Größe(Layer):  # ünïcode before and on the lines of the nodes
        def call(self, x):
            größe = "naïve"; y = self.f(größe)  # é
            self.ŵ = self.add_weight(name="ŵ", shape=(größe,)); z = h("é", self.g(x))
            return self.k(f"{größe}", w(x))
    ''',
    '''
    class A(Layer):
        """Doc
    at column 0."""
        def call(self, x):
            if x:
                pass
            elif y(x):
                z = (lambda q: q(1))(x)
            else:
                try:
                    w()
                except E as e:
                    raise F() from e
                finally:
                    v()
            return x
    ''',
]


def _sources() -> List[str]:
    sources = [textwrap.dedent(s).lstrip("\n") for s in TRICKY]
    for rule in RULES:
        sources += [ex.source for ex in rule.invalid + rule.valid]  # type: ignore[operator]
    return [source for source in sources if "class " in source]


@pytest.mark.parametrize("source", _sources())
def test_facts_pair_with_their_libcst_twins(source: str) -> None:
    # A fix rewrites the libcst twin of a fact found on the ast: the pairing must
    # hand it the very node at the fact's position (libcst's own positions decide).
    tree = ast.parse(source)
    lines = split_lines(source)
    index = ClassIndex(tree, NameTable.from_module(tree), Settings())
    compared = 0
    for node in iter_classes(tree.body):
        for function in class_functions(node):
            method = build_method(function, lines, index)
            view = CstView(lines, function)
            assert view.parsed is not None
            positions = provider_positions(function, view.parsed)
            facts = [(c.tree, c.pos) for c in method.calls]
            facts += [(a.tree, a.pos) for a in method.assigns]
            facts += [(t, Pos(t.lineno, t.col_offset)) for t in body_twins(function)]
            for fact_tree, pos in facts:
                twin = view.node_of(fact_tree)
                assert twin is not None, (type(fact_tree).__name__, pos)
                assert positions[id(twin)] == pos, (type(twin).__name__, pos)
                compared += 1
    assert compared, "the example has facts to compare"


def _node_types() -> List[type]:
    import libcst as cst

    return [
        value
        for value in vars(cst).values()
        if isinstance(value, type)
        and issubclass(value, cst.CSTNode)
        and dataclasses.is_dataclass(value)
    ]


def test_walk_fields_exist_in_the_installed_libcst() -> None:
    # The walk names fields in source order by hand; a libcst release without one of
    # them (1.0.x has no type_parameters) must not make every method unreadable.
    for node_type in _node_types():
        present = {f.name for f in dataclasses.fields(node_type)}
        missing = [name for name in _fields(node_type) if name not in present]
        assert not missing, (node_type.__name__, missing)


def test_walk_source_order_covers_every_child_field() -> None:
    # A field added by a newer libcst and missing from a hand-written order would be
    # skipped silently, and its calls would shift every later position twin.
    import libcst as cst

    for node_type, order in _SOURCE_ORDER.items():
        children = {
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _TRIVIA and not f.name.startswith("whitespace")
        }
        children.discard("posonly_ind")  # the bare `/` of Parameters: punctuation only
        assert children <= set(order), (node_type.__name__, children - set(order))
    assert cst.FunctionDef in _SOURCE_ORDER
