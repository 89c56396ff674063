"""KLB206's fix beyond the rule's examples: the keys it adds, laid out like the
literal, and the declines that protect a reload that works now."""

from __future__ import annotations

import textwrap

import pytest

from tests.fixing import fix_code


def test_a_long_one_line_literal_is_laid_out_one_key_per_line() -> None:
    fixed, declined = fix_code(
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
        """,
        ("KLB206",),
    )
    assert declined == []
    assert (
        "        config.update({\n"
        '            "patch_size": self.patch_size,\n'
        '            "max_soft_tokens": self.max_soft_tokens,\n'
        '            "pooling_kernel_size": self.pooling_kernel_size,\n'
        "        })\n"
    ) in fixed


def test_keys_that_can_be_saved_are_and_the_others_say_why() -> None:
    fixed, declined = fix_code(
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
        ("KLB206",),
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
    fixed, declined = fix_code(source, ("KLB206",))
    assert fixed == textwrap.dedent(source).lstrip("\n")
    assert declined == [reason]


def test_a_default_that_names_an_object_in_another_class_is_declined() -> None:
    _, declined = fix_code(
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
        ("KLB206",),
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
    fixed, declined = fix_code(source, ("KLB206",))
    assert fixed == textwrap.dedent(source).lstrip("\n")
    assert declined == ["get_config() has no dict literal to add sparse to"]


def test_an_update_after_the_dict_was_copied_is_not_the_target() -> None:
    fixed, declined = fix_code(
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
        ("KLB206",),
    )
    assert declined == []
    assert '        own = {"depth": self.depth, "sparse": self.sparse}\n' in fixed
    assert '        own.update({"unused": 0})\n' in fixed
