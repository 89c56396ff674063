"""Layer classes whose base lives in another module of the user's project.

flake8 hands the plugin one file at a time. When a base is imported from a module
that is not Keras (``from mypkg.blocks import Block``, ``from .base import Base``),
this finds that module's source the way import resolution would (from the linted
file's path and the package structure around it), reads it statically (``ast`` only:
classes and imports, nothing executed) and decides whether the class there is,
transitively, a layer class. Only other modules are read from disk; the linted file
itself always comes from flake8. Everything is cached per process: flake8 runs each
worker over many files that share the same base modules.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from typing import Any, Dict, List, Optional, Set, Tuple, Union

from .. import keras_api
from ..names import NameTable
from ..settings import Settings
from ..text import split_lines
from .definition_source import definition_source
from .layers import ClassIndex, iter_classes

_MAX_DEPTH = 12  # modules followed from one base; deeper chains stay unknown


class ProjectModule:
    """What a base module offers: its classes and its import table (parsed once),
    and its classes' kinds (classified once, whoever imports them)."""

    def __init__(self, path: str, tree: ast.Module, data: bytes = b"") -> None:
        self.path = path
        self.data = data
        self.names = NameTable.from_module(tree)
        self.classes = {node.name: node for node in iter_classes(tree.body)}
        for same_name in self.names.classes.values():  # every class, at any depth
            for node in same_name:
                stub(node)
        self.index: Optional[ClassIndex] = None
        self._lines: Optional[List[str]] = None

    def class_index(self, settings: Settings, depth: int) -> ClassIndex:
        if self.index is None:
            self.index = ClassIndex.for_module(self.names, settings, self.path, depth + 1, kind_of)
        return self.index

    def kind_of_class(self, node: ast.ClassDef, settings: Settings, depth: int) -> Optional[str]:
        return self.class_index(settings, depth).info(node).kind

    def full_class(self, node: ast.ClassDef) -> Optional[ast.ClassDef]:
        """The class ``node`` (stubbed: its positions and decorators are still there)
        stands for, parsed again from the module's text with the file's positions;
        None if that text does not parse alone."""
        cut = definition_source(self.lines(), node)
        if cut is None:
            return None
        try:
            tree = ast.parse(cut.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        ast.increment_lineno(tree, cut.first_line - 1 - cut.wrapped)
        found = tree.body[0] if tree.body else None
        if cut.wrapped and isinstance(found, ast.If):
            found = found.body[0]
        return found if isinstance(found, ast.ClassDef) else None

    def lines(self) -> List[str]:
        """The module's text as flake8 would read it (for reading a base class again),
        decoded once however many of its classes are bases."""
        if self._lines is None:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(self.data).readline)
            text = self.data.decode(encoding, errors="replace").lstrip("\ufeff")
            self._lines = split_lines(text)
        return self._lines


def stub(node: ast.ClassDef) -> None:
    """Keep of a class only what decides its kind: bases, keywords, decorators.

    These trees stay in the process's caches for the rest of the run, and every full
    garbage collection of flake8 walks them: kept whole, they made flake8's own checks
    measurably slower. The body of a class that turns out to be a base is read
    again when its model is made (``full_class``).
    """
    node.body = [_PASS]


_PASS = ast.Pass()


_MODULES: Dict[str, Optional[ProjectModule]] = {}
_EXISTS: Dict[str, bool] = {}
_FOUND: Dict[Tuple[str, str], Optional[str]] = {}
# Models of classes in other modules, built by ``model_builder`` (cached here so that
# one ``clear_caches`` resets everything the process learned).
FOREIGN_MODELS: Dict[Tuple[str, int], Any] = {}


def clear_caches() -> None:
    for cache in (_MODULES, _TARGETS, _EXISTS, _FOUND, FOREIGN_MODELS):
        cache.clear()


def _exists(path: str) -> bool:
    found = _EXISTS.get(path)
    if found is None:
        found = _EXISTS[path] = os.path.exists(path)
    return found


def _load(path: str) -> Optional[ProjectModule]:
    key = os.path.abspath(path)
    if key in _MODULES:
        return _MODULES[key]
    module: Optional[ProjectModule] = None
    try:
        with open(key, "rb") as handle:
            data = handle.read()
        module = ProjectModule(key, ast.parse(data), data)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        module = None  # unreadable or unparsable: its classes stay unknown
    _MODULES[key] = module
    return module


def _module_file(directory: str, parts: Tuple[str, ...]) -> Optional[str]:
    base = os.path.join(directory, *parts)
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if _exists(candidate):
            return candidate
    return None


