"""KLB206's fix: save the missing arguments, ``"units": self.units``, in the dict
literal ``get_config`` returns or builds.

Only an argument that ``self.<name>`` holds as it was passed: ``__init__`` assigns
``self.units = units`` once, at the top of its body, and never rebinds ``units``;
nothing else in the class assigns ``self.units``. Also declined, because adding the
key could break a reload that works now or save a value that is not plain:

- a value that may be an object, which needs serializing by hand: the class calls
  it (``self.norm_layer(...)``), its name says so (``norm_layer``, ``*_fn``), or its
  default here or in another class of the file is not a literal
  (``act=keras.activations.gelu``);
- ``get_config`` already reads ``self.<name>`` without saving it (left out on
  purpose, e.g. a function Keras cannot serialize);
- a required argument: its absence fails loudly on reload, so where the code works a
  subclass passes it itself (``BaseConv``'s ``rank``), and a saved key would then be
  passed twice;
- a subclass in the file passes the argument to ``super().__init__`` itself, or the
  class is named as a base class (``BasePooling``): same reason.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional

import libcst as cst

from ..model import Finding, LayerClass, Method, Param
from ..rules.config_missing_argument import MissingConfigArgumentsSubject
from .config_reading import config_literals, final_return
from .cst_names import code_of
from .cst_source import method_node, twin
from .dict_layout import append_element, fitted
from .edits import CannotFix, Declined, FixFunction, FixOutcome, method_fix, subject_of

# Class names that say "subclass me": BaseConv, _BaseAttention, AbstractRNNCell,
# BatchNormalizationBase.
_BASE_NAME = re.compile(r"^_*(Base|Abstract)(?![a-z])|[a-z0-9]Base$")

# Argument names that stand for a layer, a class or a function, whatever the default.
_OBJECT_NAME = re.compile(r"(^|_)(layer|layer_class|cls|class|fn|func|function)$")

Transform = Callable[[cst.FunctionDef], cst.FunctionDef]


def _short(code: str) -> str:
    """``code``'s first line, cut to 40 characters for a message."""
    line = code.splitlines()[0] if code else ""
    return line if len(line) <= 40 else line[:37] + "..."


def _subclass_passing(layer: LayerClass, name: str) -> str:
    """A class of the file derived from ``layer`` that passes ``name`` to
    ``super().__init__`` by keyword without taking it itself, or ""."""
    for other in layer.siblings:
        init = other.init
        if other is layer or layer not in other.ancestors or init is None:
            continue
        if init.super_call is None or any(p.name == name for p in init.method.params):
            continue
        if any(arg.keyword and arg.keyword.value == name for arg in twin(init.super_call).args):
            return other.name
    return ""


def _default(method: Method, name: str) -> Optional[cst.BaseExpression]:
    """The default value of the parameter ``name`` as written."""
    params: cst.Parameters = method_node(method).params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name:
            return param.default
    return None


