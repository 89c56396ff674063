"""KLB203's and KLB208's fix: ``__init__`` takes ``**kwargs`` (added when missing)
and passes it on as the last argument of its one ``super().__init__(...)`` call, so
that ``name=``, ``dtype=`` and ``trainable=`` reach ``Layer.__init__``.

It declines where that is not mechanical: no super call (KLB201's fix adds one) or
several; a call that already takes a mapping (``**config``), or sets ``name=``,
``dtype=`` or ``trainable=`` itself, which ``**kwargs`` would pass a second time
(load_model always passes them); a functional ``Model`` call; and a ``**kwargs``
the method uses itself (its keys are meant for something else).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple, TypeVar, Union

import libcst as cst

from .. import keras_api
from ..model import CallFact, Finding, LayerClass, Method
from ..rules.init_kwargs import InitKwargsSubject
from .cst_names import names_in
from .cst_source import method_node, twin
from .edits import CannotFix, Declined, FixFunction, FixOutcome, method_fix, subject_of

DEFAULT_NAME = "kwargs"

# --- appending an item to a parenthesised list, in the list's own layout -----------

_Item = TypeVar("_Item", cst.Param, cst.Arg)
_Listed = Union[cst.Param, cst.Arg, cst.ParamStar, cst.ParamSlash]
_Space = cst.BaseParenthesizableWhitespace


def _after(item: _Listed) -> _Space:
    """The whitespace after an item that has no comma (before the closing paren)."""
    if isinstance(item, cst.Param):
        return item.whitespace_after_param
    if isinstance(item, cst.Arg):
        return item.whitespace_after_arg
    if isinstance(item, cst.ParamSlash):
        return item.whitespace_after
    return cst.SimpleWhitespace("")  # ``*`` always has a comma after it


def _with_after(item: _Listed, space: _Space) -> _Listed:
    if isinstance(item, cst.Param):
        return item.with_changes(whitespace_after_param=space)
    if isinstance(item, cst.Arg):
        return item.with_changes(whitespace_after_arg=space)
    if isinstance(item, cst.ParamSlash):
        return item.with_changes(whitespace_after=space)
    return item


def _separator(items: Sequence[_Listed], opening: _Space) -> _Space:
    """The whitespace to put between the last item and a new one: a line break when
    the items are one per line (the first may share the opening paren's line, as
    ``self`` often does), else a space (items packed on lines of several)."""
    if len(items) == 1:
        between: Sequence[_Space] = [opening]
    else:
        commas = [item.comma for item in items[:-1]]
        spaces = [c.whitespace_after for c in commas if isinstance(c, cst.Comma)]
        between = spaces[1:] if len(spaces) > 1 else spaces
    if between and all(isinstance(s, cst.ParenthesizedWhitespace) for s in between):
        last = between[-1]
        assert isinstance(last, cst.ParenthesizedWhitespace)
        # The line break and indent only: not the comment that ends the line before
        # the last item, nor the blank lines and comment lines above it.
        return last.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return cst.SimpleWhitespace(" ")


def _append(items: Sequence[_Listed], new: _Item, opening: _Space) -> Tuple[_Listed, _Item]:
    """The last of ``items`` given a comma, and ``new`` laid out to follow it: on its
    own line when the items are one per line, with the trailing comma and the closing
    paren's line kept, and a comment after the last item left on its line."""
    last = items[-1]
    trailing = isinstance(last.comma, cst.Comma)
    closing = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else _after(last)
    separator = _separator(items, opening)
    if isinstance(separator, cst.ParenthesizedWhitespace) and isinstance(
        closing, cst.ParenthesizedWhitespace
    ):
        # The last item's line keeps its comment; the new line ends plainly, and the
        # closing paren keeps its line (and the comment lines above it).
        separator = separator.with_changes(first_line=closing.first_line)
        closing = closing.with_changes(first_line=cst.TrailingWhitespace())
    if trailing:
        assert isinstance(last.comma, cst.Comma)
        last = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator))
        new = new.with_changes(comma=cst.Comma(whitespace_after=closing))
    else:
        last = _with_after(last, cst.SimpleWhitespace(""))
        last = last.with_changes(comma=cst.Comma(whitespace_after=separator))
        if isinstance(new, cst.Param):
            new = new.with_changes(whitespace_after_param=closing)
        else:
            new = new.with_changes(whitespace_after_arg=closing)
    return last, new


def add_varkw(fn: cst.FunctionDef, name: str) -> cst.FunctionDef:
    """``fn`` with a ``**<name>`` parameter last, in the signature's layout."""
    params = fn.params
    if params.star_kwarg is not None:
        return fn
    listed: List[_Listed] = [*params.posonly_params]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        listed.append(params.posonly_ind)
    listed += params.params
    if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
        listed.append(params.star_arg)
    listed += params.kwonly_params
    new_param = cst.Param(cst.Name(name), star="**")
    if listed:
        last, new_param = _append(listed, new_param, fn.whitespace_before_params)
        params = _replace_last(params, last)
    return fn.with_changes(params=params.with_changes(star_kwarg=new_param))