def _roots(importer: str, head: str) -> list[str]:
    """Directories from which ``import <head>...`` could be found for ``importer``:
    its ancestors that hold ``<head>`` as a package or module, nearest first."""
    roots: list[str] = []
    directory = os.path.dirname(os.path.abspath(importer))
    for _ in range(_MAX_DEPTH):
        if _exists(os.path.join(directory, head)) or _exists(os.path.join(directory, head + ".py")):
            roots.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return roots


def _find(dotted_module: str, importer: str) -> Optional[str]:
    """The file of module ``dotted_module`` (``a.b`` or relative ``..a.b``)."""
    # Files of one directory share the answer: most lookups are for names that are
    # not in the project at all (``tensorflow.TensorShape``), asked again and again.
    key = (os.path.dirname(importer), dotted_module)
    if key not in _FOUND:
        _FOUND[key] = _find_uncached(dotted_module, importer)
    return _FOUND[key]


def _find_uncached(dotted_module: str, importer: str) -> Optional[str]:
    level = len(dotted_module) - len(dotted_module.lstrip("."))
    parts = tuple(p for p in dotted_module.lstrip(".").split(".") if p)
    if level:
        directory = os.path.dirname(os.path.abspath(importer))
        for _ in range(level - 1):
            directory = os.path.dirname(directory)
        return _module_file(directory, parts) if parts else _module_file(directory, ())
    if not parts:
        return None
    for root in _roots(importer, parts[0]):
        found = _module_file(root, parts)
        if found is not None:
            return found
    return None


# What a dotted name leads to: a Keras path, a class of a project module, or nothing.
Target = Union[str, Tuple["ProjectModule", ast.ClassDef], None]
_TARGETS: Dict[Tuple[str, str], Target] = {}


def kind_of(dotted: str, importer: str, settings: Settings, depth: int = 0) -> Optional[str]:
    """The kind of the class ``dotted`` names, as seen from file ``importer``:
    ``"layer"``, ``"model"``, ``"metric"`` or None (unknown or not a layer)."""
    target = locate(dotted, importer, depth)
    if isinstance(target, str):
        return keras_api.layer_kind(target)
    if target is not None:
        module, node = target
        return module.kind_of_class(node, settings, depth)
    return None


def locate(dotted: str, importer: str, depth: int = 0) -> Target:
    """Follow ``dotted`` (as imported in file ``importer``) through the project's
    modules and their re-exports to the class it names."""
    if depth > _MAX_DEPTH or not dotted.strip("."):
        return None
    key = (importer, dotted)
    if key in _TARGETS:
        return _TARGETS[key]
    _TARGETS[key] = None  # a cycle between modules leads nowhere
    target = _locate_uncached(dotted, importer, depth)
    _TARGETS[key] = target
    return target


def _locate_uncached(dotted: str, importer: str, depth: int) -> Target:
    prefix = "." * (len(dotted) - len(dotted.lstrip(".")))
    parts = dotted.lstrip(".").split(".")
    # The longest module prefix that exists wins, as in ``import a.b.c``.
    for split in range(len(parts) - 1, 0, -1):
        path = _find(prefix + ".".join(parts[:split]), importer)
        if path is None:
            continue
        module = _load(path)
        return _locate_in_module(module, parts[split:], depth) if module else None
    if prefix and len(parts) == 1:
        # ``from . import Base``: the name is in the package's ``__init__``.
        path = _find(prefix, importer)
        module = _load(path) if path else None
        return _locate_in_module(module, parts, depth) if module else None
    return None


def _locate_in_module(module: ProjectModule, rest: list[str], depth: int) -> Target:
    name, tail = rest[0], rest[1:]
    node = module.classes.get(name) if not tail else None
    if node is not None:
        return (module, node)
    target = module.names.bindings.get(name)
    if isinstance(target, str):
        # A re-export (``from .dense import Dense`` in an ``__init__``) or a module.
        full = ".".join([target] + tail)
        if keras_api.layer_kind(full):
            return full
        return locate(full, module.path, depth + 1)
    if target is None and name not in module.names.bindings and not tail:
        return _locate_in_stars(module, name, depth)
    return None


def _locate_in_stars(module: ProjectModule, name: str, depth: int) -> Target:
    """``from .blocks import *`` in an ``__init__``: the name may come from there."""
    for star in module.names.star_modules:
        full = star + name if star.endswith(".") else f"{star}.{name}"
        if keras_api.is_keras_module(star):
            # What a star import from Keras brings is only known for common names.
            if name in keras_api.STAR_LAYER_NAMES:
                return full
            continue
        found = locate(full, module.path, depth + 1)
        if found is not None:
            return found
    return None


def modules_read() -> Set[str]:
    """Modules read so far in this process, for tests and the benchmark."""
    return {path for path, module in _MODULES.items() if module is not None}
