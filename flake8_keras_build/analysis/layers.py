"""Which classes of a file are Keras layer, model or metric classes (``ast`` only).

This is the gate: it runs on flake8's own tree, and only the classes of interest it
finds are analysed further.
"""

from __future__ import annotations

import ast
import os
from typing import Callable, Dict, Iterator, List, Optional, Set

from .. import keras_api
from ..class_info import ClassInfo
from ..names import NameTable, ast_dotted, child_bodies
from ..settings import Settings

# Kinds by precedence: a class with a metric base is a metric class whatever its
# other bases; one with a model base is a model class.
_KIND_ORDER = ("metric", "model", "layer")


def iter_classes(body: List[ast.stmt]) -> Iterator[ast.ClassDef]:
    """Every class statement, at any depth, in source order (statements only)."""
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            yield stmt
        for child in child_bodies(stmt):
            yield from iter_classes(child)


def _matches_configured(resolved: str, bases: tuple[str, ...]) -> bool:
    relative = resolved.startswith(".")
    name = resolved.lstrip(".")
    for base in bases:
        if base.endswith(".*"):
            module, candidate = base[:-2], name.rpartition(".")[0]
        else:
            module, candidate = base, name
        if candidate == module:
            return True
        # ``from .blocks import Base``: the package is unknown, so a configured
        # ``mypkg.blocks.Base`` matches by its trailing components.
        if relative and candidate and module.endswith("." + candidate):
            return True
    return False


# The kind of a class imported from another module of the project:
# (resolved dotted name, the importing file, settings, depth) -> kind or None.
# ``analysis/project.py`` provides it; the gate is handed it rather than importing
# it, because the project lookup itself classifies with a ``ClassIndex``.
ForeignKind = Callable[[str, str, Settings, int], Optional[str]]


class ClassIndex:
    """Every class of a module, classified once."""

    def __init__(
        self,
        tree: Optional[ast.Module],
        names: NameTable,
        settings: Settings,
        filename: Optional[str] = None,
        depth: int = 0,
        foreign_kind: Optional[ForeignKind] = None,
    ) -> None:
        self.names = names
        self.settings = settings
        # Where the module is, to find the project's other modules; None: not known
        # (or cross-module resolution is off, or no lookup was given).
        self.filename = (
            os.path.abspath(filename)
            if filename and settings.cross_module and foreign_kind is not None
            else None
        )
        self.depth = depth
        self._foreign_kind = foreign_kind
        self._infos: Dict[int, ClassInfo] = {}
        self._active: Set[int] = set()
        self._base_names: Dict[int, tuple[List[str], List[str]]] = {}
        self._kinds: Dict[str, Optional[str]] = {}
        self.classes = [self.info(node) for node in iter_classes(tree.body)] if tree else []

    @classmethod
    def for_module(
        cls,
        names: NameTable,
        settings: Settings,
        filename: str,
        depth: int,
        foreign_kind: ForeignKind,
    ) -> ClassIndex:
        """An index of another module of the project, classifying on demand."""
        return cls(None, names, settings, filename, depth, foreign_kind)

    def info(self, node: ast.ClassDef) -> ClassInfo:
        key = id(node)
        if key in self._infos:
            return self._infos[key]
        if key in self._active:
            # ``class A(B)`` / ``class B(A)``: a cycle is no evidence of a layer.
            return ClassInfo(node, None)
        self._active.add(key)
        kinds: Set[str] = set()
        local: List[ClassInfo] = []
        for base in node.bases:
            kind, base_info = self._base_kind(base)
            if base_info is not None:
                local.append(base_info)
            if kind:
                kinds.add(kind)
        self._active.discard(key)
        kind = next((k for k in _KIND_ORDER if k in kinds), None)
        info = ClassInfo(node, kind, local)
        self._infos[key] = info
        return info

    def _base_kind(self, base: ast.expr) -> tuple[Optional[str], Optional[ClassInfo]]:
        dotted = ast_dotted(base)
        if dotted is None:
            return None, None
        local = self.names.local_class(dotted)
        if local is not None:
            base_info = self.info(local)
            if base_info.kind == "layer" and base_info.name == "Metric":
                # Keras 2's own ``Metric`` subclasses ``Layer``; what derives from it
                # in its own module is a metric class.
                return "metric", base_info
            return base_info.kind, base_info
        return self.kind_of_name(dotted), None

    def kind_of_name(self, dotted: str) -> Optional[str]:
        """The kind of the class a dotted name in this module refers to."""
        # Asked for every call in every analysed method: the answer per name is kept,
        # once no classification is under way (inside one, a cycle answers None).
        if dotted in self._kinds:
            return self._kinds[dotted]
        kind = self._kind_of_name(dotted)
        if not self._active:
            self._kinds[dotted] = kind
        return kind

    def _kind_of_name(self, dotted: str) -> Optional[str]:
        local = self.names.local_class(dotted)
        if local is not None:
            return self.info(local).kind
        resolved = self.names.resolve(dotted)
        if resolved is None:
            return None
        kind = keras_api.layer_kind(resolved)
        if kind:
            return kind
        if self.settings.layer_bases and _matches_configured(resolved, self.settings.layer_bases):
            return "layer"
        if self.filename and self._foreign_kind and resolved.rpartition(".")[2][:1].isupper():
            # Only CamelCase names can be classes worth following into the project.
            kind = self._foreign_kind(resolved, self.filename, self.settings, self.depth)
            if kind:
                return kind
        if "." not in dotted and dotted not in self.names.bindings and self._star_keras():
            if dotted in keras_api.STAR_LAYER_NAMES:
                return "model" if dotted in keras_api.MODEL_CLASSES else "layer"
        return None

    def _star_keras(self) -> bool:
        return any(keras_api.is_keras_module(module) for module in self.names.star_modules)

    def base_names(self, info: ClassInfo) -> tuple[List[str], List[str]]:
        """``info``'s bases that are neither of this file nor ``object``: the resolved
        Keras paths, and the others (resolved names, or as written if unresolvable)."""
        found = self._base_names.get(id(info))
        if found is None:
            found = self._base_names[id(info)] = self._resolve_bases(info)
        return found

    def _resolve_bases(self, info: ClassInfo) -> tuple[List[str], List[str]]:
        keras_paths: List[str] = []
        others: List[str] = []
        for base in info.node.bases:
            dotted = ast_dotted(base)
            if dotted is None:
                others.append("<expression>")
                continue
            if self.names.local_class(dotted) is not None or dotted == "object":
                continue
            resolved = self.names.resolve(dotted)
            if resolved is not None and keras_api.layer_kind(resolved):
                keras_paths.append(resolved)
            else:
                others.append(resolved or dotted)
        return keras_paths, others

    def decorator_names(self, info: ClassInfo) -> List[str]:
        names: List[str] = []
        for decorator in info.node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            dotted = ast_dotted(target)
            names.append((self.names.resolve(dotted) or dotted) if dotted else "<expression>")
        return names

    def is_layer_constructor(self, dotted: str) -> bool:
        """A call of ``dotted`` constructs a layer (Keras, same-file or configured)."""
        return self.kind_of_name(dotted) in {"layer", "model"}

    def of_interest(self) -> List[ClassInfo]:
        return [info for info in self.classes if info.kind is not None]
