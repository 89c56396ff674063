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
import os
from typing import TYPE_CHECKING, Dict, Optional, Set, Tuple

from .. import keras_api
from ..settings import Settings

if TYPE_CHECKING:
    from .layers import ClassIndex

_MAX_DEPTH = 12  # modules followed from one base; deeper chains stay unknown


class _Module:
    """What a base module offers: its classes and its import table (parsed once),
    and its classes' kinds (classified once, whoever imports them)."""

    def __init__(self, path: str, tree: ast.Module) -> None:
        from ..names import NameTable
        from .layers import iter_classes

        self.path = path
        self.names = NameTable.from_module(tree)
        self.classes = {node.name: node for node in iter_classes(tree.body)}
        self.index: Optional[ClassIndex] = None

    def kind_of_class(self, node: ast.ClassDef, settings: Settings, depth: int) -> Optional[str]:
        if self.index is None:
            from .layers import ClassIndex

            self.index = ClassIndex.for_module(self.names, settings, self.path, depth + 1)
        return self.index.info(node).kind


_MODULES: Dict[str, Optional[_Module]] = {}
_KINDS: Dict[Tuple[str, str], Optional[str]] = {}
_EXISTS: Dict[str, bool] = {}
_FOUND: Dict[Tuple[str, str], Optional[str]] = {}


def clear_caches() -> None:
    for cache in (_MODULES, _KINDS, _EXISTS, _FOUND):
        cache.clear()


def _exists(path: str) -> bool:
    found = _EXISTS.get(path)
    if found is None:
        found = _EXISTS[path] = os.path.exists(path)
    return found


def _load(path: str) -> Optional[_Module]:
    key = os.path.abspath(path)
    if key in _MODULES:
        return _MODULES[key]
    module: Optional[_Module] = None
    try:
        with open(key, "rb") as handle:
            module = _Module(key, ast.parse(handle.read()))
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


def kind_of(dotted: str, importer: str, settings: Settings, depth: int = 0) -> Optional[str]:
    """The kind of the class ``dotted`` names, as seen from file ``importer``:
    ``"layer"``, ``"model"``, ``"metric"`` or None (unknown or not a layer)."""
    if depth > _MAX_DEPTH or not dotted.strip("."):
        return None
    key = (importer, dotted)
    if key in _KINDS:
        return _KINDS[key]
    _KINDS[key] = None  # a cycle between modules is no evidence of a layer
    kind = _kind_uncached(dotted, importer, settings, depth)
    _KINDS[key] = kind
    return kind


def _kind_uncached(dotted: str, importer: str, settings: Settings, depth: int) -> Optional[str]:
    prefix = "." * (len(dotted) - len(dotted.lstrip(".")))
    parts = dotted.lstrip(".").split(".")
    # The longest module prefix that exists wins, as in ``import a.b.c``.
    for split in range(len(parts) - 1, 0, -1):
        path = _find(prefix + ".".join(parts[:split]), importer)
        if path is None:
            continue
        module = _load(path)
        if module is None:
            return None
        return _kind_in_module(module, parts[split:], settings, depth)
    if prefix and len(parts) == 1:
        # ``from . import Base``: the name is in the package's ``__init__``.
        path = _find(prefix, importer)
        module = _load(path) if path else None
        return _kind_in_module(module, parts, settings, depth) if module else None
    return None


def _kind_in_module(
    module: _Module, rest: list[str], settings: Settings, depth: int
) -> Optional[str]:
    name, tail = rest[0], rest[1:]
    node = module.classes.get(name) if not tail else None
    if node is not None:
        return module.kind_of_class(node, settings, depth)
    target = module.names.bindings.get(name)
    if isinstance(target, str):
        # A re-export (``from .dense import Dense`` in an ``__init__``) or a module.
        full = ".".join([target] + tail)
        kind = keras_api.layer_kind(full)
        return kind or kind_of(full, module.path, settings, depth + 1)
    if target is None and name not in module.names.bindings and not tail:
        return _kind_from_stars(module, name, settings, depth)
    return None


def _kind_from_stars(module: _Module, name: str, settings: Settings, depth: int) -> Optional[str]:
    """``from .blocks import *`` in an ``__init__``: the name may come from there."""
    for star in module.names.star_modules:
        full = star + name if star.endswith(".") else f"{star}.{name}"
        if any(part in keras_api.KERAS_ROOTS for part in star.split(".")):
            # What a star import from Keras brings is only known for common names.
            if name in keras_api.STAR_LAYER_NAMES:
                return keras_api.layer_kind(full)
            continue
        kind = kind_of(full, module.path, settings, depth + 1)
        if kind:
            return kind
    return None


def modules_read() -> Set[str]:
    """Modules read so far in this process, for tests and the benchmark."""
    return {path for path, module in _MODULES.items() if module is not None}
