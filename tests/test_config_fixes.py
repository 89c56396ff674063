"""KLB205's and KLB206's fixes beyond the rules' examples: the layouts the dict
literal writers keep, and the declines that protect a reload that works now."""

from __future__ import annotations

import textwrap
from typing import List, Tuple

import libcst as cst
import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.fixes.config_without_super import append_element, prepend_element
from flake8_keras_build.fixes.runner import fix_source


def _fix(code: str, select: Tuple[str, ...] = ("KLB205", "KLB206")) -> Tuple[str, List[str]]:
    source = textwrap.dedent(code).lstrip("\n")
    result = fix_source(source, select=select)
    assert result.error is None
    return result.source, [why for _, why in result.declined]


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


def test_a_long_one_line_literal_is_laid_out_one_key_per_line() -> None:
    fixed, declined = _fix(
        """
        import keras


        class Converter(keras.layers.Layer):
            def __init__(self, patch_size, max_soft_tokens=256, pooling_kernel_size=3, **kwargs):
                super().__init__(**kwargs)
                self.patch_size = patch_size
                self.max_soft_tokens = max_soft_tokens
                self.pooling_kernel_size = pooling_kernel_size

            def get_config(self):
                config = super().get_config()
                config.update({"patch_size": self.patch_size})
                return config
        """
    )
    assert declined == []
    assert (
        "        config.update({\n"
        '            "patch_size": self.patch_size,\n'
        '            "max_soft_tokens": self.max_soft_tokens,\n'
        '            "pooling_kernel_size": self.pooling_kernel_size,\n'
        "        })\n"
    ) in fixed


def test_both_fixes_on_one_get_config_converge() -> None:
    fixed, declined = _fix(
        """
        import keras


        class Scale(keras.layers.Layer):
            def __init__(self, factor, bias=0.0, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor
                self.bias = bias

            def get_config(self):
                return {"factor": self.factor}
        """
    )
    assert declined == []
    # On one line the return would pass 80 columns.
    assert (
        "        return {\n"
        "            **super().get_config(),\n"
        '            "factor": self.factor,\n'
        '            "bias": self.bias,\n'
        "        }\n"
    ) in fixed
    assert [f.code for f in lint(fixed) if f.code in ("KLB205", "KLB206")] == []


def test_dict_call_of_keywords_gets_the_base_config_as_its_mapping() -> None:
    fixed, _ = _fix(
        """
        import keras


        class Head(keras.layers.Layer):
            def __init__(self, classes, **kwargs):
                super().__init__(**kwargs)
                self._classes = classes

            def get_config(self):
                config = dict(
                    classes=self._classes,
                )
                return config
        """,
        select=("KLB205",),
    )
    # dict(mapping, **keywords): the keywords win, so the layer's own keys do.
    assert "        config = dict(\n            super().get_config(),\n" in fixed


def test_keys_an_ancestor_saves_and_init_passes_itself_are_declined() -> None:
    source = """
        import keras


        class Block(keras.layers.Layer):
            def __init__(self, width, **kwargs):
                super().__init__(**kwargs)
                self.width = width

            def get_config(self):
                return {**super().get_config(), "width": self.width}


        class Wide(Block):
            def __init__(self, depth, **kwargs):
                super().__init__(width=512, **kwargs)
                self.depth = depth

            def get_config(self):
                return {"depth": self.depth}
        """
    fixed, declined = _fix(source, select=("KLB205",))
    assert fixed == textwrap.dedent(source).lstrip("\n")
    assert declined == [
        "__init__ passes width to super().__init__ itself, which super().get_config() saves too"
    ]


def test_keys_that_can_be_saved_are_and_the_others_say_why() -> None:
    fixed, declined = _fix(
        """
        import keras


        class Mixer(keras.layers.Layer):
            def __init__(self, units, rate=0.1, fmt=None, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.rate = rate
                self.fmt = fmt.lower() if fmt else None

            def get_config(self):
                return {**super().get_config(), "units": self.units}
        """,
        select=("KLB206",),
    )
    assert '"units": self.units, "rate": self.rate}' in fixed
    assert declined == [
        "__init__ stores self.fmt = fmt.lower() if fmt else None, not the argument itself"
    ]


