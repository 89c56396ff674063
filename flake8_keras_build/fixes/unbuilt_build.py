"""KLB105's fix: append ``super().build(<the build parameter>)`` to ``build()``.

Only where the base's ``build`` is ``Layer.build``, which only marks the layer
built: a base with its own ``build`` (a Keras layer such as ``Dense``, or a project
class) would create its own weights too, and tf-keras' ``Model.build`` runs ``call``
on placeholder inputs; both change behaviour rather than repair it.
"""

from __future__ import annotations

from typing import Dict

from .. import keras_api
from ..model import Finding, LayerClass
from ..rules.unbuilt_build import UnbuiltBuildSubject
from .edits import Declined, FixFunction, FixOutcome, method_fix, subject_of
from .rewrite import append_last, statement


def _base_with_build(layer: LayerClass) -> str:
    """The base whose own ``build`` super().build() would run, or ""."""
    if layer.foreign_bases:
        return "a base class whose build() cannot be seen"
    for ancestor in layer.ancestors:
        if ancestor.defines("build"):
            return f"{ancestor.name}.build()"
    for ancestor in [layer, *layer.ancestors]:
        for base in ancestor.keras_bases:
            name = base.rsplit(".", 1)[-1]
            if name == keras_api.ROOT_MODEL:
                return "Model.build(), which calls call() on placeholder inputs in Keras 2"
            if name != keras_api.ROOT_LAYER:
                return f"{name}.build()"
    return ""


def fix_unbuilt_build(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, UnbuiltBuildSubject)
    param = subject.param
    if param is None:
        return Declined("build() has no shape parameter to pass on")
    other = _base_with_build(subject.layer)
    if other:
        return Declined(f"super().build() would also run {other}; add it by hand")
    call = statement(f"super().build({param})")
    return method_fix(subject.build, lambda node: append_last(node, call))


FIXES: Dict[str, FixFunction] = {"KLB105": fix_unbuilt_build}
