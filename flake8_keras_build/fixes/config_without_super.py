"""KLB205's fix: build the config from ``super().get_config()``.

The dict literal ``get_config`` returns, or assigns to the local it returns, gains
``**super().get_config()`` as its first element; a returned ``self.<attr>`` or
``dict(...)`` is merged the same way. The class's own keys come after the base
config, so they win, as after ``config.update(...)``.

Declined where the merge would change what ``from_config`` rebuilds rather than
restore ``name``/``trainable``/``dtype``: a base whose config holds arguments of its
own (a concrete Keras layer, an ecosystem model such as ``keras_hub.models.Backbone``,
a base that cannot be seen), or keys the constructor does not accept (reload would
raise where it now only loses the name).
"""

from __future__ import annotations

from typing import Callable, Dict, FrozenSet, Optional

import libcst as cst

from .. import keras_api
from ..model import Finding, LayerClass, Method
from ..rules.config_common import inherited_keras_bases, super_config_keys
from ..rules.config_without_super import ConfigWithoutSuperSubject
from .config_reading import final_return, single_assignment
from .cst_names import code_of, cst_dotted
from .dict_layout import fitted, prepend_arg, prepend_element
from .edits import CannotFix, Declined, FixFunction, FixOutcome, method_fix, subject_of

SUPER_CONFIG = "super().get_config()"


def _merged(value: cst.BaseExpression) -> cst.BaseExpression:
    """``value`` (a config) with the base config under it."""
    base = cst.parse_expression(SUPER_CONFIG)
    if isinstance(value, cst.Dict):
        if not value.elements and not value.lpar:
            return base
        return prepend_element(value, cst.StarredDictElement(base))
    if isinstance(value, cst.Attribute):  # ``self._config_dict``
        return cst.parse_expression(f"{{**{SUPER_CONFIG}, **{code_of(value)}}}")
    if isinstance(value, cst.Call) and cst_dotted(value.func) == "dict":
        positional = [arg for arg in value.args if arg.keyword is None and not arg.star]
        if not positional:
            # ``dict(a=..., **b)``: its keywords override a leading mapping.
            return prepend_arg(value, cst.Arg(base))
        if len(value.args) == 1 and isinstance(positional[0].value, (cst.Name, cst.Attribute)):
            return cst.parse_expression(f"{{**{SUPER_CONFIG}, **{code_of(positional[0].value)}}}")
        raise CannotFix("get_config() returns a dict(...) of a shape the fix does not rewrite")
    raise CannotFix(
        f"get_config() returns {code_of(value).splitlines()[0][:40]!r}, a shape the fix "
        "does not rewrite"
    )


def _start_from_super(method: Method) -> Callable[[cst.FunctionDef], cst.FunctionDef]:
    def transform(fn: cst.FunctionDef) -> cst.FunctionDef:
        returned = final_return(fn)
        if isinstance(returned, cst.Name):
            _, value = single_assignment(fn, returned.value)
        else:
            value = returned
        # The only edit, by identity on the original tree.
        return fitted(method, fn, value, _merged(value))

    return transform


def _concrete_base(layer: LayerClass) -> str:
    """Why a Keras base's own ``get_config`` is not ``Layer``'s, or ""."""
    for path in inherited_keras_bases(layer):
        name = path.rsplit(".", 1)[-1]
        if name == keras_api.ROOT_LAYER:
            continue
        if ".models." in f".{path}":
            # ``keras_hub.models.Backbone`` and the like: models that the rule takes
            # for layers, whose config is a model's.
            return f"{path} is a model, whose get_config() is not Layer's"
        return f"super().get_config() would also save the arguments of {name}"
    return ""


def _explicit_super_keywords(layer: LayerClass) -> FrozenSet[str]:
    """Keywords ``__init__`` passes to ``super().__init__`` by name."""
    init = layer.init
    if init is None or init.super_call is None:
        return frozenset()
    return frozenset(init.super_call.keywords) - {"**"}


def _why_not(layer: LayerClass, accepted: Optional[FrozenSet[str]]) -> str:
    """Why merging the base config would change what reload rebuilds, or ""."""
    inherited = super_config_keys(layer)
    if inherited is None:
        return "the keys of a base class's get_config() cannot be read (merge it by hand)"
    concrete = _concrete_base(layer)
    if concrete:
        return f"{concrete} (merge it by hand)"
    assert layer.config is not None and layer.config.value is not None
    added = inherited - layer.config.value.keys
    if accepted is not None and added - accepted:
        refused = ", ".join(sorted(added - accepted))
        return (
            f"__init__ does not accept {refused} (no **kwargs passed on to "
            "super().__init__), so reload would fail"
        )
    params = {p.name for p in layer.init.method.params} if layer.init else set()
    own_keys = added - frozenset(keras_api.LAYER_KEYWORDS)
    doubled = sorted(own_keys & (_explicit_super_keywords(layer) - params))
    if doubled:
        return (
            f"__init__ passes {', '.join(doubled)} to super().__init__ itself, which "
            "super().get_config() saves too"
        )
    return ""


def fix_config_without_super(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, ConfigWithoutSuperSubject)
    why = _why_not(subject.layer, subject.accepted)
    if why:
        return Declined(why)
    return method_fix(subject.get_config, _start_from_super(subject.get_config))


FIXES: Dict[str, FixFunction] = {"KLB205": fix_config_without_super}
