"""From the classes the gate found to the models the rules read (ast only)."""

from __future__ import annotations

import ast
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..class_info import ClassInfo
from ..model import LayerClass
from ..settings import Settings
from . import project
from .attributes import attribute_uses
from .config_facts import config_facts
from .init_facts import init_facts
from .layers import ClassIndex
from .methods import build_layer_class


def build_models(
    classes: Sequence[ClassInfo], lines: Sequence[str], index: ClassIndex
) -> List[LayerClass]:
    """One model per class of the file, linked to its ancestors: this file's, and
    (cross-module resolution) classes of the project's other modules."""
    local: Dict[int, LayerClass] = {}
    bases: Dict[int, Tuple[List[LayerClass], bool]] = {}
    for info in classes:
        local[id(info)] = _model(info, lines, index)
    for info in classes:
        bases[id(info)] = _direct_bases(info, index, local.get)
    every = list(local.values())
    for layer in every:
        layer.ancestors, layer.foreign_bases = _ancestry(layer, bases)
        layer.siblings = every
    return every


Lookup = Callable[[int], Optional[LayerClass]]


def _model(
    info: ClassInfo, lines: Sequence[str], index: ClassIndex, as_ancestor: bool = False
) -> LayerClass:
    layer = build_layer_class(info, lines, index, as_ancestor)
    if not as_ancestor:  # an ancestor from another module loses its body (project.stub)
        node = info.node
        layer.uses_of = lambda: attribute_uses(node)
    layer.keras_bases, _ = index.base_names(info)
    layer.decorators = index.decorator_names(info)
    layer.init = init_facts(layer)
    layer.config = config_facts(layer)
    return layer


def _direct_bases(
    info: ClassInfo, index: ClassIndex, lookup: Lookup
) -> Tuple[List[LayerClass], bool]:
    """Models of ``info``'s direct bases, and whether some base has none (unknown)."""
    found: List[LayerClass] = []
    unknown = False
    for base in info.local_bases:
        model = lookup(id(base))
        if model is None:
            unknown = True  # a same-file mixin that is not a layer: anything goes
        else:
            found.append(model)
    for name in index.base_names(info)[1]:
        model = _foreign_model(name, index)
        if model is None:
            unknown = True
        else:
            found.append(model)
    return found, unknown


def _ancestry(
    layer: LayerClass, bases: Dict[int, Tuple[List[LayerClass], bool]]
) -> Tuple[List[LayerClass], bool]:
    """All ancestors, nearest first (breadth first), and whether any is unknown."""
    direct, unknown = bases.get(id(layer.info), ([], False))
    ancestors: List[LayerClass] = []
    seen = {id(layer)}
    queue = list(direct)
    while queue:
        model = queue.pop(0)
        if id(model) in seen:
            continue
        seen.add(id(model))
        ancestors.append(model)
        if model.foreign_bases:
            unknown = True
        queue.extend(b for b in model.ancestors if id(b) not in seen)
    return ancestors, unknown


def _foreign_model(dotted: str, index: ClassIndex) -> Optional[LayerClass]:
    """The model of a base class defined in another module of the project."""
    if index.filename is None or dotted == "<expression>":
        return None
    target = project.locate(dotted, index.filename, index.depth)
    if not isinstance(target, tuple):
        return None  # unknown, or a Keras path reached through a re-export
    module, node = target
    return _model_in_module(module, node, index.settings, index.depth)


def _model_in_module(
    module: project.ProjectModule, node: ast.ClassDef, settings: Settings, depth: int
) -> Optional[LayerClass]:
    key = (module.path, node.lineno)
    if key in project.FOREIGN_MODELS:
        return project.FOREIGN_MODELS[key]  # type: ignore[no-any-return]
    project.FOREIGN_MODELS[key] = None  # a cycle between modules stays unknown
    module_index = module.class_index(settings, depth)
    info = module_index.info(node)
    model: Optional[LayerClass] = None
    full = module.full_class(node) if info.kind in {"layer", "model"} else None
    if full is not None:
        info = ClassInfo(full, info.kind, info.local_bases)
        model = _model(info, module.lines(), module_index, as_ancestor=True)
        nodes = {id(base): base.node for base in info.local_bases}

        def lookup(key: int) -> Optional[LayerClass]:
            return _model_in_module(module, nodes[key], settings, depth)

        direct = _direct_bases(info, module_index, lookup)
        model.ancestors, model.foreign_bases = _ancestry(model, {id(info): direct})
        # Kept for the rest of the run: the facts stay, the trees go.
        for method in model.methods.values():
            method.detach()
        project.stub(full)
    project.FOREIGN_MODELS[key] = model
    return model