ENCODER = """
import keras


class {name}(keras.layers.Layer):
    def __init__(self, depth, sparse=False, **kwargs):
        super().__init__(**kwargs)
        {store}
        self.depth = depth

    def get_config(self):
        {config}
        return {{**super().get_config(), "depth": self.depth}}
{more}
"""


@pytest.mark.parametrize(
    "name, store, config, more, reason",
    [
        (
            "Encoder",
            "if sparse:\n            self.sparse = sparse",
            "pass",
            "",
            "__init__ sets self.sparse only under a condition or inside a block",
        ),
        (
            "Encoder",
            "sparse = bool(sparse)\n        self.sparse = sparse",
            "pass",
            "",
            "__init__ reassigns sparse before or after storing it",
        ),
        (
            "Encoder",
            "self.sparse = sparse",
            "pass",
            "\n    def densify(self):\n        self.sparse = False\n",
            "self.sparse is assigned more than once in the class",
        ),
        (
            "Encoder",
            "self.sparse = sparse",
            'if self.sparse:\n            print("sparse is not saved")',
            "",
            "get_config() reads self.sparse without saving it, apparently on purpose",
        ),
        (
            "BaseEncoder",
            "self.sparse = sparse",
            "pass",
            "",
            "BaseEncoder looks like a base class whose subclasses may pass sparse themselves",
        ),
        (
            "Encoder",
            "self.sparse = sparse",
            "pass",
            "\n\nclass SparseEncoder(Encoder):\n    def __init__(self, depth, **kwargs):\n"
            "        super().__init__(depth, sparse=True, **kwargs)\n",
            "SparseEncoder passes sparse to super().__init__ itself: saving it would break "
            "SparseEncoder's reload",
        ),
    ],
)
def test_arguments_saving_could_break_are_declined(
    name: str, store: str, config: str, more: str, reason: str
) -> None:
    source = ENCODER.format(name=name, store=store, config=config, more=more)
    fixed, declined = _fix(source, select=("KLB206",))
    assert fixed == textwrap.dedent(source).lstrip("\n")
    assert declined == [reason]


def test_a_default_that_names_an_object_in_another_class_is_declined() -> None:
    _, declined = _fix(
        """
        import keras


        class Block(keras.layers.Layer):
            def __init__(self, norm=keras.layers.LayerNormalization, **kwargs):
                super().__init__(**kwargs)
                self.norm = norm

            def get_config(self):
                return {**super().get_config(), "norm": keras.saving.serialize_keras_object(self.norm)}


        class Stage(keras.layers.Layer):
            def __init__(self, depth, norm=None, **kwargs):
                super().__init__(**kwargs)
                self.depth = depth
                self.norm = norm

            def get_config(self):
                return {**super().get_config(), "depth": self.depth}
        """,
        select=("KLB206",),
    )
    assert declined == [
        "norm defaults to keras.layers.LayerNormalization in Block, so self.norm may "
        "hold an object (serialize it by hand)"
    ]


def test_a_key_popped_later_is_not_added_to_the_literal() -> None:
    source = """
        import keras


        class Encoder(keras.layers.Layer):
            def __init__(self, depth, sparse=False, **kwargs):
                super().__init__(**kwargs)
                self.depth = depth
                self.sparse = sparse

            def get_config(self):
                config = {**super().get_config(), "depth": self.depth}
                config.pop("sparse", None)
                return config
        """
    fixed, declined = _fix(source, select=("KLB206",))
    assert fixed == textwrap.dedent(source).lstrip("\n")
    assert declined == ["get_config() has no dict literal to add sparse to"]


def test_an_update_after_the_dict_was_copied_is_not_the_target() -> None:
    fixed, declined = _fix(
        """
        import keras


        class Encoder(keras.layers.Layer):
            def __init__(self, depth, sparse=False, **kwargs):
                super().__init__(**kwargs)
                self.depth = depth
                self.sparse = sparse

            def get_config(self):
                own = {"depth": self.depth}
                config = {**super().get_config(), **own}
                own.update({"unused": 0})
                return config
        """,
        select=("KLB206",),
    )
    assert declined == []
    assert '        own = {"depth": self.depth, "sparse": self.sparse}\n' in fixed
    assert '        own.update({"unused": 0})\n' in fixed
