"""From the classes the gate found to the models the rules read (libcst)."""

from __future__ import annotations

from typing import Dict, List, Sequence

from ..model import LayerClass
from .construction import config_facts, init_facts
from .layers import ClassIndex, ClassInfo
from .methods import build_layer_class


def build_models(
    classes: Sequence[ClassInfo], lines: Sequence[str], index: ClassIndex
) -> List[LayerClass]:
    """One model per class, linked to its same-file ancestors."""
    models: Dict[int, LayerClass] = {}
    for info in classes:
        layer = build_layer_class(info, lines, index)
        layer.keras_bases, layer.foreign_bases = index.base_names(info)
        layer.decorators = index.decorator_names(info)
        layer.init = init_facts(layer)
        layer.config = config_facts(layer)
        models[id(info)] = layer
    for layer in models.values():
        ancestry = list(layer.info.ancestors())
        layer.ancestors = [models[id(a)] for a in ancestry if id(a) in models]
        # An ancestor we have no model of (another module's class, a same-file
        # mixin that is not a layer) may define anything: its facts are unknown.
        layer.foreign_bases = layer.foreign_bases or len(layer.ancestors) < len(ancestry)
    every = list(models.values())
    for layer in every:
        layer.foreign_bases = layer.foreign_bases or any(a.foreign_bases for a in layer.ancestors)
        layer.siblings = every
    return every
