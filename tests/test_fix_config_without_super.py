"""KLB205's fix beyond the rule's examples: how the base config is merged, and the
merges it declines because reload would change."""

from __future__ import annotations

import textwrap

from tests.fixing import fix_code


def test_dict_call_of_keywords_gets_the_base_config_as_its_mapping() -> None:
    fixed, _ = fix_code(
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
        ("KLB205",),
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
    fixed, declined = fix_code(source, ("KLB205",))
    assert fixed == textwrap.dedent(source).lstrip("\n")
    assert declined == [
        "__init__ passes width to super().__init__ itself, which super().get_config() saves too"
    ]
