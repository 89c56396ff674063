"""One-pass name resolution from a module's own imports and assignments.

Built once per file from flake8's ``ast`` tree (free to us). Only module-level
bindings are recorded (including those under ``if``/``try``/``with`` at module level,
where conditional imports live); names bound inside functions are not followed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Union

# A binding is the dotted name a module-level name stands for, the class it defines,
# or ``None`` when it is bound to something that is not a dotted name.
_Target = Union[str, ast.ClassDef, None]

# Free names that by convention stand for a module even when a snippet forgot the
# import (``tf.keras.layers.Layer`` in a pasted example).
_CONVENTIONAL_HEADS = {"tf": "tensorflow"}


def ast_dotted(node: ast.AST) -> Optional[str]:
    """``a.b.c`` for a ``Name``/``Attribute`` chain, else None."""
    parts: List[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


@dataclass
class NameTable:
    """Module-level bindings, star imports and every class defined in the file."""

    bindings: Dict[str, _Target] = field(default_factory=dict)
    star_modules: List[str] = field(default_factory=list)
    classes: Dict[str, List[ast.ClassDef]] = field(default_factory=dict)
    # The values plain assignments give each name (``PATCH_SIZE = 6``) anywhere in the
    # file, in a function or a class body too (a class defined there sees them), and
    # the names bound otherwise at module level (an import, a def, ``+=`` ...).
    values: Dict[str, List[ast.expr]] = field(default_factory=dict)
    opaque: Set[str] = field(default_factory=set)

    @classmethod
    def from_module(cls, tree: ast.Module) -> NameTable:
        table = cls()
        table._scan(tree.body, module_level=True)
        return table

    def _bind(self, name: str, target: _Target, informative: bool) -> None:
        # A binding that is not a dotted name (``tf = None`` in an ``except
        # ImportError`` branch) must not hide the import it falls back from.
        if not informative and self.bindings.get(name) is not None:
            return
        self.bindings[name] = target

    def _scan(self, body: List[ast.stmt], module_level: bool) -> None:
        for stmt in body:
            if isinstance(stmt, ast.ClassDef):
                self.classes.setdefault(stmt.name, []).append(stmt)
                if module_level:
                    self._bind(stmt.name, stmt, True)
                    self.opaque.add(stmt.name)
                self._scan(stmt.body, module_level=False)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if module_level:
                    self._bind(stmt.name, None, False)
                    self.opaque.add(stmt.name)
                self._scan(stmt.body, module_level=False)
            elif module_level and isinstance(stmt, (ast.Import, ast.ImportFrom)):
                self._scan_import(stmt)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                self._record_values(stmt)
                if module_level:
                    self._scan_assign(stmt)
            elif module_level and isinstance(stmt, ast.AugAssign):
                if isinstance(stmt.target, ast.Name):
                    self.opaque.add(stmt.target.id)
            else:
                for child in child_bodies(stmt):
                    self._scan(child, module_level)

    def _record_values(self, stmt: Union[ast.Assign, ast.AnnAssign]) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            if isinstance(target, ast.Name) and stmt.value is not None:
                self.values.setdefault(target.id, []).append(stmt.value)

    def _scan_import(self, stmt: Union[ast.Import, ast.ImportFrom]) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self._bind(alias.asname, alias.name, True)
                    self.opaque.add(alias.asname)
                else:
                    head = alias.name.split(".", 1)[0]
                    self._bind(head, head, True)
                    self.opaque.add(head)
            return
        module = "." * stmt.level + (stmt.module or "")
        for alias in stmt.names:
            if alias.name == "*":
                self.star_modules.append(module)
                continue
            joined = f"{module}.{alias.name}" if not module.endswith(".") else module + alias.name
            self._bind(alias.asname or alias.name, joined, True)
            self.opaque.add(alias.asname or alias.name)

    def _scan_assign(self, stmt: Union[ast.Assign, ast.AnnAssign]) -> None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        value = stmt.value
        dotted = ast_dotted(value) if value is not None else None
        # Python evaluates the value now, so resolve it against the bindings so far:
        # ``tf = tf.compat.v1`` then refers to the earlier ``tf``.
        resolved: _Target = None
        if dotted is not None:
            resolved = self.local_class(dotted) or self.resolve(dotted)
        for target in targets:
            if isinstance(target, ast.Name):
                self._bind(target.id, resolved, resolved is not None)
                if value is None:
                    self.opaque.add(target.id)
            elif isinstance(target, (ast.Tuple, ast.List)):
                for elt in target.elts:
                    if isinstance(elt, ast.Name):
                        self._bind(elt.id, None, False)
                        self.opaque.add(elt.id)

    def resolve(self, dotted: str) -> Optional[str]:
        """The fully qualified name ``dotted`` stands for, or None if unknown."""
        head, _, rest = dotted.partition(".")
        if head not in self.bindings:
            base = _CONVENTIONAL_HEADS.get(head, head)
            return f"{base}.{rest}" if rest else base
        target = self.bindings[head]
        if not isinstance(target, str):
            return None
        return f"{target}.{rest}" if rest else target

    def constant(self, name: str) -> List[ast.expr]:
        """Every value a name bound only by plain assignments is given in the file
        (``PATCH_SIZE = 6``); [] for a name bound otherwise, or not in the file."""
        if name in self.opaque:
            return []
        return self.values.get(name, [])

    def local_class(self, dotted: str) -> Optional[ast.ClassDef]:
        """The class of this file that a bare base name refers to, if any."""
        if "." in dotted:
            return None
        target = self.bindings.get(dotted, "")
        if isinstance(target, ast.ClassDef):
            return target
        if dotted not in self.bindings and dotted in self.classes:
            # A class defined inside a function or class body, used there.
            return self.classes[dotted][-1]
        return None


# Statements that hold other statements; every other kind holds none. Checked first:
# this runs for every statement of every linted file.
_COMPOUND = frozenset(
    getattr(ast, name)
    for name in (
        "FunctionDef",
        "AsyncFunctionDef",
        "ClassDef",
        "If",
        "For",
        "AsyncFor",
        "While",
        "With",
        "AsyncWith",
        "Try",
        "TryStar",
        "Match",
    )
    if hasattr(ast, name)
)


def child_bodies(stmt: ast.stmt) -> List[List[ast.stmt]]:
    """The statement lists nested in ``stmt``, in source order."""
    if type(stmt) not in _COMPOUND:
        return []
    bodies: List[List[ast.stmt]] = []
    body = getattr(stmt, "body", None)
    if isinstance(body, list):
        bodies.append(body)
    bodies.extend(handler.body for handler in getattr(stmt, "handlers", ()))
    bodies.extend(case.body for case in getattr(stmt, "cases", ()))
    for name in ("orelse", "finalbody"):
        value = getattr(stmt, name, None)
        if isinstance(value, list) and value:
            bodies.append(value)
    return bodies
