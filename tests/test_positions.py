"""Positions come from the ast twins of libcst nodes; libcst's own PositionProvider is
the slow fallback. Both must agree wherever the twins can be paired."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
from typing import List, Tuple

import pytest

from flake8_keras_build.analysis.cst_source import TwinPositions, body_twins, parse_definition
from flake8_keras_build.analysis.layers import ClassIndex, iter_classes
from flake8_keras_build.analysis.method_selection import class_functions
from flake8_keras_build.analysis.methods import build_method, method_model
from flake8_keras_build.analysis.walk import _SOURCE_ORDER, _TRIVIA, _fields
from flake8_keras_build.engine import split_lines
from flake8_keras_build.model import Method, Pos
from flake8_keras_build.names import NameTable
from flake8_keras_build.rules import RULES
from flake8_keras_build.settings import Settings

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


def _fact_positions(method: Method) -> List[Tuple[str, int, int]]:
    found = [(f"def {method.name}", method.pos.line, method.pos.col)]
    found += [(c.func, c.pos.line, c.pos.col) for c in method.calls]
    found += [(c.func + " stmt", c.stmt_pos.line, c.stmt_pos.col) for c in method.calls]
    found += [(a.attr, a.pos.line, a.pos.col) for a in method.assigns]
    return found


@pytest.mark.parametrize("source", _sources())
def test_twins_agree_with_libcst_positions(source: str) -> None:
    tree = ast.parse(source)
    lines = split_lines(source)
    index = ClassIndex(tree, NameTable.from_module(tree), Settings())
    compared = 0
    for node in iter_classes(tree.body):
        for function in class_functions(node):
            parsed = parse_definition(lines, function)
            assert parsed is not None
            twin = body_twins(function)
            # The twins must pair: build_method raises TwinMismatch otherwise.
            paired = build_method(
                parsed.node, Pos(function.lineno, function.col_offset),  # type: ignore[arg-type]
                TwinPositions(twin), index,
            )
            provided = method_model(function, parsed, index, twins=False)
            assert _fact_positions(paired) == _fact_positions(provided)
            compared += len(twin)
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
