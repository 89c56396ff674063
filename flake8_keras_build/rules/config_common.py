"""What KLB204-KLB207 share: a class's own constructor arguments and which config
keys its ancestors emit or accept. ``None`` always means "cannot be known"."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional

from .. import keras_api
from ..model import LayerClass
from ..settings import Settings

# Handled by ``Layer.__init__`` and saved by ``Layer.get_config``.
KERAS_KEYWORDS = frozenset(keras_api.LAYER_KEYWORDS)


def own_params(layer: LayerClass) -> List[str]:
    """``__init__`` parameters only this class can save: not ``name``/``dtype``/
    ``trainable``, not ``*args``/``**kwargs``, not passed on to ``super().__init__``
    (also when first folded into ``kwargs``)."""
    init = layer.init
    if init is None:
        return []
    passed = set(init.super_arg_names)
    if init.kwargs_forwarded:
        passed |= init.kwargs_folded
    return [
        p.name
        for p in init.method.params[1:]
        if p.kind in {"positional", "keyword"}
        and p.name not in KERAS_KEYWORDS
        and p.name not in passed
    ]


def renamed_params(layer: LayerClass) -> Dict[str, str]:
    """Own parameters passed to ``super().__init__`` only under another keyword, with
    that keyword: ``super().__init__(units=size)`` gives ``{"size": "units"}``. A base
    whose ``get_config`` is known saves the keyword, not the parameter."""
    init = layer.init
    if init is None:
        return {}
    kinds = {p.name: p.kind for p in init.method.params}
    folded = init.kwargs_folded if init.kwargs_forwarded else frozenset()
    return {
        name: keyword
        for name, keyword in init.super_renamed.items()
        if kinds.get(name) in {"positional", "keyword"}
        and name not in KERAS_KEYWORDS
        and name not in folded
    }


def inherited_keras_bases(layer: LayerClass) -> List[str]:
    bases = list(layer.keras_bases)
    for ancestor in layer.ancestors:
        bases += ancestor.keras_bases
    return bases


def super_config_keys(layer: LayerClass) -> Optional[FrozenSet[str]]:
    """Keys ``super().get_config()`` returns, as far as they matter here."""
    if layer.foreign_bases:
        return None
    keys: FrozenSet[str] = frozenset()
    for ancestor in layer.ancestors:
        if ancestor.config is None:
            continue
        if ancestor.config.value is None:
            return None
        keys |= ancestor.config.value.keys
        if not ancestor.config.value.from_super:
            return keys
    # Keras' own get_config: the root emits name/trainable/dtype; a concrete layer
    # emits its own arguments, which a subclass passes on to it (excluded already).
    return keys | KERAS_KEYWORDS


def rebuilds_itself(layer: LayerClass) -> bool:
    """``from_config`` may not be ``cls(**config)``: the class overrides it, or an
    ancestor we cannot see might. (An ancestor's override is most often exactly
    ``cls(**config)``, as keras-hub's ``Backbone.from_config`` is.)"""
    return layer.foreign_bases or layer.defines("from_config")


def accepted_keywords(layer: LayerClass, settings: Settings) -> Optional[FrozenSet[str]]:
    """Keywords ``cls(**config)`` accepts; None when any keyword may be accepted."""
    if layer.foreign_bases:
        return None
    for candidate in [layer] + layer.ancestors:
        init = candidate.init
        if init is None:
            continue
        accepted = frozenset(p.name for p in init.method.params) | init.kwargs_read
        if init.kwargs is None or not init.kwargs_forwarded:
            return accepted
        above = _accepted_above(candidate, settings)
        return None if above is None else accepted | above
    return _accepted_above(layer, settings)


def _accepted_above(layer: LayerClass, settings: Settings) -> Optional[FrozenSet[str]]:
    """What the constructor ``super().__init__`` reaches from ``layer`` accepts."""
    if layer.foreign_bases:
        return None
    for ancestor in layer.ancestors:
        if ancestor.init is not None:
            return accepted_keywords(ancestor, settings)
    bases = inherited_keras_bases(layer)
    if not bases or not all(path.rsplit(".", 1)[-1] in keras_api.ROOT_CLASSES for path in bases):
        return None  # a concrete Keras layer accepts its own arguments
    if settings.targets_keras3():
        return keras_api.KERAS3_LAYER_KWARGS
    return keras_api.KERAS2_LAYER_KWARGS


def quoted(names: List[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)
