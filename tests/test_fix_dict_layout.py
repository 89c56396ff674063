"""The dict literal writers the config fixes share (``fixes/dict_layout.py``): an
element added in the literal's own layout, comments kept where they were."""

from __future__ import annotations

import libcst as cst
import pytest

from flake8_keras_build.fixes.dict_layout import append_element, prepend_element


def _element(code: str) -> cst.BaseDictElement:
    literal = cst.parse_expression("{" + code + "}")
    assert isinstance(literal, cst.Dict)
    return literal.elements[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _appended(literal: str, element: str) -> str:
    node = cst.parse_expression(literal)
    assert isinstance(node, cst.Dict)
    return cst.Module([]).code_for_node(append_element(node, _element(element)))


@pytest.mark.parametrize(
    "literal, expected",
    [
        ("{}", '{"b": 2}'),
        ('{"a": 1}', '{"a": 1, "b": 2}'),
        ('{"a": 1, "c": 3}', '{"a": 1, "c": 3, "b": 2}'),
        # One element per line with a trailing comma: the new one is laid out alike,
        # and the comment after the old last element stays on its line.
        (
            '{\n    "a": 1,\n    "c": 3,  # three\n    # the end\n}',
            '{\n    "a": 1,\n    "c": 3,  # three\n    "b": 2,\n    # the end\n}',
        ),
        # No trailing comma: none is added.
        ('{\n    "a": 1,\n    "c": 3\n}', '{\n    "a": 1,\n    "c": 3,\n    "b": 2\n}'),
        # A single element on its own line.
        ('{\n    "a": 1,\n}', '{\n    "a": 1,\n    "b": 2,\n}'),
    ],
)
def test_append_element_keeps_the_layout(literal: str, expected: str) -> None:
    assert _appended(literal, '"b": 2') == expected


def test_prepend_element_keeps_comments_where_they_were() -> None:
    node = cst.parse_expression('{  # own keys\n    # the first\n    "a": 1,\n}')
    assert isinstance(node, cst.Dict)
    new = prepend_element(node, _element("**base"))
    assert cst.Module([]).code_for_node(new) == (
        '{  # own keys\n    **base,\n    # the first\n    "a": 1,\n}'
    )