def _replace_last(params: cst.Parameters, last: _Listed) -> cst.Parameters:
    """``params`` with its last item (in the field that holds it) replaced."""
    if params.kwonly_params:
        return params.with_changes(kwonly_params=[*params.kwonly_params[:-1], last])
    if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
        return params.with_changes(star_arg=last)
    if params.params:
        return params.with_changes(params=[*params.params[:-1], last])
    if isinstance(params.posonly_ind, cst.ParamSlash):
        return params.with_changes(posonly_ind=last)
    return params.with_changes(posonly_params=[*params.posonly_params[:-1], last])


def append_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    if not call.args:
        # ``f(\n    # comment\n)``: the new argument goes right after the paren and
        # the lines that were inside stay between it and the closing paren.
        return call.with_changes(
            args=[arg.with_changes(whitespace_after_arg=call.whitespace_before_args)],
            whitespace_before_args=cst.SimpleWhitespace(""),
        )
    last, arg = _append(call.args, arg, call.whitespace_before_args)
    return call.with_changes(args=[*call.args[:-1], last, arg])


class _AppendToCall(cst.CSTTransformer):
    """Appends ``**<name>`` to exactly ``target`` (an original node of the tree)."""

    def __init__(self, target: cst.Call, name: str) -> None:
        super().__init__()
        self.target = target
        self.name = name
        self.done = False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.target:
            return updated_node
        self.done = True
        return append_arg(updated_node, cst.Arg(cst.Name(self.name), star="**"))


def forward_varkw(fn: cst.FunctionDef, call: cst.Call, name: str) -> cst.FunctionDef:
    """``**<name>`` in the signature (if missing) and passed last to ``call``."""
    # The call is found by identity, so this rewrite comes before any other.
    appender = _AppendToCall(call, name)
    updated = fn.visit(appender)
    if not appender.done or not isinstance(updated, cst.FunctionDef):
        raise CannotFix("the super().__init__() call was not found")
    return add_varkw(updated, name)


# --- when passing **kwargs on is not mechanical -------------------------------------


def named_params(fn: cst.FunctionDef) -> Set[str]:
    """Parameters a keyword argument binds to: ``**kwargs`` never holds these
    (positional-only ones it can)."""
    params = fn.params
    named = [*params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        named.append(params.star_arg)
    return {p.name.value for p in named}


def name_taken(fn: cst.FunctionDef, name: str) -> bool:
    """``name`` is already a parameter or a name used in the body."""
    params = fn.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        every.append(params.star_arg)
    return name in {p.name.value for p in every} or name in names_in(fn.body)


def _not_mechanical(layer: LayerClass, method: Method, call: CallFact) -> Optional[str]:
    """Why appending ``**kwargs`` to ``call`` could change what the base gets."""
    if "**" in call.keywords:
        # The message names the mapping as written.
        mapping = next(arg.value for arg in twin(call).args if arg.star == "**")
        code = cst.Module(body=[]).code_for_node(mapping)
        return f"super().__init__() already takes **{code}; merge the two by hand"
    if layer.builds_functionally():
        return "a functional Model (super().__init__(inputs, outputs)); pass the keywords by hand"
    named = named_params(method_node(method))
    for keyword in call.keywords:
        if keyword in keras_api.LAYER_KEYWORDS and keyword not in named:
            # ``super().__init__(dtype="int32", **kwargs)`` raises TypeError as soon as
            # kwargs holds ``dtype`` too, and load_model passes it from the config.
            # Another keyword (``autocast=False``) clashes only when a caller passes
            # it as well, which the old signature rejected or silently dropped.
            return f"super().__init__() sets {keyword}= itself, which **kwargs would pass again"
    return None


def fix_init_kwargs(finding: Finding) -> FixOutcome:
    subject = subject_of(finding, InitKwargsSubject)
    method = subject.init
    calls = subject.super_calls
    if not calls:
        return Declined("no super().__init__() call to pass **kwargs to (KLB201)")
    if len(calls) > 1:
        return Declined(f"__init__() calls super().__init__() {len(calls)} times")
    existing = subject.kwargs
    name = existing or DEFAULT_NAME
    if existing is None and name_taken(method_node(method), name):
        return Declined(f"the name {name} is already used in __init__()")
    if existing is not None and existing in names_in(method_node(method).body):
        return Declined(
            f"__init__() reads **{existing} itself; choose by hand which keys reach "
            "super().__init__()"
        )
    why = _not_mechanical(subject.layer, method, calls[0])
    if why is not None:
        return Declined(why)
    if finding.code == "KLB203" and subject.layer.defines("from_config"):
        return Declined(
            "from_config() rebuilds the layer: accepting **kwargs would not give the "
            "reloaded layer its name back; pass the saved keywords there by hand"
        )
    call: cst.Call = twin(calls[0])
    return method_fix(method, lambda node: forward_varkw(node, call, name))


FIXES: Dict[str, FixFunction] = {"KLB203": fix_init_kwargs, "KLB208": fix_init_kwargs}