def _literal(node: cst.BaseExpression) -> bool:
    """A value written out (``0.1``, ``"same"``, ``None``, ``(1, 1)``), not a name or a
    call that may stand for a function, a class or a layer."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.Name):
        return node.value in {"None", "True", "False"}
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return _literal(node.expression)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(_literal(element.value) for element in node.elements)
    if isinstance(node, cst.Dict):
        return all(
            isinstance(e, cst.DictElement) and _literal(e.key) and _literal(e.value)
            for e in node.elements
        )
    return False


def _constant(layer: LayerClass, name: str, default: cst.BaseExpression) -> bool:
    """The default is a module-level name the analysis found bound once to a plain
    value (``PATCH_SIZE = 6``)."""
    assert layer.init is not None
    kinds = {p.name: p.default_kind for p in layer.init.method.params}
    return isinstance(default, cst.Name) and kinds.get(name) == "plain"


def _object_default(layer: LayerClass, name: str) -> str:
    """A default of ``name`` that is not a literal, here or in another class of the
    file (a sibling's ``norm_layer=LayerNormalization`` says what the argument is),
    as written, or ""."""
    for other in [layer, *layer.siblings]:
        if other.init is None:
            continue
        default = _default(other.init.method, name)
        if default is not None and not _literal(default) and not _constant(other, name, default):
            code = _short(code_of(default))
            return code if other is layer else f"{code} in {other.name}"
    return ""


def _why_not(layer: LayerClass, param: Param) -> str:
    """Why saving ``self.<param>`` as the config key ``param`` might be wrong, or ""."""
    name = param.name
    assert layer.init is not None
    init = layer.init.method
    renamed = layer.init.super_renamed.get(name)
    if renamed:
        return (
            f"{name} reaches super().__init__ as {renamed}=, which the base saves too: "
            f"reload would pass both (save it, and turn {renamed} back into {name} in "
            "from_config, by hand)"
        )
    stores = [a for a in init.assigns if a.attr == name]
    if not stores:
        return f"__init__ does not store {name} on self as self.{name}"
    exact = [a for a in stores if a.value_text == name and not a.augmented]
    if not exact:
        value = _short(stores[0].value_text) if stores[0].value_text else "..."
        return f"__init__ stores self.{name} = {value}, not the argument itself"
    uses = layer.uses()
    if name in uses.bound.get(init.name, frozenset()):
        return f"__init__ reassigns {name} before or after storing it"
    if not any(a.top_level for a in exact):
        return f"__init__ sets self.{name} only under a condition or inside a block"
    if uses.stores.get(name, 0) > 1:
        return f"self.{name} is assigned more than once in the class"
    if layer.defines(name):
        return f"the class also defines a method or property {name}"
    if name in uses.called or param.annotation_kind == "object" or _OBJECT_NAME.search(name):
        return f"self.{name} holds an object, not a plain value (serialize it by hand)"
    default = _object_default(layer, name)
    if default:
        return (
            f"{name} defaults to {default}, so self.{name} may hold an object "
            "(serialize it by hand)"
        )
    if uses.mentions("get_config", name):
        return f"get_config() reads self.{name} without saving it, apparently on purpose"
    if not param.has_default:
        return (
            f"{name} has no default: reload already fails without it unless a "
            "subclass passes it itself (add it by hand)"
        )
    subclass = _subclass_passing(layer, name)
    if subclass:
        return (
            f"{subclass} passes {name} to super().__init__ itself: saving it would "
            f"break {subclass}'s reload"
        )
    if _BASE_NAME.search(layer.name):
        return f"{layer.name} looks like a base class whose subclasses may pass {name} themselves"
    return ""


def _quote(literal: cst.Dict) -> str:
    """The quote character the literal's own keys use."""
    for element in literal.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
            return element.key.quote[-1]
    return '"'


def _adding(method: Method, names: List[str]) -> Transform:
    chosen = frozenset(names)

    def transform(fn: cst.FunctionDef) -> cst.FunctionDef:
        literals = config_literals(fn, chosen)
        # The latest literal holding keys of its own (not only ``**base``); else the
        # returned literal itself.
        own = [
            (index, literal)
            for index, literal in literals
            if any(isinstance(e, cst.DictElement) for e in literal.elements)
        ]
        candidates = own or literals
        if not candidates:
            returned = final_return(fn)
            if isinstance(returned, cst.Attribute):
                raise CannotFix(f"get_config() returns {code_of(returned)}, built elsewhere")
            raise CannotFix(f"get_config() has no dict literal to add {', '.join(names)} to")
        target = max(candidates, key=lambda pair: pair[0])[1]
        quote = _quote(target)
        updated = target
        for name in names:
            key = cst.SimpleString(f"{quote}{name}{quote}")
            value = cst.parse_expression(f"self.{name}")
            updated = append_element(updated, cst.DictElement(key, value))
        return fitted(method, fn, target, updated)

    return transform


def fix_config_missing_argument(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, MissingConfigArgumentsSubject)
    layer, get_config = subject.layer, subject.get_config
    assert layer.init is not None
    params = {p.name: p for p in layer.init.method.params}
    reasons: List[str] = []
    addable: List[str] = []
    for name in subject.missing:
        why = _why_not(layer, params[name])
        if why:
            reasons.append(why)
        else:
            addable.append(name)
    if not addable:
        return Declined("; ".join(reasons))
    # The keys that can be saved are; the others stay reported, with their reason.
    outcome = method_fix(get_config, _adding(get_config, addable))
    if isinstance(outcome, Declined) and reasons:
        return Declined("; ".join([outcome.reason, *reasons]))
    return outcome


FIXES: Dict[str, FixFunction] = {"KLB206": fix_config_missing_argument}
