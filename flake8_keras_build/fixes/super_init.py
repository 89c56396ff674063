"""KLB201's fixes: ``super().__init__(**kwargs)`` as the first statement of
``__init__`` (after its docstring), with ``**kwargs`` added to the signature when
it has none, as KLB203's fix adds it; and ``super(Layer, self).__init__(...)``
made ``super().__init__(...)``, where that reaches the class it named.

Only where that call is complete: where ``super()`` reaches ``Layer.__init__`` or
``Model.__init__`` (which need no argument) or a project class's ``__init__`` that
needs none. A concrete Keras layer (``Dense``) or a project base with required
parameters needs its own arguments, and a base class we cannot see may need any.
An ``__init__`` that takes ``name``, ``dtype`` or ``trainable`` itself handles them
in its own way (tf-keras' v1 ``Layer`` re-implements ``Layer.__init__`` like that).
"""

from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst

from .. import keras_api
from ..model import Finding, LayerClass, Method
from ..rules.super_init import MissingSuperInitSubject, SkippedSuperInitSubject
from .cst_source import method_node, twin
from .edits import (
    CannotFix,
    Declined,
    FixFunction,
    FixOutcome,
    method_fix,
    subject_of,
    visit_fix,
)
from .init_kwargs import DEFAULT_NAME, add_varkw, name_taken
from .rewrite import RewriteCall, insert_first, statement
from .walk import Visitor, walk


def _required(method: Method) -> List[str]:
    """Parameters of a base's ``__init__`` that a call must pass."""
    named = [p for p in method.params[1:] if p.kind in {"positional", "keyword"}]  # not self
    return [p.name for p in named if not p.has_default]


def _base_needs_arguments(layer: LayerClass) -> Optional[str]:
    """Why ``super().__init__(**kwargs)`` may not be a complete call, or None."""
    if layer.foreign_bases:
        return "a base class's __init__() cannot be seen; call it by hand"
    for ancestor in layer.ancestors:
        if ancestor.init is None:
            continue
        required = _required(ancestor.init.method)
        if required:
            return f"{ancestor.name}.__init__() needs {', '.join(required)}; call it by hand"
        return None
    bases = [base for ancestor in [layer, *layer.ancestors] for base in ancestor.keras_bases]
    if not bases:
        return "the base class's __init__() cannot be seen; call it by hand"
    for base in bases:
        name = base.rsplit(".", 1)[-1]
        if name not in keras_api.ROOT_CLASSES:
            return f"{name}.__init__() takes arguments of its own; call it by hand"
    return None


def _automatic_config(layer: LayerClass) -> bool:
    """Keras generates the config: no class of the chain defines ``get_config``. Its
    generated config keeps ``name``, ``trainable`` and ``dtype`` only when the
    ``**`` parameter is named ``kwargs`` (``argspec.varkw != "kwargs"`` drops them,
    Keras 3 and tf-keras; the runtime lane saw the reloaded layer renamed)."""
    return not any(c.defines("get_config") for c in [layer, *layer.ancestors])


def _drop_lone_pass(fn: cst.FunctionDef, added: cst.BaseStatement) -> cst.FunctionDef:
    """A body that was only ``pass`` (after a docstring) loses the ``pass`` now that
    ``added`` is there; a ``pass`` with a comment stays."""
    assert isinstance(fn.body, cst.IndentedBlock)
    body = list(fn.body.body)
    last = body[-1]
    if (
        len(body) >= 2
        and body[-2] is added
        and isinstance(last, cst.SimpleStatementLine)
        and len(last.body) == 1
        and isinstance(last.body[0], cst.Pass)
        and not last.leading_lines
        and last.trailing_whitespace.comment is None
    ):
        return fn.with_changes(body=fn.body.with_changes(body=body[:-1]))
    return fn


def fix_missing_super_init(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, MissingSuperInitSubject)
    method = subject.init
    fn: cst.FunctionDef = method_node(method)
    why = _base_needs_arguments(subject.layer)
    if why is not None:
        return Declined(why)
    own = [
        p.name for p in method.params if p.name in keras_api.LAYER_KEYWORDS and p.kind != "varkw"
    ]
    if own:
        return Declined(
            f"__init__() takes {', '.join(own)} itself; decide by hand what "
            "super().__init__() gets"
        )
    existing = subject.kwargs
    if existing not in (None, DEFAULT_NAME) and _automatic_config(subject.layer):
        return Declined(
            f"Keras' automatic config gives name, trainable and dtype back only to a "
            f"**kwargs named kwargs, not **{existing}: rename it and call "
            "super().__init__(**kwargs) by hand"
        )
    name = existing or DEFAULT_NAME
    if existing is None and name_taken(fn, name):
        return Declined(f"the name {name} is already used in __init__()")
    call = statement(f"super().__init__(**{name})")

    def transform(node: cst.FunctionDef) -> cst.FunctionDef:
        return add_varkw(_drop_lone_pass(insert_first(node, call), call), name)

    return method_fix(method, transform)


def _next_init(layer: LayerClass) -> Optional[str]:
    """The Keras class whose ``__init__`` a bare ``super().__init__`` would reach
    (resolved), or None when that is not one known Keras class: a project ancestor
    with an ``__init__`` of its own, a base we cannot see, or several Keras bases."""
    if layer.foreign_bases or any(a.defines("__init__") for a in layer.ancestors):
        return None
    bases = {base for ancestor in [layer, *layer.ancestors] for base in ancestor.keras_bases}
    return bases.pop() if len(bases) == 1 else None


class _NestedCall(Visitor):
    """Whether ``target`` sits in a function or lambda nested in the method: a bare
    ``super()`` finds no class there."""

    def __init__(self, target: cst.Call) -> None:
        self.target = target
        self.depth = 0
        self.nested = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.depth += 1

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.depth -= 1

    def visit_Call(self, node: cst.Call) -> None:
        if node is self.target and self.depth > 1:
            self.nested = True


def _bare_super(call: cst.Call) -> cst.Call:
    """``super(X, self).__init__(...)`` -> ``super().__init__(...)``."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call)):
        raise CannotFix("the call is not super(...).__init__(...)")
    return call.with_changes(func=func.with_changes(value=func.value.with_changes(args=())))


def fix_skipped_super_init(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, SkippedSuperInitSubject)
    named = subject.skipped.rsplit(".", 1)[-1]
    reached = _next_init(subject.layer)
    if reached != subject.skipped:
        where = f"{reached.rsplit('.', 1)[-1]}.__init__()" if reached else "another __init__()"
        return Declined(
            f"super().__init__() would run {where}, not {named}.__init__(); call it by hand"
        )
    target = twin(subject.call)
    nested = _NestedCall(target)
    walk(method_node(subject.init), nested)
    if nested.nested:
        return Declined("the call is in a nested function, where super() needs its arguments")
    return visit_fix(subject.init, RewriteCall(target, _bare_super))


def fix_super_init(finding: Finding) -> FixOutcome:
    """KLB201 reports two patterns; each subject says which one this finding is."""
    if isinstance(finding.subject, SkippedSuperInitSubject):
        return fix_skipped_super_init(finding)
    return fix_missing_super_init(finding)


FIXES: Dict[str, FixFunction] = {"KLB201": fix_super_init}
